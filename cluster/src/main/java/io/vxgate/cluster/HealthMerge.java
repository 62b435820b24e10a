package io.vxgate.cluster;

import io.vxgate.cluster.HealthView.ServerHealth;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeMap;

/**
 * Merges the votes of the live members into one {@link HealthView}. For each server:
 *
 * <ol>
 *   <li>Only votes of live members count; lapsed passive marks do not.
 *   <li><b>Active</b>: the server is down when more than half of the active verdicts of its
 *       <em>assigned</em> checkers ({@link CheckerAssignment}) say down. When none of them has
 *       voted yet (just after a re-assignment), the active verdicts of any live member are used the
 *       same way; when there are none either, the previous view's verdict stands (a node cut off
 *       keeps its last view), else the server counts as up.
 *   <li><b>Passive</b>: the server is down when unexpired passive down-marks come from more than
 *       half of the live members (one node's bad network cannot take a server out cluster-wide;
 *       each node's own passive detector still acts locally at once).
 * </ol>
 */
public final class HealthMerge {
  private HealthMerge() {}

  /** The merged view of servers without a datacenter (see the other overload). */
  public static HealthView merge(
      Collection<Vote> votes, List<Member> members, int k, long nowMillis, HealthView previous) {
    return merge(votes, members, Map.of(), k, nowMillis, previous);
  }

  /**
   * The merged view; servers only in {@code previous} keep their previous verdict.
   *
   * @param datacenters each server's datacenter (absent: none), which decides its checkers ({@link
   *     CheckerAssignment})
   */
  public static HealthView merge(
      Collection<Vote> votes,
      List<Member> members,
      Map<ServerId, String> datacenters,
      int k,
      long nowMillis,
      HealthView previous) {
    Set<String> live = new HashSet<>();
    members.forEach(m -> live.add(m.id()));
    Map<ServerId, List<Vote>> byServer = new TreeMap<>();
    for (Vote v : votes) {
      if (live.contains(v.node()) && !v.expired(nowMillis)) {
        byServer.computeIfAbsent(v.server(), s -> new ArrayList<>()).add(v);
      }
    }
    Map<ServerId, ServerHealth> out = new HashMap<>();
    byServer.forEach(
        (key, list) -> {
          List<String> checkers = CheckerAssignment.checkers(key, datacenters.get(key), members, k);
          List<Vote> active = new ArrayList<>();
          List<Vote> anyActive = new ArrayList<>();
          int passiveDown = 0;
          String passiveReason = null;
          for (Vote v : list) {
            if (v.kind() == Vote.Kind.ACTIVE) {
              anyActive.add(v);
              if (checkers.contains(v.node())) {
                active.add(v);
              }
            } else if (!v.up()) {
              passiveDown++;
              passiveReason = v.reason();
            }
          }
          List<Vote> counted = active.isEmpty() ? anyActive : active;
          boolean up;
          String reason;
          if (!counted.isEmpty()) {
            int down = 0;
            String downReason = null;
            for (Vote v : counted) {
              if (!v.up()) {
                down++;
                downReason = v.node() + ": " + v.reason();
              }
            }
            up = down * 2 <= counted.size();
            reason =
                up
                    ? "active: " + (counted.size() - down) + "/" + counted.size() + " up"
                    : "active: " + down + "/" + counted.size() + " down (" + downReason + ")";
          } else {
            ServerHealth prev = previous == null ? null : previous.servers().get(key);
            up = prev == null || prev.activeUp();
            reason = prev == null ? "no active verdict" : "last view: " + prev.reason();
          }
          boolean activeUp = up;
          if (up && passiveDown * 2 > live.size()) {
            up = false;
            reason =
                "passive: " + passiveDown + "/" + live.size() + " nodes (" + passiveReason + ")";
          }
          out.put(key, new ServerHealth(key, up, activeUp, reason, checkers, list));
        });
    if (previous != null) {
      previous
          .servers()
          .forEach(
              (key, h) ->
                  out.computeIfAbsent(
                      key,
                      x ->
                          new ServerHealth(
                              key,
                              h.activeUp(),
                              h.activeUp(),
                              h.reason().startsWith("last view: ")
                                  ? h.reason()
                                  : "last view: " + h.reason(),
                              CheckerAssignment.checkers(key, datacenters.get(key), members, k),
                              List.of())));
    }
    return new HealthView(out);
  }
}
