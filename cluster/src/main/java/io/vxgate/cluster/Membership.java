package io.vxgate.cluster;

import java.util.List;
import java.util.function.Consumer;

/**
 * The live gateway nodes of the cluster (Hazelcast lite members, such as tools, are not gateway
 * nodes and are not listed). A standalone node is a cluster of one.
 */
public interface Membership {

  /** This node. */
  Member local();

  /**
   * The live members, this node included, sorted by id. A node cut off from the cluster (its
   * Hazelcast instance stopped) sees only itself.
   */
  List<Member> members();

  /**
   * Calls {@code listener} with the new member list after every join or leave, on a cluster event
   * thread (it must not block).
   */
  Subscription listen(Consumer<List<Member>> listener);
}
