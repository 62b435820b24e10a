package io.vxgate.gateway.health;

import static io.vxgate.gateway.health.ActiveHealth.Transition.DOWN;
import static io.vxgate.gateway.health.ActiveHealth.Transition.NONE;
import static io.vxgate.gateway.health.ActiveHealth.Transition.UP;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;

class ActiveHealthTest {

  @Test
  void startsUpAndFallsAfterThreeConsecutiveFailures() {
    ActiveHealth h = new ActiveHealth(2, 3);

    assertThat(h.isUp()).isTrue();
    assertThat(run(h, false, false, false)).containsExactly(NONE, NONE, DOWN);
    assertThat(h.isUp()).isFalse();
  }

  @Test
  void aSuccessBreaksTheFailureStreak() {
    ActiveHealth h = new ActiveHealth(2, 3);

    assertThat(run(h, false, false, true, false, false, false))
        .containsExactly(NONE, NONE, NONE, NONE, NONE, DOWN);
  }

  @Test
  void risesAfterTwoConsecutiveSuccesses() {
    ActiveHealth h = new ActiveHealth(2, 3);

    assertThat(run(h, false, false, false, true, false, true, true, true))
        .containsExactly(NONE, NONE, DOWN, NONE, NONE, NONE, UP, NONE);
    assertThat(h.isUp()).isTrue();
  }

  @Test
  void fullCycleDownUpDown() {
    ActiveHealth h = new ActiveHealth(2, 3);

    assertThat(run(h, false, false, false, true, true, false, false, false))
        .containsExactly(NONE, NONE, DOWN, NONE, UP, NONE, NONE, DOWN);
  }

  @Test
  void startDownNeedsRiseSuccesses() {
    ActiveHealth h = new ActiveHealth(2, 3, false);

    assertThat(h.isUp()).isFalse();
    assertThat(run(h, true, false, true, true, false)).containsExactly(NONE, NONE, NONE, UP, NONE);
    assertThat(h.isUp()).isTrue();
  }

  @Test
  void riseAndFallOfOneFlipOnEveryChange() {
    ActiveHealth h = new ActiveHealth(1, 1);

    assertThat(run(h, true, false, false, true)).containsExactly(NONE, DOWN, NONE, UP);
  }

  @Test
  void rejectsNonPositiveRiseOrFall() {
    assertThatThrownBy(() -> new ActiveHealth(0, 3))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("rise: 0 (expected: >= 1)");
    assertThatThrownBy(() -> new ActiveHealth(2, 0))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessage("fall: 0 (expected: >= 1)");
  }

  private static List<ActiveHealth.Transition> run(ActiveHealth h, boolean... results) {
    List<ActiveHealth.Transition> out = new ArrayList<>();
    for (boolean ok : results) {
      out.add(h.record(ok));
    }
    return out;
  }
}
