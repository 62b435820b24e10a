package io.vxgate.gateway.lb;

import java.time.Duration;

/** A server whose live state tests set by hand. */
final class TestEndpoint implements Endpoint {
  private final String name;
  private final int weight;
  private int inFlight;
  private int effectiveWeight; // 0 = the configured weight
  private boolean enabled = true;
  private long downUntilNanos = Long.MIN_VALUE;

  TestEndpoint(String name, int weight) {
    this.name = name;
    this.weight = weight;
  }

  static TestEndpoint of(String name) {
    return new TestEndpoint(name, 1);
  }

  @Override
  public String name() {
    return name;
  }

  @Override
  public int weight() {
    return weight;
  }

  @Override
  public int effectiveWeight(long nowNanos) {
    return effectiveWeight == 0 ? weight : effectiveWeight;
  }

  @Override
  public int inFlight() {
    return inFlight;
  }

  @Override
  public boolean available(long nowNanos) {
    return enabled && nowNanos >= downUntilNanos;
  }

  TestEndpoint inFlight(int n) {
    this.inFlight = n;
    return this;
  }

  /** Overrides the effective weight (slow start); 0 restores the configured weight. */
  TestEndpoint effectiveWeight(int w) {
    this.effectiveWeight = w;
    return this;
  }

  TestEndpoint enabled(boolean enabled) {
    this.enabled = enabled;
    return this;
  }

  /** Unavailable until the ticker reaches {@code d}. */
  TestEndpoint downUntil(Duration d) {
    this.downUntilNanos = d.toNanos();
    return this;
  }

  @Override
  public String toString() {
    return name;
  }
}
