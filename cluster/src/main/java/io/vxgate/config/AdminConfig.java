package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * The admin listener (node-local). {@code token} is nullable; without a token the admin listener
 * must be bound to a loopback address. An empty token in the file counts as no token.
 */
public record AdminConfig(HostPort bind, String token) {
  public AdminConfig {
    requireNonNull(bind, "bind");
  }

  /** The token is never printed. */
  @Override
  public String toString() {
    return "AdminConfig[bind=" + bind + ", token=" + (token == null ? null : "***") + "]";
  }
}
