package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The admin listener (node-local). Without a {@code token}, the admin listener must be bound to a
 * loopback address. An empty token in the file counts as no token. {@code vertxHttpMetrics} turns
 * on Vert.x's own per-request HTTP server and client meters (off by default). The proxy path does
 * not use Vert.x's HTTP server or client, so they cover only the admin listener and the active
 * health checks; the {@code vxgate_*} meters count the proxied requests.
 */
public record AdminConfig(HostPort bind, @Nullable String token, boolean vertxHttpMetrics) {
  /** The default {@link #bind}. */
  public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 9090);

  public AdminConfig {
    requireNonNull(bind, "bind");
  }

  /** Without Vert.x's HTTP meters. */
  public AdminConfig(HostPort bind, @Nullable String token) {
    this(bind, token, false);
  }

  /** The token is never printed. */
  @Override
  public String toString() {
    return "AdminConfig[bind="
        + bind
        + ", token="
        + (token == null ? null : "***")
        + ", vertxHttpMetrics="
        + vertxHttpMetrics
        + "]";
  }
}
