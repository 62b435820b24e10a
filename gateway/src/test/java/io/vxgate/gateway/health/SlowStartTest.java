package io.vxgate.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.time.Duration;
import org.junit.jupiter.api.Test;

class SlowStartTest {

  private static final Duration RAMP = Duration.ofSeconds(40);
  private static final long UP_SINCE = 1_000_000_000L;

  private static int at(int weight, Duration elapsed) {
    return SlowStart.effectiveWeight(weight, UP_SINCE, UP_SINCE + elapsed.toNanos(), RAMP);
  }

  @Test
  void rampsLinearlyRoundingUp() {
    assertThat(at(10, Duration.ZERO)).isEqualTo(1);
    assertThat(at(10, Duration.ofSeconds(10))).isEqualTo(3); // 25%: ceil(2.5)
    assertThat(at(10, Duration.ofSeconds(20))).isEqualTo(5); // 50%
    assertThat(at(10, Duration.ofSeconds(40))).isEqualTo(10); // 100%
    assertThat(at(10, Duration.ofHours(1))).isEqualTo(10);
  }

  @Test
  void neverBelowOneAndJustAboveZeroIsOne() {
    assertThat(at(1, Duration.ofSeconds(10))).isEqualTo(1);
    assertThat(at(256, Duration.ofNanos(1))).isEqualTo(1);
    assertThat(at(256, RAMP.minusNanos(1))).isEqualTo(256);
    assertThat(at(4, Duration.ofSeconds(10))).isEqualTo(1);
    assertThat(at(4, Duration.ofSeconds(10).plusNanos(1))).isEqualTo(2);
  }

  @Test
  void zeroSlowStartIsFullWeight() {
    assertThat(SlowStart.effectiveWeight(7, UP_SINCE, UP_SINCE, Duration.ZERO)).isEqualTo(7);
  }

  @Test
  void clockBeforeUpSinceCountsAsNoTimeElapsed() {
    assertThat(SlowStart.effectiveWeight(10, UP_SINCE, UP_SINCE - 5, RAMP)).isEqualTo(1);
  }

  @Test
  void veryLongRampDoesNotOverflow() {
    Duration year = Duration.ofDays(365 * 200);
    assertThat(SlowStart.effectiveWeight(256, 0, year.toNanos() / 2, year)).isEqualTo(128);
  }

  @Test
  void rejectsWeightBelowOne() {
    assertThatThrownBy(() -> at(0, Duration.ZERO))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("weight: 0 (expected: >= 1)");
  }
}
