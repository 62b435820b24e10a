package io.vxgate.admin;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.HealthFlag;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.ServerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import org.jspecify.annotations.Nullable;

/**
 * Every member's word on its servers' health flags, so that one node's admin API shows every node's
 * (per server per node, {@code GET /api/upstreams}). Each node's stats event ({@value
 * AdminVerticle#EVENTS_STATS}, every 2 s) carries the servers that have flags on that node ({@link
 * #flagged}); a server it does not list is healthy there. This keeps the latest event of each node
 * for {@link #MAX_AGE}. Thread-safe.
 */
final class ServerViews {
  /** How long a node's last word counts. */
  static final Duration MAX_AGE = Duration.ofSeconds(10);

  private record NodeView(Instant time, Map<ServerId, JsonObject> flagged) {}

  private final Map<String, NodeView> nodes = new ConcurrentHashMap<>();
  private final Clock clock;

  ServerViews(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** The servers of {@code servers} that have flags, for a stats event. */
  static JsonArray flagged(List<NodeContext.ServerStatus> servers) {
    JsonArray out = new JsonArray();
    for (NodeContext.ServerStatus s : servers) {
      if (!s.flags().isEmpty()) {
        out.add(
            new JsonObject()
                .put("upstream", s.id().upstream())
                .put("server", s.id().server())
                .put("available", s.available())
                .put("flags", new JsonArray(HealthFlag.names(s.flags())))
                .put("reason", s.reason()));
      }
    }
    return out;
  }

  /** One node's view of one server, as the admin API shows it. */
  static JsonObject json(String node, NodeContext.ServerStatus s, Instant time) {
    return view(node, s.available(), new JsonArray(HealthFlag.names(s.flags())), s.reason(), time);
  }

  private static JsonObject view(
      String node, boolean available, JsonArray flags, String reason, Instant time) {
    return new JsonObject()
        .put("node", node)
        .put("available", available)
        .put("flags", flags)
        .put("reason", reason)
        .put("time", time.toString());
  }

  /** Keeps the servers part of a node's stats event. */
  void accept(JsonObject stats) {
    String node = stats.getString("node");
    if (node == null || !(stats.getValue("servers") instanceof JsonArray servers)) {
      return;
    }
    Map<ServerId, JsonObject> flagged = new HashMap<>();
    for (Object o : servers) {
      if (o instanceof JsonObject j
          && j.getValue("upstream") instanceof String u
          && j.getValue("server") instanceof String s) {
        flagged.put(new ServerId(u, s), j);
      }
    }
    nodes.put(node, new NodeView(clock.instant(), flagged));
  }

  /**
   * What {@code node} last said about {@code server}, or null when it said nothing in the last
   * {@link #MAX_AGE}.
   */
  @Nullable JsonObject view(String node, ServerId server) {
    NodeView v = nodes.get(node);
    if (v == null || v.time.isBefore(clock.instant().minus(MAX_AGE))) {
      return null;
    }
    JsonObject f = v.flagged.get(server);
    if (f == null) {
      return view(node, true, new JsonArray(), HealthFlag.HEALTHY, v.time);
    }
    return view(
        node,
        f.getBoolean("available", false),
        f.getValue("flags") instanceof JsonArray a ? a : new JsonArray(),
        f.getString("reason", ""),
        v.time);
  }

  /** Forgets nodes that are no longer members. */
  void retain(List<String> members) {
    nodes.keySet().retainAll(members);
  }
}
