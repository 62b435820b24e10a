package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * The admin listener. {@code token} is nullable; without a token the admin listener must be bound
 * to a loopback address.
 */
public record AdminConfig(HostPort bind, String token) {
  public AdminConfig {
    requireNonNull(bind, "bind");
  }
}
