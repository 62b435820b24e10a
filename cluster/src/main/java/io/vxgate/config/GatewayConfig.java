package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A whole, validated vxgate configuration (docs/configuration.md). Built by {@link ConfigLoader}
 * (or {@link ConfigJson}), which reports every invalid field; instances are immutable and safe to
 * share between threads.
 *
 * <p>{@code node}, {@code cluster}, {@code listeners}, {@code admin}, {@code dnsSync}, {@code
 * buffering}, {@code accessLog} and {@code tracing} are node-local; the rest ({@link
 * #trustedProxies}, {@link #upstreams}, {@link #routes}, {@link #errorPages}, {@link #geoip},
 * {@link #limits}) is cluster-wide and travels to other nodes, so it holds no reference to local
 * files, except {@link GeoIpConfig#database}, which every node must have at that path.
 *
 * @param trustedProxies CIDRs or addresses as written, each valid for {@link Cidr#parse}
 * @param upstreams by name
 * @param routes in order; the first that matches wins
 * @param errorPages HTTP status (400..599) to the page <b>content</b> (loaded from the file named
 *     in the config, relative to the config file's directory)
 * @param dnsSync no DNS sync when null
 * @param geoip no GeoIP database when null (then no route matches on {@code country})
 * @param secrets cluster-wide secrets; {@link SecretsConfig#NONE} when none is configured
 * @param buffering the node's limits on all buffered bodies (node-local; {@link
 *     BufferingConfig.NodeLimits#DEFAULT} when not set)
 * @param accessLog node-local; no access log when null
 * @param tracing node-local; {@link TracingConfig#DEFAULT} when not configured
 * @param limits the named limit policies routes refer to (cluster-wide), by name
 */
public record GatewayConfig(
    NodeConfig node,
    ClusterConfig cluster,
    List<ListenerConfig> listeners,
    AdminConfig admin,
    List<String> trustedProxies,
    Map<String, UpstreamConfig> upstreams,
    List<RouteConfig> routes,
    Map<Integer, String> errorPages,
    @Nullable DnsSyncConfig dnsSync,
    @Nullable GeoIpConfig geoip,
    SecretsConfig secrets,
    BufferingConfig.NodeLimits buffering,
    @Nullable AccessLogConfig accessLog,
    TracingConfig tracing,
    Map<String, LimitConfig> limits) {

  public GatewayConfig {
    requireNonNull(node, "node");
    requireNonNull(cluster, "cluster");
    requireNonNull(admin, "admin");
    requireNonNull(secrets, "secrets");
    requireNonNull(buffering, "buffering");
    requireNonNull(tracing, "tracing");
    listeners = List.copyOf(listeners);
    trustedProxies = List.copyOf(trustedProxies);
    upstreams = Map.copyOf(upstreams);
    routes = List.copyOf(routes);
    errorPages = Map.copyOf(errorPages);
    limits = Map.copyOf(limits);
  }
}
