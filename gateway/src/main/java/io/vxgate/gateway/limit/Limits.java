package io.vxgate.gateway.limit;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.LimitConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A node's limit policies (docs/architecture.md, "Limits"): their state outlives config versions
 * while a policy's definition is unchanged (a changed policy starts afresh), and, in a cluster, the
 * exchange of cluster-scope counts with the other nodes ({@link LimitSync}).
 */
public final class Limits {
  /** The broadcast topic of the counts. */
  static final String TOPIC = "limits";

  private final Ticker ticker;
  private final @Nullable LimitSync sync;
  private volatile Map<String, Policy> policies = Map.of();

  private Limits(Ticker ticker, @Nullable ClusterNode cluster, Duration interval) {
    this.ticker = ticker;
    this.sync =
        cluster == null
            ? null
            : new LimitSync(
                cluster.membership().local().id(),
                cluster.broadcast(TOPIC),
                ticker,
                () -> policies.values(),
                interval,
                LimitSync.FORGET);
  }

  /**
   * The policies of a node; with {@code cluster}, exchanging counts with the other nodes every
   * {@link LimitSync#INTERVAL}.
   *
   * @param cluster null for a standalone node (cluster scope is node scope)
   */
  public static Limits start(Vertx vertx, Ticker ticker, @Nullable ClusterNode cluster) {
    return start(vertx, ticker, cluster, LimitSync.INTERVAL);
  }

  /** {@link #start(Vertx, Ticker, ClusterNode)} with another interval (tests). */
  public static Limits start(
      Vertx vertx, Ticker ticker, @Nullable ClusterNode cluster, Duration interval) {
    requireNonNull(vertx, "vertx");
    requireNonNull(ticker, "ticker");
    Limits limits = new Limits(ticker, cluster, interval);
    if (limits.sync != null) {
      limits.sync.start(vertx);
    }
    return limits;
  }

  /**
   * Takes {@code config}'s policies (keeping the state of those unchanged) and compiles each
   * route's limits.
   *
   * @return the limits of each route that has some, by route name
   */
  public synchronized Map<String, RouteLimits> apply(GatewayConfig config) {
    Map<String, Policy> old = policies;
    Map<String, Policy> next = new HashMap<>();
    for (LimitConfig l : config.limits().values()) {
      Policy p = old.get(l.name());
      next.put(l.name(), p != null && p.config().equals(l) ? p : new Policy(l));
    }
    policies = Map.copyOf(next);
    Map<String, RouteLimits> byRoute = new HashMap<>();
    for (RouteConfig r : config.routes()) {
      if (r.limits().isEmpty() || !(r.action() instanceof RouteConfig.Forward f)) {
        continue;
      }
      List<Policy> list = new ArrayList<>();
      r.limits().forEach(n -> list.add(next.get(n)));
      byRoute.put(r.name(), new RouteLimits(list, r.name(), f.upstream()));
    }
    return byRoute;
  }

  /** The time policies read, in ms (the node's ticker). */
  public long nowMs() {
    return ticker.nanoTime() / 1_000_000;
  }

  /** Stops the exchange, telling the other nodes this one leaves. */
  public void stop() {
    if (sync != null) {
      sync.stop();
    }
  }
}
