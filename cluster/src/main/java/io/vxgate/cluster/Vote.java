package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonObject;

/**
 * One node's word on one server: an active check verdict, or a passive down-mark (the node's
 * requests failed {@code max-fails} times within {@code fail-timeout}).
 *
 * @param timeMillis when it was published (wall clock of the publisher)
 * @param expiresMillis when a passive mark lapses; 0 for active verdicts (they stand until replaced
 *     or their node leaves)
 */
public record Vote(
    String node,
    ServerId server,
    Kind kind,
    boolean up,
    String reason,
    long timeMillis,
    long expiresMillis) {

  /** Where a vote comes from. */
  public enum Kind {
    ACTIVE,
    PASSIVE
  }

  public Vote {
    requireNonNull(node, "node");
    requireNonNull(server, "server");
    requireNonNull(kind, "kind");
    requireNonNull(reason, "reason");
  }

  /**
   * The key of a vote in the health board: one per node, kind and server ({@code
   * node|KIND|upstream/server}; every node of the cluster must make it the same way).
   */
  public String key() {
    return node + "|" + kind + "|" + server;
  }

  /** Whether a passive mark has lapsed at {@code nowMillis}. */
  public boolean expired(long nowMillis) {
    return expiresMillis > 0 && nowMillis >= expiresMillis;
  }

  JsonObject toJson() {
    return new JsonObject()
        .put("node", node)
        .put("upstream", server.upstream())
        .put("server", server.server())
        .put("kind", kind.name())
        .put("up", up)
        .put("reason", reason)
        .put("time", timeMillis)
        .put("expires", expiresMillis);
  }

  static Vote fromJson(JsonObject j) {
    return new Vote(
        j.getString("node"),
        new ServerId(j.getString("upstream"), j.getString("server")),
        Kind.valueOf(j.getString("kind")),
        j.getBoolean("up"),
        j.getString("reason"),
        j.getLong("time"),
        j.getLong("expires"));
  }
}
