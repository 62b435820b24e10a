package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.List;

/**
 * What a reload of a node's config file did (docs/operations.md, "Reloading").
 *
 * @param errors why the file was not applied at all (invalid, a certificate that does not load, an
 *     address that cannot be bound); empty when it was
 * @param local what changed in the node-local sections ({@code listener api: added on ...})
 * @param restart node-local changes that take effect only at the next start ({@code cluster.bind})
 * @param shared what became of the file's cluster-wide sections
 */
public record ReloadReport(
    List<String> errors, List<String> local, List<String> restart, Shared shared) {

  public ReloadReport {
    errors = List.copyOf(errors);
    local = List.copyOf(local);
    restart = List.copyOf(restart);
    requireNonNull(shared, "shared");
  }

  /** A file that was not applied: nothing changed. */
  public static ReloadReport invalid(List<String> errors) {
    return new ReloadReport(
        errors, List.of(), List.of(), new Shared(SharedStatus.NOT_APPLIED, 0, "nothing changed"));
  }

  /** What became of the cluster-wide sections of the file. */
  public enum SharedStatus {
    /** Written as a new version of the cluster's config. */
    WRITTEN,
    /** Equal to the cluster's current config: nothing written. */
    UNCHANGED,
    /** The file has none (no upstream, no route): the cluster's stay. */
    ABSENT,
    /** Someone else changed the cluster's config since the file was last in force. */
    REFUSED,
    /** The file was not applied at all ({@link #errors}). */
    NOT_APPLIED
  }

  /**
   * What became of the file's cluster-wide sections.
   *
   * @param version the cluster's config version afterwards (0: none)
   * @param message the outcome in words
   */
  public record Shared(SharedStatus status, long version, String message) {
    public Shared {
      requireNonNull(status, "status");
      requireNonNull(message, "message");
    }
  }

  /** Whether everything in the file was applied. */
  public boolean ok() {
    return errors.isEmpty() && shared.status() != SharedStatus.REFUSED;
  }

  /**
   * The admin API's reply: {@code {ok, node, local, restart, shared: {status, version, message}}},
   * with {@code "code"} 400 and {@code "errors"} for a file not applied, 409 for refused
   * cluster-wide sections.
   */
  public JsonObject toJson(String node) {
    JsonObject o =
        new JsonObject()
            .put("ok", ok())
            .put("node", node)
            .put("version", shared.version())
            .put("local", new JsonArray(local))
            .put("restart", new JsonArray(restart))
            .put(
                "shared",
                new JsonObject()
                    .put("status", shared.status().name().toLowerCase(java.util.Locale.ROOT))
                    .put("version", shared.version())
                    .put("message", shared.message()));
    if (!errors.isEmpty()) {
      o.put("code", 400).put("errors", new JsonArray(errors));
    } else if (shared.status() == SharedStatus.REFUSED) {
      o.put("code", 409).put("errors", new JsonArray().add(shared.message()));
    }
    return o;
  }
}
