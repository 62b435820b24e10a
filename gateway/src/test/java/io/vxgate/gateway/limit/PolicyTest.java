package io.vxgate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.LimitConfig;
import java.util.List;
import org.junit.jupiter.api.Test;

/** Concurrency caps: per key, with the other nodes' requests in flight and this node's share. */
class PolicyTest {
  private static final long A = Policy.hash("a");
  private static final long B = Policy.hash("b");

  private static Policy cap(int n, LimitConfig.Scope scope, int maxKeys) {
    return new Policy(
        new LimitConfig(
            "c", null, 0, 0, false, n, LimitConfig.DEFAULT_KEY, List.of(), scope, maxKeys));
  }

  @Test
  void capsRequestsInFlightPerKeyAndGivesPlacesBack() {
    Policy p = cap(2, LimitConfig.Scope.NODE, 100);
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(A, 0)).isFalse();
    assertThat(p.enter(B, 0)).isTrue();
    p.exit(A);
    assertThat(p.enter(A, 0)).isTrue();
    p.exit(A);
    p.exit(A);
    p.exit(A); // one exit too many changes nothing
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(A, 0)).isFalse();
  }

  @Test
  void keysInFlightAreBoundedByMaxKeys() {
    Policy p = cap(5, LimitConfig.Scope.NODE, 1);
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(B, 0)).isFalse();
    p.exit(A);
    assertThat(p.enter(B, 0)).isTrue();
  }

  @Test
  void clusterScopeCountsTheOthersInFlightAndHoldsThisNodesShareOfTheCap() {
    Policy p = cap(6, LimitConfig.Scope.CLUSTER, 100);
    LongIntMap other = new LongIntMap(4);
    other.put(A, 4);
    p.peers(new LongIntMap[] {other});
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(A, 0)).isTrue();
    assertThat(p.enter(A, 0)).as("4 elsewhere, 2 here").isFalse();
    // the other node now has nothing in flight, but three times this node's demand (3 asked here,
    // 9 there): this node's share of the cap is (3 + 1) / (3 + 1 + 9) of 6, rounded up: 2
    p.peers(new LongIntMap[0]);
    p.drainDemand((h, n) -> {});
    p.addRemote(A, 9);
    assertThat(p.enter(A, 0)).isFalse();
    p.exit(A);
    assertThat(p.enter(A, 0)).isTrue();
  }
}
