package io.vxgate.config;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * Builds a {@link GatewayConfig} from a parsed tree: applies the defaults, checks every field and
 * the rules between fields, and collects every error. Each top-level section has a reader of its
 * own ({@code NodeSection}, {@code ListenersSection}, {@code UpstreamsSection}, {@code
 * RoutesSection}...), which knows the section's keys and takes its defaults from the section's
 * record; this class reads the sections in a fixed order (the order of the errors) and checks what
 * spans sections (bound addresses, upstream and limit names, the GeoIP database). See
 * docs/architecture.md, "The config model". Package-private; see {@link ConfigLoader}.
 */
final class ConfigReader {
  /** Where the values come from. */
  enum Mode {
    /** A file: error pages and certificates are files relative to the config's directory. */
    FILE,
    /** JSON of {@link ConfigJson}: error pages hold their content; no file is read. */
    JSON
  }

  private final Cursor.Context ctx;
  private final ConfigFiles files;
  private final Supplier<String> hostname;

  /**
   * @param baseDir relative files are resolved against it (null: the working directory)
   * @param hostname the default {@code node.id}, asked only when needed
   */
  ConfigReader(Cursor.Context ctx, Mode mode, @Nullable Path baseDir, Supplier<String> hostname) {
    this.ctx = ctx;
    this.files = new ConfigFiles(mode, baseDir);
    this.hostname = hostname;
  }

  /** The config, or null when an error was recorded in the context. */
  @Nullable GatewayConfig read(@Nullable Object tree) {
    Cursor root = new Cursor(ctx, "", tree);
    if (tree != null && !(tree instanceof Map)) {
      root.error("a mapping of sections");
      return null;
    }
    Cursor.Fields top =
        root.fields(
            "node",
            "cluster",
            "listeners",
            "admin",
            "dns-sync",
            "trusted-proxies",
            "upstreams",
            "routes",
            "error-pages",
            "geoip",
            "secrets",
            "buffering",
            "access-log",
            "tracing",
            "limits");
    NodeConfig node = NodeSection.read(top.get("node"), hostname);
    Binds binds = new Binds();
    ClusterConfig cluster = ClusterSection.read(top.get("cluster"), files, binds);
    List<ListenerConfig> listeners = ListenersSection.read(top.get("listeners"), files, binds);
    AdminConfig admin = AdminSection.read(top.get("admin"), binds);
    binds.check();
    DnsSyncConfig dnsSync = DnsSyncSection.read(top.get("dns-sync"));
    List<String> trusted = Values.cidrs(top.get("trusted-proxies"));
    Set<String> upstreamNames = new TreeSet<>();
    Map<String, UpstreamConfig> upstreams =
        UpstreamsSection.read(top.get("upstreams"), files, upstreamNames);
    Cursor gc = top.get("geoip");
    GeoIpConfig geoip = GeoIpSection.read(gc, files);
    Set<String> limitNames = new TreeSet<>();
    Map<String, LimitConfig> limits = LimitsSection.read(top.get("limits"), limitNames);
    List<RouteConfig> routes =
        RoutesSection.read(top.get("routes"), upstreamNames, limitNames, gc.present());
    Map<Integer, String> errorPages = ErrorPagesSection.read(top.get("error-pages"), files);
    SecretsConfig secrets = SecretsSection.read(top.get("secrets"));
    BufferingConfig.NodeLimits buffering = BufferingSection.node(top.get("buffering"), files);
    AccessLogConfig accessLog = AccessLogSection.read(top.get("access-log"), files);
    TracingConfig tracing = TracingSection.read(top.get("tracing"));
    if (!ctx.errors.isEmpty()) {
      return null;
    }
    return new GatewayConfig(
        node,
        cluster,
        listeners,
        admin,
        trusted,
        upstreams,
        routes,
        errorPages,
        dnsSync,
        geoip,
        secrets,
        buffering,
        accessLog,
        tracing,
        limits);
  }
}
