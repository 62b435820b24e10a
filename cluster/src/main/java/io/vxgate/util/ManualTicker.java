package io.vxgate.util;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

/** A ticker moved by hand, for tests and simulations. Thread-safe. */
public final class ManualTicker implements Ticker {
  private final AtomicLong nanos = new AtomicLong();

  @Override
  public long nanoTime() {
    return nanos.get();
  }

  /** Moves time forward. */
  public ManualTicker advance(Duration d) {
    nanos.addAndGet(d.toNanos());
    return this;
  }
}
