package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * This node's identity (node-local).
 *
 * @param id defaults to the host name
 * @param datacenter defaults to {@code "default"}
 * @param advertise the address published by DNS sync (when null, the host of the first listener)
 * @param shutdownGrace how long in-flight requests may take to finish on SIGTERM (default 30s)
 */
public record NodeConfig(
    String id, String datacenter, @Nullable String advertise, Duration shutdownGrace) {
  /** The default {@link #datacenter}. */
  public static final String DEFAULT_DATACENTER = "default";

  /** The default {@link #shutdownGrace}. */
  public static final Duration DEFAULT_SHUTDOWN_GRACE = Duration.ofSeconds(30);

  public NodeConfig {
    requireNonNull(id, "id");
    requireNonNull(datacenter, "datacenter");
    requireNonNull(shutdownGrace, "shutdownGrace");
  }

  /** A node with the default shutdown grace. */
  public NodeConfig(String id, String datacenter, @Nullable String advertise) {
    this(id, datacenter, advertise, DEFAULT_SHUTDOWN_GRACE);
  }
}
