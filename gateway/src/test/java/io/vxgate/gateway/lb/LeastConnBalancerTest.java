package io.vxgate.gateway.lb;

import static io.vxgate.gateway.lb.BalancerTesting.balancer;
import static io.vxgate.gateway.lb.BalancerTesting.picks;
import static io.vxgate.gateway.lb.BalancerTesting.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.BalanceConfig.Kind;
import io.vxgate.util.ManualTicker;
import java.time.Duration;
import org.junit.jupiter.api.Test;

class LeastConnBalancerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final TestEndpoint x = TestEndpoint.of("x");
  private final TestEndpoint y = TestEndpoint.of("y");
  private final TestEndpoint z = TestEndpoint.of("z");

  @Test
  void picksTheServerWithFewestInFlight() {
    x.inFlight(3);
    y.inFlight(1);
    z.inFlight(2);
    Balancer lc = balancer(Kind.LEASTCONN, ticker, x, y, z);

    assertThat(picks(lc, PickContext.empty(), 3)).isEqualTo(seq("y", 3));

    y.inFlight(4);
    assertThat(lc.pick(PickContext.empty())).isSameAs(z);
  }

  @Test
  void comparesInFlightPerUnitOfWeight() {
    TestEndpoint heavy = new TestEndpoint("heavy", 3).inFlight(5); // 5/3
    TestEndpoint light = new TestEndpoint("light", 1).inFlight(2); // 2/1
    Balancer lc = balancer(Kind.LEASTCONN, ticker, light, heavy);

    assertThat(lc.pick(PickContext.empty())).isSameAs(heavy);

    light.inFlight(1); // 1/1 < 5/3
    assertThat(lc.pick(PickContext.empty())).isSameAs(light);

    heavy.effectiveWeight(1).inFlight(2); // slow start: 2/1 > 1/1
    light.inFlight(1);
    assertThat(lc.pick(PickContext.empty())).isSameAs(light);
  }

  @Test
  void tiesAreBrokenBySmoothRoundRobin() {
    Balancer lc = balancer(Kind.LEASTCONN, ticker, x, y, z);
    assertThat(picks(lc, PickContext.empty(), 6)).isEqualTo(seq("x y z", 2));

    Balancer weighted =
        balancer(
            Kind.LEASTCONN,
            ticker,
            new TestEndpoint("a", 5),
            new TestEndpoint("b", 1),
            new TestEndpoint("c", 1));
    assertThat(picks(weighted, PickContext.empty(), 14)).isEqualTo(seq("a a b a c a a", 2));
  }

  @Test
  void roundRobinRunsOnlyAmongTheTiedServers() {
    TestEndpoint a = new TestEndpoint("a", 2).inFlight(2); // 2/2
    TestEndpoint b = new TestEndpoint("b", 1).inFlight(1); // 1/1
    TestEndpoint c = new TestEndpoint("c", 1).inFlight(5);
    Balancer lc = balancer(Kind.LEASTCONN, ticker, c, a, b);

    assertThat(picks(lc, PickContext.empty(), 6)).isEqualTo(seq("a b a", 2));
  }

  @Test
  void skipsUnavailableAndTriedServers() {
    x.inFlight(3);
    y.inFlight(1).downUntil(Duration.ofSeconds(1));
    z.inFlight(2);
    Balancer lc = balancer(Kind.LEASTCONN, ticker, x, y, z);

    assertThat(lc.pick(PickContext.empty())).isSameAs(z);
    assertThat(lc.pick(TestContext.retryAfter(z))).isSameAs(x);

    ticker.advance(Duration.ofSeconds(1));
    assertThat(lc.pick(PickContext.empty())).isSameAs(y);
  }

  @Test
  void whenAllAvailableWereTriedTheLeastLoadedOfThemIsPicked() {
    x.inFlight(3);
    y.inFlight(1).enabled(false);
    z.inFlight(2);
    Balancer lc = balancer(Kind.LEASTCONN, ticker, x, y, z);

    assertThat(lc.pick(TestContext.retryAfter(x, z))).isSameAs(z);
  }

  @Test
  void noAvailableServerGivesNull() {
    x.enabled(false);
    y.enabled(false);
    z.enabled(false);

    assertThat(balancer(Kind.LEASTCONN, ticker, x, y, z).pick(PickContext.empty())).isNull();
    assertThat(balancer(Kind.LEASTCONN, ticker).pick(PickContext.empty())).isNull();
  }
}
