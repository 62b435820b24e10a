package io.vxgate.util;

/**
 * A source of monotonic time in nanoseconds. Algorithms and health state machines take a ticker
 * instead of calling {@link System#nanoTime()} so tests can move time by hand.
 */
@FunctionalInterface
public interface Ticker {

  /** The current monotonic time in nanoseconds (only differences are meaningful). */
  long nanoTime();

  /** The system ticker, backed by {@link System#nanoTime()}. */
  static Ticker system() {
    return System::nanoTime;
  }
}
