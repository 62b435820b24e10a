package io.vxgate.gateway.health;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.UpstreamConfig.PassiveConfig;
import io.vxgate.util.Ticker;
import java.time.Duration;

/**
 * Passive health of one server with nginx {@code max_fails}/{@code fail_timeout} semantics. The
 * proxy reports the outcome of every request; this class decides.
 *
 * <ul>
 *   <li>Failures are counted in a window of {@code failTimeout} that starts at the first failure.
 *       Successes inside the window do not reset the count (as in nginx); a failure after the
 *       window starts a new one.
 *   <li>The {@code maxFails}-th failure of a window marks the server down until {@code now +
 *       failTimeout} (inclusive: nginx skips a peer while {@code now - checked <= fail_timeout}).
 *   <li>After that the server is <em>on probation</em>: the first success ends probation, while one
 *       more failure marks it down again for {@code failTimeout} at once.
 *   <li>Outcomes reported while the server is down are ignored: they are requests that were in
 *       flight when it went down, part of the same outage.
 *   <li>{@code maxFails = 0} disables passive checks: the server is never down.
 * </ul>
 *
 * <p>Thread-safety: several event loops report into one instance. {@link #isDown(long)} is a single
 * volatile read; {@link #recordSuccess()} is a volatile read unless the server is on probation;
 * {@link #recordFailure()} takes a short lock. The down listener runs on the reporting thread,
 * outside the lock, once per transition to down; it must not block.
 */
public final class PassiveHealth {

  private final int maxFails;
  private final long failTimeoutNanos;
  private final Ticker ticker;
  private final Runnable onDown;
  private final Object lock = new Object();

  // guarded by lock
  private int failures;
  private long windowStartNanos;

  // written under lock, read without it
  private volatile long downUntilNanos;
  private volatile boolean probation;

  /** Passive health configured by {@code config}. */
  public PassiveHealth(PassiveConfig config, Ticker ticker, Runnable onDown) {
    this(requireNonNull(config, "config").maxFails(), config.failTimeout(), ticker, onDown);
  }

  /**
   * @param maxFails failures within {@code failTimeout} that mark the server down; 0 disables
   * @param failTimeout the failure window and the down period (positive unless {@code maxFails} is
   *     0)
   * @param onDown called on every transition to down
   */
  public PassiveHealth(int maxFails, Duration failTimeout, Ticker ticker, Runnable onDown) {
    if (maxFails < 0) {
      throw new IllegalArgumentException("maxFails: " + maxFails + " (expected: >= 0)");
    }
    requireNonNull(failTimeout, "failTimeout");
    if (maxFails > 0 && (failTimeout.isNegative() || failTimeout.isZero())) {
      throw new IllegalArgumentException("failTimeout: " + failTimeout + " (expected: > 0)");
    }
    this.maxFails = maxFails;
    this.failTimeoutNanos = failTimeout.toNanos();
    this.ticker = requireNonNull(ticker, "ticker");
    this.onDown = requireNonNull(onDown, "onDown");
    // "long ago": half the nanoTime range back, so isDown(now) is false for any plausible now
    this.downUntilNanos = ticker.nanoTime() - Long.MAX_VALUE / 2;
  }

  /** Reports a failed request (connect error, timeout, 5xx as configured by the caller). */
  public void recordFailure() {
    if (maxFails == 0) {
      return;
    }
    long now = ticker.nanoTime();
    synchronized (lock) {
      if (isDown(now)) {
        return;
      }
      if (!probation) {
        if (failures == 0 || now - windowStartNanos > failTimeoutNanos) {
          windowStartNanos = now;
          failures = 1;
        } else {
          failures++;
        }
        if (failures < maxFails) {
          return;
        }
      }
      failures = 0;
      probation = true;
      downUntilNanos = now + failTimeoutNanos;
    }
    onDown.run();
  }

  /** Reports a successful request; ends probation, leaves a running failure window alone. */
  public void recordSuccess() {
    if (!probation) {
      return;
    }
    long now = ticker.nanoTime();
    synchronized (lock) {
      if (probation && !isDown(now)) {
        probation = false;
        failures = 0;
      }
    }
  }

  /** Whether the server is down at {@code nowNanos} (a volatile read, no lock). */
  public boolean isDown(long nowNanos) {
    return nowNanos - downUntilNanos <= 0;
  }

  /** Whether the server is down now. */
  public boolean isDown() {
    return isDown(ticker.nanoTime());
  }

  /**
   * The last instant (ticker nanos, inclusive) of the current or latest down period; far in the
   * past if the server was never down. Meaningful only when {@link #isDown(long)} is true.
   */
  public long downUntilNanos() {
    return downUntilNanos;
  }

  /** Whether the server is on probation (was down; no success since). */
  public boolean onProbation() {
    return probation;
  }

  /** Failures counted in the latest window (reset to 0 when the server is marked down). */
  public int failures() {
    synchronized (lock) {
      return failures;
    }
  }

  @Override
  public String toString() {
    return "PassiveHealth{maxFails="
        + maxFails
        + ", failTimeout="
        + Duration.ofNanos(failTimeoutNanos)
        + ", down="
        + isDown()
        + ", probation="
        + probation
        + '}';
  }
}
