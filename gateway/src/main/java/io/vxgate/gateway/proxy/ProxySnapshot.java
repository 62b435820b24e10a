package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.BufferingConfig;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import io.vxgate.gateway.buffer.NodeBuffers;
import io.vxgate.gateway.limit.RouteLimits;
import io.vxgate.gateway.route.Router;
import io.vxgate.gateway.trace.TraceContext;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamSelector;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Everything the request path needs from one config version, compiled once and shared read-only by
 * all event loops. A config change builds a new snapshot and swaps one reference; requests in
 * flight finish on the snapshot they started with. Balancing state ({@link UpstreamSelector}) is
 * per snapshot, so a new version starts its rotation afresh.
 *
 * @param retryPolicies the {@link RetryPolicy} of each route that proxies, by route name
 * @param timeouts the timeouts of each route that proxies (its upstream's, with the route's own
 *     over them), by route name
 * @param buffering the buffering settings of each route that proxies (its upstream's, with the
 *     route's own keys over them), by route name
 * @param buffers the node's buffers (memory budget, temp files), the same in every snapshot of a
 *     node; null: nothing is buffered (snapshots built by tests of other parts)
 * @param traces the trace context of the node's {@code tracing} section (node-local, but compiled
 *     with the rest, so that a reload's sampling ratio takes effect with the snapshot)
 * @param limits the limits of each route that has some, by route name (docs/architecture.md,
 *     "Limits")
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
    Map<String, RetryPolicy> retryPolicies,
    Map<String, TimeoutsConfig> timeouts,
    Map<String, BufferingConfig> buffering,
    @Nullable NodeBuffers buffers,
    TraceContext traces,
    Map<String, RouteLimits> limits) {
  public ProxySnapshot {
    requireNonNull(config, "config");
    requireNonNull(router, "router");
    upstreams = Map.copyOf(upstreams);
    selectors = Map.copyOf(selectors);
    metrics = metrics == null ? ProxyMetrics.NOOP : metrics;
    requireNonNull(errorPages, "errorPages");
    requireNonNull(forwarded, "forwarded");
    retryPolicies = Map.copyOf(retryPolicies);
    timeouts = Map.copyOf(timeouts);
    buffering = Map.copyOf(buffering);
    requireNonNull(traces, "traces");
    limits = Map.copyOf(limits);
  }

  /**
   * A snapshot whose retry policies, timeouts, buffering settings and trace context are compiled
   * from {@code config}.
   *
   * @param limits the limits of each route that has some ({@code Limits.apply})
   */
  public ProxySnapshot(
      long version,
      GatewayConfig config,
      Router router,
      Map<String, Upstream> upstreams,
      Map<String, UpstreamSelector> selectors,
      ErrorPages errorPages,
      ForwardedHeaders forwarded,
      ProxyMetrics metrics,
      @Nullable NodeBuffers buffers,
      Map<String, RouteLimits> limits) {
    this(
        version,
        config,
        router,
        upstreams,
        selectors,
        errorPages,
        forwarded,
        metrics,
        retryPolicies(config),
        timeouts(config),
        buffering(config),
        buffers,
        new TraceContext(config.tracing()),
        limits);
  }

  /** The limits of a route of this snapshot that has some. */
  // the constructor made an entry for every route of the snapshot with limits (NullAway reads a
  // map's get as nullable); the request path asks only for those
  @SuppressWarnings("NullAway")
  RouteLimits limits(RouteConfig route) {
    return limits.get(route.name());
  }

  /** The retry policy of a proxying route of this snapshot. */
  // the constructor made one for every proxying route of the snapshot
  @SuppressWarnings("NullAway")
  RetryPolicy retryPolicy(RouteConfig route) {
    return retryPolicies.get(route.name());
  }

  /** The timeouts of a proxying route of this snapshot. */
  // the constructor made them for every proxying route of the snapshot
  @SuppressWarnings("NullAway")
  TimeoutsConfig timeouts(RouteConfig route) {
    return timeouts.get(route.name());
  }

  /**
   * The buffering of a proxying route of this snapshot; null when the node buffers nothing (see
   * {@link #buffers}).
   */
  @Nullable BufferingConfig buffering(RouteConfig route) {
    return buffers == null ? null : buffering.get(route.name());
  }

  /** Each proxying route's buffering: its upstream's, with the keys the route sets over them. */
  private static Map<String, BufferingConfig> buffering(GatewayConfig config) {
    Map<String, BufferingConfig> byRoute = new HashMap<>();
    for (RouteConfig r : config.routes()) {
      UpstreamConfig u = upstream(config, r);
      if (u != null) {
        byRoute.put(r.name(), r.buffering().over(u.buffering()));
      }
    }
    return byRoute;
  }

  /**
   * One policy per proxying route, from the settings that apply to it (its own {@code retries} and
   * {@code retry-on}, else its upstream's; routes of one upstream that set neither share one).
   */
  private static Map<String, RetryPolicy> retryPolicies(GatewayConfig config) {
    Map<String, RetryPolicy> byUpstream = new HashMap<>();
    Map<String, RetryPolicy> byRoute = new HashMap<>();
    for (RouteConfig r : config.routes()) {
      UpstreamConfig u = upstream(config, r);
      if (u == null) {
        continue;
      }
      byRoute.put(
          r.name(),
          r.retries() == null && r.retryOn() == null
              ? byUpstream.computeIfAbsent(u.name(), n -> RetryPolicy.of(u, r))
              : RetryPolicy.of(u, r));
    }
    return byRoute;
  }

  /** Each proxying route's timeouts: its upstream's, with those the route sets over them. */
  private static Map<String, TimeoutsConfig> timeouts(GatewayConfig config) {
    Map<String, TimeoutsConfig> byRoute = new HashMap<>();
    for (RouteConfig r : config.routes()) {
      UpstreamConfig u = upstream(config, r);
      if (u != null) {
        byRoute.put(r.name(), r.timeouts().over(u.timeouts()));
      }
    }
    return byRoute;
  }

  /** The upstream a route forwards to, or null (it answers by itself). */
  private static @Nullable UpstreamConfig upstream(GatewayConfig config, RouteConfig r) {
    return r.action() instanceof RouteConfig.Forward f
        ? config.upstreams().get(f.upstream())
        : null;
  }
}
