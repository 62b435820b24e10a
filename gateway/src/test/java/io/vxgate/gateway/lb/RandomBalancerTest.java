package io.vxgate.gateway.lb;

import static io.vxgate.gateway.lb.BalancerTesting.picks;
import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.BalanceConfig;
import io.vxgate.config.BalanceConfig.Kind;
import io.vxgate.util.ManualTicker;
import java.util.Collections;
import java.util.List;
import java.util.Random;
import org.junit.jupiter.api.Test;

class RandomBalancerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final TestEndpoint x = TestEndpoint.of("x");
  private final TestEndpoint y = TestEndpoint.of("y");
  private final TestEndpoint z = TestEndpoint.of("z");

  private Balancer random(long seed, Endpoint... servers) {
    return Balancer.create(
        new BalanceConfig(Kind.RANDOM, null), List.of(servers), ticker, new Random(seed));
  }

  @Test
  void spreadsEvenlyOverEqualServers() {
    List<String> picks = picks(random(1, x, y, z), PickContext.empty(), 30_000);

    for (String name : List.of("x", "y", "z")) {
      assertThat(Collections.frequency(picks, name)).isBetween(9_500, 10_500);
    }
  }

  @Test
  void drawsByEffectiveWeight() {
    TestEndpoint heavy = new TestEndpoint("heavy", 4).effectiveWeight(2); // slow start
    List<String> picks = picks(random(2, heavy, x), PickContext.empty(), 30_000);

    assertThat(Collections.frequency(picks, "heavy")).isBetween(19_000, 21_000);
  }

  @Test
  void picksTheLessLoadedOfTheTwo() {
    x.inFlight(0);
    y.inFlight(5);
    z.inFlight(10);
    List<String> picks = picks(random(3, x, y, z), PickContext.empty(), 30_000);

    // z loses to any other server; x wins whenever drawn (2 in 3 pairs contain it).
    assertThat(picks).doesNotContain("z");
    assertThat(Collections.frequency(picks, "x")).isBetween(19_000, 21_000);

    TestEndpoint idle = new TestEndpoint("idle", 1);
    TestEndpoint busy = new TestEndpoint("busy", 1).inFlight(1);
    assertThat(picks(random(4, busy, idle), PickContext.empty(), 100)).containsOnly("idle");
  }

  @Test
  void neverPicksUnavailableOrTriedServers() {
    y.enabled(false);
    Balancer r = random(5, x, y, z);

    assertThat(picks(r, PickContext.empty(), 1_000)).containsOnly("x", "z");
    assertThat(picks(r, TestContext.retryAfter(x), 100)).containsOnly("z");
    assertThat(picks(r, TestContext.retryAfter(x, z), 100)).containsOnly("x", "z");

    x.enabled(false);
    z.enabled(false);
    assertThat(r.pick(PickContext.empty())).isNull();
    assertThat(random(6).pick(PickContext.empty())).isNull();
  }

  @Test
  void sameSeedGivesTheSameSequence() {
    assertThat(picks(random(7, x, y, z), PickContext.empty(), 1_000))
        .isEqualTo(picks(random(7, x, y, z), PickContext.empty(), 1_000));
  }
}
