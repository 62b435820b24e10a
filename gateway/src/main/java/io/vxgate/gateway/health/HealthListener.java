package io.vxgate.gateway.health;

/** Told when an actively checked server changes state. */
@FunctionalInterface
public interface HealthListener {

  /**
   * Called once per transition, on the checker's event loop (must not block).
   *
   * @param up the new state
   * @param reason the result of the check that caused it, e.g. {@code "HTTP 500"}, {@code "connect
   *     refused"}, {@code "timeout after 1s"}, {@code "HTTP 200"}
   */
  void onTransition(boolean up, String reason);

  /** A listener that ignores every transition. */
  static HealthListener none() {
    return (up, reason) -> {};
  }
}
