package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The merged health of every server some node has reported on (see {@link HealthMerge}). A server
 * that is not in the view has no reports: the node uses its own state.
 */
public record HealthView(Map<ServerId, ServerHealth> servers) {
  /** The empty view. */
  public static final HealthView EMPTY = new HealthView(Map.of());

  public HealthView {
    servers = Map.copyOf(servers);
  }

  /**
   * The merged verdict on one server.
   *
   * @param up whether the cluster considers it up (active verdict up, no passive majority down)
   * @param activeUp the active part of the verdict alone
   * @param reason why, for status pages
   * @param checkers the nodes assigned to check it now
   * @param votes the live votes it was computed from
   */
  public record ServerHealth(
      ServerId server,
      boolean up,
      boolean activeUp,
      String reason,
      List<String> checkers,
      List<Vote> votes) {
    public ServerHealth {
      requireNonNull(server, "server");
      requireNonNull(reason, "reason");
      checkers = List.copyOf(checkers);
      votes = List.copyOf(votes);
    }
  }

  /** The verdict on one server, or null when nobody reported on it. */
  public @Nullable ServerHealth get(ServerId server) {
    return servers.get(server);
  }
}
