package io.vxgate.cluster;

/** A registered listener; {@link #cancel()} stops it. Cancelling twice is harmless. */
@FunctionalInterface
public interface Subscription extends AutoCloseable {

  /** Stops the listener. */
  void cancel();

  @Override
  default void close() {
    cancel();
  }
}
