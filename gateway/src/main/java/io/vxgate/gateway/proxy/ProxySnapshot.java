package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.route.Router;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamSelector;
import java.util.HashMap;
import java.util.Map;

/**
 * Everything the request path needs from one config version, compiled once and shared read-only by
 * all event loops. A config change builds a new snapshot and swaps one reference; requests in
 * flight finish on the snapshot they started with. Balancing state ({@link UpstreamSelector}) is
 * per snapshot, so a new version starts its rotation afresh.
 *
 * @param retryPolicies the {@link RetryPolicy} of each route that proxies, by route name
 */
public record ProxySnapshot(
    long version,
    GatewayConfig config,
    Router router,
    Map<String, Upstream> upstreams,
    Map<String, UpstreamSelector> selectors,
    ErrorPages errorPages,
    ForwardedHeaders forwarded,
    ProxyMetrics metrics,
    Map<String, RetryPolicy> retryPolicies) {
  public ProxySnapshot {
    requireNonNull(config, "config");
    requireNonNull(router, "router");
    upstreams = Map.copyOf(upstreams);
    selectors = Map.copyOf(selectors);
    metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    requireNonNull(errorPages, "errorPages");
    requireNonNull(forwarded, "forwarded");
    retryPolicies = Map.copyOf(retryPolicies);
  }

  /** A snapshot whose retry policies are compiled from {@code config}. */
  public ProxySnapshot(
      long version,
      GatewayConfig config,
      Router router,
      Map<String, Upstream> upstreams,
      Map<String, UpstreamSelector> selectors,
      ErrorPages errorPages,
      ForwardedHeaders forwarded,
      ProxyMetrics metrics) {
    this(
        version,
        config,
        router,
        upstreams,
        selectors,
        errorPages,
        forwarded,
        metrics,
        retryPolicies(config));
  }

  /** The retry policy of a proxying route of this snapshot. */
  RetryPolicy retryPolicy(RouteConfig route) {
    return retryPolicies.get(route.name());
  }

  /**
   * One policy per proxying route, from the settings that apply to it (its upstream's; routes of
   * one upstream share one policy).
   */
  private static Map<String, RetryPolicy> retryPolicies(GatewayConfig config) {
    Map<String, RetryPolicy> byUpstream = new HashMap<>();
    Map<String, RetryPolicy> byRoute = new HashMap<>();
    for (RouteConfig r : config.routes()) {
      UpstreamConfig u =
          r.action() instanceof RouteConfig.Forward f ? config.upstreams().get(f.upstream()) : null;
      if (u != null) {
        byRoute.put(r.name(), byUpstream.computeIfAbsent(u.name(), n -> RetryPolicy.of(u)));
      }
    }
    return byRoute;
  }
}
