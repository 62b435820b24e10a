package io.vxgate.gateway.health;

import java.time.Duration;

/**
 * Slow start (nginx {@code slow_start}, Envoy slow-start mode): a server that has just become
 * available gets a weight that ramps up linearly from 1 to its configured weight over the
 * slow-start period, so a cold server is not flooded at once.
 */
public final class SlowStart {

  private SlowStart() {}

  /**
   * The weight to use at {@code nowNanos} for a server available since {@code upSinceNanos}: {@code
   * max(1, ceil(weight × elapsed / slowStart))} while {@code elapsed < slowStart}, then {@code
   * weight}. A zero slow-start always gives {@code weight}; a {@code nowNanos} before {@code
   * upSinceNanos} counts as no time elapsed.
   *
   * <p>For weight 10 over 40 s: 1 at 0 s, 3 at 10 s, 5 at 20 s, 10 from 40 s on.
   *
   * @param weight the configured weight (at least 1)
   */
  public static int effectiveWeight(
      int weight, long upSinceNanos, long nowNanos, Duration slowStart) {
    if (weight < 1) {
      throw new IllegalArgumentException("weight: " + weight + " (expected: >= 1)");
    }
    long ramp = slowStart.toNanos();
    if (ramp <= 0) {
      return weight;
    }
    long elapsed = Math.max(0, nowNanos - upSinceNanos);
    if (elapsed >= ramp) {
      return weight;
    }
    long scaled;
    if (elapsed <= Long.MAX_VALUE / weight) {
      long product = weight * elapsed; // < weight * ramp, no overflow
      scaled = product / ramp + (product % ramp == 0 ? 0 : 1);
    } else {
      scaled = (long) Math.ceil((double) weight * elapsed / ramp);
    }
    return (int) Math.max(1, Math.min(weight, scaled));
  }
}
