package io.vxgate.gateway.health;

/**
 * The HAProxy {@code rise}/{@code fall} state machine of one actively checked server: {@code fall}
 * consecutive failed checks take an UP server DOWN, {@code rise} consecutive successful checks
 * bring a DOWN server back UP; a result agreeing with the current state resets the streak.
 *
 * <p>By default a server starts <b>UP</b> and needs {@code fall} failures to go down (HAProxy's
 * {@code init-state fully-up}; HAProxy's own default drops after a single failure). A gateway node
 * that restarts, or an upstream that is reconfigured, must not black-hole traffic to healthy
 * servers for {@code rise × interval} while its first checks run; a dead server costs at most
 * {@code fall} checks and is also caught by passive checks meanwhile. Pass {@code startUp = false}
 * for servers that must prove themselves first (HAProxy {@code init-state fully-down}).
 *
 * <p>Thread-safety: {@link #record} is called by one checker at a time (it is synchronized, so a
 * second writer is safe too); {@link #isUp()} is a volatile read for any thread.
 */
public final class ActiveHealth {

  /** What a check result changed. */
  public enum Transition {
    /** The state did not change. */
    NONE,
    /** The server went from DOWN to UP. */
    UP,
    /** The server went from UP to DOWN. */
    DOWN
  }

  private final int rise;
  private final int fall;
  private volatile boolean up;
  private int streak; // consecutive results contradicting the current state; guarded by this

  /** A machine that starts UP. */
  public ActiveHealth(int rise, int fall) {
    this(rise, fall, true);
  }

  /**
   * @param rise consecutive successes to go UP (at least 1)
   * @param fall consecutive failures to go DOWN (at least 1)
   * @param startUp the initial state
   */
  public ActiveHealth(int rise, int fall, boolean startUp) {
    if (rise < 1) {
      throw new IllegalArgumentException("rise: " + rise + " (expected: >= 1)");
    }
    if (fall < 1) {
      throw new IllegalArgumentException("fall: " + fall + " (expected: >= 1)");
    }
    this.rise = rise;
    this.fall = fall;
    this.up = startUp;
  }

  /** Records one check result and returns the transition it caused, if any. */
  public synchronized Transition record(boolean ok) {
    if (ok == up) {
      streak = 0;
      return Transition.NONE;
    }
    if (++streak < (up ? fall : rise)) {
      return Transition.NONE;
    }
    streak = 0;
    up = ok;
    return ok ? Transition.UP : Transition.DOWN;
  }

  /** Whether the server is UP (a volatile read). */
  public boolean isUp() {
    return up;
  }

  /** Consecutive results so far that contradict the current state (for status pages). */
  public synchronized int streak() {
    return streak;
  }

  @Override
  public String toString() {
    return "ActiveHealth{" + (up ? "UP" : "DOWN") + ", rise=" + rise + ", fall=" + fall + '}';
  }
}
