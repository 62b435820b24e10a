package io.vxgate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.LimitConfig;
import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

/**
 * nginx's {@code limit_req} answers, request by request, on a hand-moved clock: the expected
 * sequences follow the module's arithmetic ({@code excess = max(0, excess - rate * ms / 1000 +
 * 1000)}, refused over the burst, delayed by {@code (excess - delay) / rate}).
 */
class LeakyBucketTest {
  private static final long KEY = Policy.hash("203.0.113.7");

  /** One answer per request: "ok", "wait N" (ms) or "no N" (ms until one would pass). */
  private static List<String> run(LimitConfig config, long... timesMs) {
    Policy p = new Policy(config);
    List<String> out = new ArrayList<>();
    for (long t : timesMs) {
      long d = p.take(KEY, t);
      out.add(d < 0 ? "no " + -d : d == 0 ? "ok" : "wait " + d);
    }
    return out;
  }

  private static LimitConfig rate(int perSecond, int burst, int delay, boolean nodelay) {
    return new LimitConfig(
        "t",
        new LimitConfig.Rate(perSecond, false),
        burst,
        delay,
        nodelay,
        0,
        LimitConfig.DEFAULT_KEY,
        List.of(),
        LimitConfig.Scope.NODE,
        100);
  }

  @Test
  void withoutABurstRequestsAreSpacedByOneOverTheRate() {
    // 10/s: one request per 100 ms; the first of a new key passes
    assertThat(run(rate(10, 0, 0, false), 1000, 1050, 1099, 1100, 1150, 1200))
        .containsExactly("ok", "no 50", "no 1", "ok", "no 50", "ok");
  }

  @Test
  void theBurstIsDelayedInTurnThenRefused() {
    // 10/s, burst 3: five at once: 0 excess, then 1, 2, 3 requests ahead (delayed 100, 200, 300
    // ms), the fifth over the burst
    assertThat(run(rate(10, 3, 0, false), 0, 0, 0, 0, 0))
        .containsExactly("ok", "wait 100", "wait 200", "wait 300", "no 100");
    // and the bucket leaks: 250 ms later 2.5 requests have leaked, the excess is 0.5 + 1
    assertThat(run(rate(10, 3, 0, false), 0, 0, 0, 0, 250))
        .containsExactly("ok", "wait 100", "wait 200", "wait 300", "wait 150");
  }

  @Test
  void nodelayPassesTheWholeBurstAtOnce() {
    assertThat(run(rate(10, 3, 0, true), 0, 0, 0, 0, 0, 100))
        .containsExactly("ok", "ok", "ok", "ok", "no 100", "ok");
  }

  @Test
  void delayPassesTheFirstOfTheBurstAtOnceAndDelaysTheRest() {
    // delay: 2 of a burst of 4 pass at once, the third and fourth wait
    assertThat(run(rate(10, 4, 2, false), 0, 0, 0, 0, 0, 0))
        .containsExactly("ok", "ok", "ok", "wait 100", "wait 200", "no 100");
  }

  @Test
  void aRefusedRequestTakesNothing() {
    // the refused one does not add to the excess: the next is judged as if it had not come
    assertThat(run(rate(1, 0, 0, false), 0, 500, 999, 1000))
        .containsExactly("ok", "no 500", "no 1", "ok");
  }

  @Test
  void aKeyIdleLongEnoughStartsAgainAtZero() {
    assertThat(run(rate(2, 1, 0, true), 0, 0, 0, 10_000, 10_000, 10_000))
        .containsExactly("ok", "ok", "no 500", "ok", "ok", "no 500");
  }

  @Test
  void perMinuteRatesUseNginxIntegerThousandths() {
    LimitConfig perMinute =
        new LimitConfig(
            "m",
            new LimitConfig.Rate(1, true),
            0,
            0,
            false,
            0,
            LimitConfig.DEFAULT_KEY,
            List.of(),
            LimitConfig.Scope.NODE,
            100);
    // 1/m is 16 thousandths per second in nginx: a request leaks in 62.5 s, not 60 (at 62.499 s
    // one thousandth is left, which takes 63 ms)
    assertThat(run(perMinute, 0, 60_000, 62_499, 62_500))
        .containsExactly("ok", "no 2500", "no 63", "ok");
  }
}
