package io.vxgate.cluster;

import com.hazelcast.core.HazelcastInstance;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;

/** A {@link ClusterNode} over the Hazelcast instance of a clustered Vert.x. */
final class HazelcastClusterNode implements ClusterNode {
  private final Vertx vertx;
  private final HazelcastMembership membership;
  private final HazelcastConfigStore store;
  private final HazelcastHealthBoard board;
  private final HazelcastInstance hz;
  private final Member me;

  /** Blocking: registers listeners and loads the current votes. */
  HazelcastClusterNode(Vertx vertx, HazelcastInstance hz, Member me, int checkers) {
    this.vertx = vertx;
    this.hz = hz;
    this.me = me;
    this.membership = new HazelcastMembership(hz, me);
    this.store = new HazelcastConfigStore(vertx, hz);
    this.board = new HazelcastHealthBoard(vertx, hz, membership, checkers, Clock.systemUTC());
  }

  @Override
  public Vertx vertx() {
    return vertx;
  }

  @Override
  public boolean clustered() {
    return true;
  }

  @Override
  public Membership membership() {
    return membership;
  }

  @Override
  public ConfigStore configStore() {
    return store;
  }

  @Override
  public HealthBoard healthBoard() {
    return board;
  }

  /** Shuts the Hazelcast member down (gracefully: its partitions move first), not Vert.x. */
  @Override
  public Future<Void> leave() {
    board.close();
    store.close();
    membership.close();
    return vertx.executeBlocking(
        () -> {
          hz.getLifecycleService().shutdown();
          return null;
        });
  }

  @Override
  public Broadcast broadcast(String topic) {
    return new EventBusBroadcast(vertx, topic, me.id());
  }

  @Override
  public Future<Void> close() {
    board.close();
    store.close();
    membership.close();
    return vertx.close();
  }
}
