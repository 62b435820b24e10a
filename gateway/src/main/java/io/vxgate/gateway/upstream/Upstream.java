package io.vxgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.UpstreamConfig;
import java.util.List;

/**
 * One upstream of a config version on this node: its config, the live state of its servers
 * (primaries and backups) and the keep-alive connection pool to its origins (per event loop, {@link
 * UpstreamPool}). Shared by all event loops; the balancing state lives in {@link UpstreamSelector}.
 */
public record Upstream(
    UpstreamConfig config,
    List<ServerState> primaries,
    List<ServerState> backups,
    UpstreamPool pool) {
  public Upstream {
    requireNonNull(config, "config");
    primaries = List.copyOf(primaries);
    backups = List.copyOf(backups);
    requireNonNull(pool, "pool");
  }

  public String name() {
    return config.name();
  }
}
