package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * One origin server of an upstream.
 *
 * @param datacenter null: unknown datacenter
 * @param maxConns 0 means unlimited concurrent requests
 * @param tls whether the server was written as {@code https://host:port}
 */
public record ServerConfig(
    String name,
    HostPort address,
    int weight,
    @Nullable String datacenter,
    boolean backup,
    int maxConns,
    boolean tls) {
  /** The default {@link #weight}. */
  public static final int DEFAULT_WEIGHT = 1;

  public ServerConfig {
    requireNonNull(name, "name");
    requireNonNull(address, "address");
  }
}
