package io.vxgate.cluster;

import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * Which nodes actively check a server: the {@code k} live members with the highest rendezvous score
 * {@code hash(server, memberId)} (over the server's text form; highest random weight hashing) in
 * the server's own datacenter while it has live members, else in each datacenter (see {@code
 * docs/cluster.md}, "Health"). Every node computes the same answer from the same membership and
 * config; when a member leaves, only the servers it checked get a new checker, and when one joins
 * it takes over about {@code k/n} of them.
 */
public final class CheckerAssignment {
  private CheckerAssignment() {}

  /** The ids of the checkers of {@code server} (a server without a datacenter), sorted. */
  public static List<String> checkers(ServerId server, List<Member> members, int k) {
    return checkers(server, null, members, k);
  }

  /**
   * The ids of the checkers of {@code server}, sorted: the {@code k} best of {@code datacenter}
   * when it has live members, else the {@code k} best of every datacenter.
   *
   * @param datacenter the server's datacenter ({@code servers[].datacenter}), null when it has none
   */
  public static List<String> checkers(
      ServerId server, @Nullable String datacenter, List<Member> members, int k) {
    if (k < 1) {
      throw new IllegalArgumentException("k: " + k + " (expected: >= 1)");
    }
    String serverKey = server.toString();
    Map<String, List<Member>> byDc = new TreeMap<>();
    for (Member m : members) {
      byDc.computeIfAbsent(m.datacenter(), d -> new ArrayList<>()).add(m);
    }
    List<String> out = new ArrayList<>();
    List<Member> own = datacenter == null ? null : byDc.get(datacenter);
    for (List<Member> dc : own != null ? List.of(own) : byDc.values()) {
      dc.stream()
          .sorted(
              Comparator.comparingLong((Member m) -> score(serverKey, m.id()))
                  .reversed()
                  .thenComparing(Member::id))
          .limit(k)
          .forEach(m -> out.add(m.id()));
    }
    out.sort(null);
    return out;
  }

  /** The rendezvous score: FNV-1a 64 over both keys, finished with the SplitMix64 mixer. */
  static long score(String serverKey, String memberId) {
    long h = 0xcbf29ce484222325L;
    h = fnv(h, serverKey.getBytes(StandardCharsets.UTF_8));
    h = (h ^ 0xff) * 0x100000001b3L;
    h = fnv(h, memberId.getBytes(StandardCharsets.UTF_8));
    h = (h ^ (h >>> 30)) * 0xbf58476d1ce4e5b9L;
    h = (h ^ (h >>> 27)) * 0x94d049bb133111ebL;
    return h ^ (h >>> 31);
  }

  private static long fnv(long h, byte[] bytes) {
    for (byte b : bytes) {
      h = (h ^ (b & 0xff)) * 0x100000001b3L;
    }
    return h;
  }
}
