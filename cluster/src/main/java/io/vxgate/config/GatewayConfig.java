package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * A whole, validated vxgate configuration (SPEC section 2). Built only by {@link ConfigLoader},
 * which reports every invalid field; instances are immutable and safe to share between threads.
 *
 * <p>{@code node}, {@code cluster}, {@code listeners} and {@code admin} are node-local; the rest
 * ({@link #trustedProxies}, {@link #upstreams}, {@link #routes}, {@link #errorPages}) is cluster-wide.
 */
public record GatewayConfig(
    NodeConfig node,
    ClusterConfig cluster,
    List<ListenerConfig> listeners,
    AdminConfig admin,
    List<String> trustedProxies,
    Map<String, UpstreamConfig> upstreams,
    List<RouteConfig> routes,
    Map<Integer, String> errorPages) {

  public GatewayConfig {
    requireNonNull(node, "node");
    requireNonNull(cluster, "cluster");
    requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
    trustedProxies = List.copyOf(trustedProxies);
    upstreams = Map.copyOf(upstreams);
    routes = List.copyOf(routes);
    errorPages = Map.copyOf(errorPages);
  }
}
