package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import java.util.Comparator;

/**
 * A server's identity across the cluster: the name of its upstream and its own name within that
 * upstream. Maps and keys of servers (health votes and views, operator states, a node's live server
 * states) use it instead of text. Its text form, {@link #toString()}, is {@code upstream/server}:
 * the form of the health board's vote keys, the input of {@link CheckerAssignment} and the form
 * shown in change lines ({@code server-states.api/api1: drain}), so every node of the cluster must
 * produce it the same way.
 */
public record ServerId(String upstream, String server) implements Comparable<ServerId> {
  private static final Comparator<ServerId> ORDER =
      Comparator.comparing(ServerId::upstream).thenComparing(ServerId::server);

  public ServerId {
    requireNonNull(upstream, "upstream");
    requireNonNull(server, "server");
  }

  /** By upstream, then server. */
  @Override
  public int compareTo(ServerId o) {
    return ORDER.compare(this, o);
  }

  /** {@code upstream/server}. */
  @Override
  public String toString() {
    return upstream + "/" + server;
  }
}
