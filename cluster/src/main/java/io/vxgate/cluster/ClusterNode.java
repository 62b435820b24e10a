package io.vxgate.cluster;

import io.vertx.core.Future;
import io.vertx.core.Vertx;

/**
 * This node's handle on the cluster: its membership, the shared config store, the health board and
 * best-effort broadcasts. {@link ClusterBootstrap} starts a Hazelcast-backed one (or a local one
 * for a standalone node); {@link LocalCluster} makes in-memory ones for tests.
 */
public interface ClusterNode {

  /** The Vert.x instance (clustered for a Hazelcast node). */
  Vertx vertx();

  /** Whether this node is part of a Hazelcast cluster. */
  boolean clustered();

  Membership membership();

  ConfigStore configStore();

  HealthBoard healthBoard();

  /** Best-effort messages between the nodes on {@code topic} ({@link Broadcast}). */
  Broadcast broadcast(String topic);

  /**
   * Leaves the cluster but keeps Vert.x running (a takeover: docs/operations.md, "Upgrading without
   * downtime"): the process goes on serving its connections with what it has, then ends without
   * {@link #close}. A standalone node has nothing to leave.
   */
  default Future<Void> leave() {
    return Future.succeededFuture();
  }

  /**
   * Leaves the cluster. A Hazelcast node closes its clustered Vert.x instance (which leaves the
   * Hazelcast cluster); a local node leaves its {@link LocalCluster} and leaves Vert.x alone.
   */
  Future<Void> close();
}
