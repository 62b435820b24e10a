package io.vxgate.gateway.lb;

import static io.vxgate.gateway.lb.BalancerTesting.balancer;
import static io.vxgate.gateway.lb.BalancerTesting.picks;
import static io.vxgate.gateway.lb.BalancerTesting.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.BalanceConfig.Kind;
import io.vxgate.util.ManualTicker;
import java.time.Duration;
import java.util.Collections;
import java.util.List;
import org.junit.jupiter.api.Test;

class RoundRobinBalancerTest {
  private final ManualTicker ticker = new ManualTicker();
  private final TestEndpoint a = new TestEndpoint("a", 5);
  private final TestEndpoint b = new TestEndpoint("b", 1);
  private final TestEndpoint c = new TestEndpoint("c", 1);

  @Test
  void weights511GiveTheSmoothSequence() {
    Balancer rr = balancer(Kind.ROUNDROBIN, ticker, a, b, c);

    assertThat(picks(rr, PickContext.empty(), 14)).isEqualTo(seq("a a b a c a a", 2));
  }

  @Test
  void equalWeightsRotateStrictly() {
    Balancer rr =
        balancer(
            Kind.ROUNDROBIN,
            ticker,
            TestEndpoint.of("x"),
            TestEndpoint.of("y"),
            TestEndpoint.of("z"));

    assertThat(picks(rr, PickContext.empty(), 9)).isEqualTo(seq("x y z", 3));
  }

  @Test
  void unavailableServerIsSkippedAndTheOthersStaySmooth() {
    c.downUntil(Duration.ofSeconds(1));
    Balancer rr = balancer(Kind.ROUNDROBIN, ticker, a, b, c);

    assertThat(picks(rr, PickContext.empty(), 12)).isEqualTo(seq("a a a b a a", 2));

    ticker.advance(Duration.ofSeconds(1));
    assertThat(picks(rr, PickContext.empty(), 14)).isEqualTo(seq("a a b a c a a", 2));
  }

  @Test
  void triedServersAreAvoided() {
    Balancer rr = balancer(Kind.ROUNDROBIN, ticker, a, b, c);

    assertThat(picks(rr, TestContext.retryAfter(a), 6)).isEqualTo(seq("b c", 3));
  }

  @Test
  void whenAllAvailableWereTriedOneOfThemIsStillPicked() {
    Balancer rr = balancer(Kind.ROUNDROBIN, ticker, a, b, c);

    assertThat(picks(rr, TestContext.retryAfter(a, b, c), 7)).isEqualTo(seq("a a b a c a a", 1));

    c.enabled(false);
    assertThat(picks(rr, TestContext.retryAfter(a, b), 6)).isEqualTo(seq("a a a b a a", 1));
  }

  @Test
  void noAvailableServerGivesNull() {
    a.enabled(false);
    b.enabled(false);
    c.downUntil(Duration.ofSeconds(1));
    Balancer rr = balancer(Kind.ROUNDROBIN, ticker, a, b, c);

    assertThat(rr.pick(PickContext.empty())).isNull();
    assertThat(rr.pick(TestContext.retryAfter(a))).isNull();
    assertThat(balancer(Kind.ROUNDROBIN, ticker).pick(PickContext.empty())).isNull();
  }

  @Test
  void lowerEffectiveWeightLowersTheShare() {
    Balancer rr = balancer(Kind.ROUNDROBIN, ticker, a, b, c);

    a.effectiveWeight(1); // slow start: a ramps up from 1
    assertThat(picks(rr, PickContext.empty(), 6)).isEqualTo(seq("a b c", 2));

    a.effectiveWeight(3);
    List<String> picks = picks(rr, PickContext.empty(), 50);
    assertThat(Collections.frequency(picks, "a")).isEqualTo(30);
    assertThat(Collections.frequency(picks, "b")).isEqualTo(10);

    a.effectiveWeight(0); // ramp done
    assertThat(picks(rr, PickContext.empty(), 7)).isEqualTo(seq("a a b a c a a", 1));
  }
}
