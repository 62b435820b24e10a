package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.route.Router;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamSelector;
import java.util.Map;

/**
 * Everything the request path needs from one config version, compiled once and shared read-only by
 * all event loops. A config change builds a new snapshot and swaps one reference; requests in
 * flight finish on the snapshot they started with. Balancing state ({@link UpstreamSelector}) is
 * per snapshot, so a new version starts its rotation afresh.
 */
public record ProxySnapshot(
    long version,
    GatewayConfig config,
    Router router,
    Map<String, Upstream> upstreams,
    Map<String, UpstreamSelector> selectors,
    ErrorPages errorPages,
    ForwardedHeaders forwarded,
    ProxyMetrics metrics) {
  public ProxySnapshot {
    requireNonNull(config, "config");
    requireNonNull(router, "router");
    upstreams = Map.copyOf(upstreams);
    selectors = Map.copyOf(selectors);
    metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    requireNonNull(errorPages, "errorPages");
    requireNonNull(forwarded, "forwarded");
  }
}
