package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * Active health checks (HAProxy semantics): every {@code interval}, a check that must finish within
 * {@code timeout}; {@code fall} consecutive failures mark a server down and {@code rise}
 * consecutive successes mark it up.
 *
 * @param path the HTTP path requested ({@link Type#HTTP} only)
 * @param expectMin lowest accepted HTTP status (inclusive)
 * @param expectMax highest accepted HTTP status (inclusive)
 */
public record HealthCheckConfig(
    Type type,
    String path,
    Duration interval,
    Duration timeout,
    int rise,
    int fall,
    int expectMin,
    int expectMax) {
  /**
   * The defaults: an HTTP {@code GET /} every 2 s, answered within 1 s (or the interval, when
   * shorter) with a status in 200..399; down after 3 failures, up after 2 successes.
   */
  public static final HealthCheckConfig DEFAULT =
      new HealthCheckConfig(
          Type.HTTP, "/", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, 200, 399);

  public HealthCheckConfig {
    requireNonNull(type, "type");
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
  }

  /** Check types. */
  public enum Type {
    HTTP,
    TCP
  }

  /** Whether an HTTP status counts as healthy. */
  public boolean accepts(int status) {
    return status >= expectMin && status <= expectMax;
  }
}
