package io.vxgate.config;

import io.vxgate.config.UpstreamConfig.KeepaliveConfig;
import io.vxgate.config.UpstreamConfig.LocalityConfig;
import io.vxgate.config.UpstreamConfig.PassiveConfig;
import io.vxgate.config.UpstreamConfig.StickyConfig;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.TreeSet;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import java.util.stream.Collectors;

/**
 * Builds a {@link GatewayConfig} from a parsed tree: applies the defaults, checks every field and
 * the rules between fields, and collects every error. Package-private; see {@link ConfigLoader}.
 */
final class ConfigReader {
  /** Where the values come from. */
  enum Mode {
    /** A file: error pages and certificates are files relative to the config's directory. */
    FILE,
    /** JSON of {@link ConfigJson}: error pages hold their content; no file is read. */
    JSON
  }

  static final String NAME = "a name of letters, digits, '.', '_' or '-'";
  static final String BIND = "HOST:PORT";
  static final String SERVER_ADDRESS = "HOST:PORT or https://HOST:PORT";
  static final String CIDR = "an IPv4 or IPv6 address or CIDR like 10.0.0.0/8";
  static final String DURATION = "a duration like 500ms, 2s, 1m, 1h or 0";
  static final String POSITIVE_DURATION = "a positive duration like 500ms, 2s, 1m or 1h";
  static final String BOOL = "true or false";
  static final String PATH = "a path starting with '/'";
  static final String DNS_NAME = "a DNS name";
  static final String BALANCE =
      "one of: roundrobin, leastconn, source, uri, header:NAME, cookie:NAME, random";
  static final String EXPECT = "a status like 200 or a range like 200-399, within 100..599";
  static final long MAX_PAGE = 1 << 20;
  static final String GEOIP_DATABASE =
      "a MaxMind DB file with country data (GeoIP2 or GeoLite2 Country or City)";
  static final String GEOIP_NEEDED = "a top-level geoip: {database: FILE} to look countries up in";

  static final HostPort DEFAULT_CLUSTER_BIND = new HostPort("127.0.0.1", 5701);
  static final HostPort DEFAULT_ADMIN_BIND = new HostPort("127.0.0.1", 9090);
  static final HostPort DEFAULT_LISTENER_BIND = new HostPort("0.0.0.0", 8080);
  static final Set<RetryOn> DEFAULT_RETRY_ON =
      Set.of(RetryOn.CONNECT_FAILURE, RetryOn.RESET, RetryOn.TIMEOUT);
  static final List<String> TLS_VERSIONS = List.of("TLSv1.2", "TLSv1.3");
  static final List<String> TSIG_ALGORITHMS =
      List.of("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");
  private static final Pattern EXPECT_PATTERN = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private final Cursor.Context ctx;
  private final Mode mode;
  private final Path baseDir;
  private final Supplier<String> hostname;

  /**
   * @param baseDir nullable; relative files are resolved against it (else the working directory)
   * @param hostname the default {@code node.id}, asked only when needed
   */
  ConfigReader(Cursor.Context ctx, Mode mode, Path baseDir, Supplier<String> hostname) {
    this.ctx = ctx;
    this.mode = mode;
    this.baseDir = baseDir;
    this.hostname = hostname;
  }

  /** The config, or null when an error was recorded in the context. */
  GatewayConfig read(Object tree) {
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
            "secrets");
    NodeConfig node = node(top.get("node"));
    List<Bound> binds = new ArrayList<>();
    ClusterConfig cluster = cluster(top.get("cluster"), binds);
    List<ListenerConfig> listeners = listeners(top.get("listeners"), binds);
    AdminConfig admin = admin(top.get("admin"), binds);
    checkBinds(binds);
    DnsSyncConfig dnsSync = dnsSync(top.get("dns-sync"));
    List<String> trusted = cidrs(top.get("trusted-proxies"));
    Set<String> upstreamNames = new TreeSet<>();
    Map<String, UpstreamConfig> upstreams = upstreams(top.get("upstreams"), upstreamNames);
    Cursor gc = top.get("geoip");
    GeoIpConfig geoip = geoip(gc);
    List<RouteConfig> routes = routes(top.get("routes"), upstreamNames, gc.present());
    Map<Integer, String> errorPages = errorPages(top.get("error-pages"));
    SecretsConfig secrets = secrets(top.get("secrets"));
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
        secrets);
  }

  // ---- node-local sections

  private NodeConfig node(Cursor c) {
    Cursor.Fields f = c.fields("id", "datacenter", "advertise", "shutdown-grace");
    Cursor idc = f.get("id");
    String id = idc.scalar(NAME, Syntax::name);
    if (!idc.present()) {
      id = hostname.get();
      if (Syntax.name(id) == null) {
        idc.error(id, NAME + " (node.id is not set: the host name is used)");
      }
    }
    String dc = f.get("datacenter").scalar(NAME, Syntax::name, "default");
    String advertise =
        f.get("advertise").scalar("a host name or IP address", ConfigReader::bareHost);
    Duration grace =
        f.get("shutdown-grace")
            .scalar(DURATION, Syntax::duration, NodeConfig.DEFAULT_SHUTDOWN_GRACE);
    return new NodeConfig(id == null ? "?" : id, dc, advertise, grace);
  }

  private static String bareHost(String s) {
    String h = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    return Syntax.host(h) ? h : null;
  }

  private ClusterConfig cluster(Cursor c, List<Bound> binds) {
    Cursor.Fields f = c.fields("name", "bind", "members", "kubernetes");
    String name = f.get("name").scalar(NAME, Syntax::name, "vxgate");
    Cursor bc = f.get("bind");
    HostPort bind = bc.scalar(BIND, s -> Syntax.hostPort(s, 0), DEFAULT_CLUSTER_BIND);
    binds.add(new Bound("cluster.bind", bind, bc));
    List<HostPort> members = new ArrayList<>();
    for (Cursor m : f.get("members").items("a list of HOST:PORT")) {
      if (m.require(BIND)) {
        HostPort hp = m.scalar(BIND, s -> Syntax.hostPort(s, 1));
        if (hp != null) {
          members.add(hp);
        }
      }
    }
    String serviceDns = null;
    Cursor k = f.get("kubernetes");
    if (k.present()) {
      Cursor dns = k.fields("service-dns").get("service-dns");
      if (dns.require(DNS_NAME)) {
        serviceDns = dns.scalar(DNS_NAME, s -> Syntax.dnsName(s) ? s : null);
      }
    }
    return new ClusterConfig(name, bind, members, serviceDns);
  }

  /** An address bound by this node, for the overlap check. */
  private record Bound(String label, HostPort bind, Cursor at) {}

  private List<ListenerConfig> listeners(Cursor c, List<Bound> binds) {
    if (!c.present()) {
      ListenerConfig web =
          new ListenerConfig(
              "web",
              DEFAULT_LISTENER_BIND,
              null,
              Duration.ofSeconds(10),
              16 * 1024,
              100L << 20,
              10_000,
              null,
              0);
      binds.add(new Bound("listeners[0]", web.bind(), c));
      return List.of(web);
    }
    List<ListenerConfig> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (Cursor l : c.items("a list of listeners")) {
      Cursor.Fields f =
          l.fields(
              "name",
              "bind",
              "redirect-https",
              "request-header-timeout",
              "request-body-timeout",
              "max-header-size",
              "max-request-body",
              "max-connections",
              "tls",
              "hsts");
      if (!l.present()) {
        l.missing("a listener");
        continue;
      }
      if (l.notMapping()) {
        continue;
      }
      String name = uniqueName(f.get("name"), names, l.path());
      Cursor bc = f.get("bind");
      HostPort bind = bc.require(BIND) ? bc.scalar(BIND, s -> Syntax.hostPort(s, 0)) : null;
      Integer redirect = f.get("redirect-https").scalar("1..65535", s -> integer(s, 1, 65535));
      Duration headerTimeout =
          f.get("request-header-timeout")
              .scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(10));
      Duration bodyTimeout =
          f.get("request-body-timeout")
              .scalar(
                  POSITIVE_DURATION,
                  ConfigReader::positive,
                  ListenerConfig.DEFAULT_REQUEST_BODY_TIMEOUT);
      Long headerSize =
          f.get("max-header-size")
              .scalar("a size from 1k to 1m", s -> sizeIn(s, 1024, 1 << 20), 16L * 1024);
      Long body =
          f.get("max-request-body")
              .scalar("a size like 16k, 100m, 1g or plain bytes", Syntax::size, 100L << 20);
      Integer maxConns =
          f.get("max-connections")
              .scalar("an integer >= 0", s -> integer(s, 0, Integer.MAX_VALUE), 10_000);
      TlsConfig tls = tls(f.get("tls"));
      Long hsts =
          f.get("hsts")
              .scalar("a number of seconds >= 0", s -> Syntax.integer(s, 0, Long.MAX_VALUE), 0L);
      if (name != null && bind != null) {
        binds.add(new Bound(l.path(), bind, bc));
        out.add(
            new ListenerConfig(
                name,
                bind,
                redirect,
                headerTimeout,
                headerSize.intValue(),
                body,
                maxConns,
                tls,
                hsts,
                bodyTimeout));
      }
    }
    return out;
  }

  private TlsConfig tls(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("certificates", "min-version");
    List<TlsConfig.Certificate> certs = new ArrayList<>();
    Cursor cc = f.get("certificates");
    if (cc.require("a list of {cert, key} files")) {
      List<Cursor> items = cc.items("a list of {cert, key} files");
      if (items.isEmpty() && cc.raw() instanceof List) {
        cc.error("at least one {cert, key}");
      }
      for (Cursor item : items) {
        Cursor.Fields cf = item.fields("cert", "key");
        if (!item.present()) {
          item.missing("{cert: FILE, key: FILE}");
          continue;
        }
        if (item.notMapping()) {
          continue;
        }
        String cert = file(cf.get("cert"));
        String key = file(cf.get("key"));
        if (cert != null && key != null) {
          certs.add(new TlsConfig.Certificate(cert, key));
        }
      }
    }
    String min =
        f.get("min-version")
            .scalar("TLSv1.2 or TLSv1.3", s -> TLS_VERSIONS.contains(s) ? s : null, "TLSv1.2");
    return new TlsConfig(certs, min);
  }

  /** A required file path: resolved and checked in FILE mode, as is in JSON mode. */
  private String file(Cursor c) {
    if (!c.require("a file")) {
      return null;
    }
    String s = c.scalar("a file", v -> v.isEmpty() ? null : v);
    if (s == null || mode == Mode.JSON) {
      return s;
    }
    Path p = resolve(c, s);
    if (p == null) {
      return null;
    }
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      c.error(s, "a readable file, looked for " + p);
      return null;
    }
    return p.toString();
  }

  private Path resolve(Cursor c, String s) {
    try {
      Path p = baseDir == null ? Path.of(s) : baseDir.resolve(s);
      return p.toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      c.error(s, "a file path");
      return null;
    }
  }

  private AdminConfig admin(Cursor c, List<Bound> binds) {
    Cursor.Fields f = c.fields("bind", "token", "vertx-http-metrics");
    Cursor bc = f.get("bind");
    HostPort bind = bc.scalar(BIND, s -> Syntax.hostPort(s, 0), DEFAULT_ADMIN_BIND);
    String token = f.get("token").text("a token");
    if (token != null && token.isEmpty()) {
      token = null;
    }
    if (token == null && !Syntax.loopback(bind.host())) {
      bc.error(bind.toString(), "a loopback address unless admin.token is set");
    }
    binds.add(new Bound("admin.bind", bind, bc));
    boolean vertxHttp = f.get("vertx-http-metrics").scalar(BOOL, Syntax::bool, false);
    return new AdminConfig(bind, token, vertxHttp);
  }

  private DnsSyncConfig dnsSync(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("server", "zone", "name", "ttl", "tsig");
    Cursor sc = f.get("server");
    HostPort server = sc.require(BIND) ? sc.scalar(BIND, s -> Syntax.hostPort(s, 1)) : null;
    Cursor zc = f.get("zone");
    String zone = zc.require(DNS_NAME) ? zc.scalar(DNS_NAME, ConfigReader::dnsName) : null;
    Cursor nc = f.get("name");
    String name = null;
    if (nc.require(DNS_NAME)) {
      String expected = zone == null ? DNS_NAME : "a DNS name inside zone " + zone;
      String z = zone == null ? null : trimDot(zone).toLowerCase(Locale.ROOT);
      name =
          nc.scalar(
              expected,
              s -> {
                String n = dnsName(s);
                if (n == null || z == null) {
                  return n;
                }
                String l = trimDot(n).toLowerCase(Locale.ROOT);
                return l.equals(z) || l.endsWith("." + z) ? n : null;
              });
    }
    Integer ttl = f.get("ttl").scalar("an integer >= 0", s -> integer(s, 0, Integer.MAX_VALUE), 30);
    DnsSyncConfig.TsigConfig tsig = null;
    Cursor tc = f.get("tsig");
    if (tc.present()) {
      Cursor.Fields tf = tc.fields("name", "algorithm", "secret");
      Cursor tn = tf.get("name");
      String keyName = tn.require(DNS_NAME) ? tn.scalar(DNS_NAME, ConfigReader::dnsName) : null;
      String algorithm =
          tf.get("algorithm")
              .scalar(
                  "one of: " + String.join(", ", TSIG_ALGORITHMS),
                  s ->
                      TSIG_ALGORITHMS.contains(s.toLowerCase(Locale.ROOT))
                          ? s.toLowerCase(Locale.ROOT)
                          : null,
                  "hmac-sha256");
      Cursor sec = tf.get("secret");
      String secret =
          sec.require("a base64 key") ? sec.scalar("a base64 key", ConfigReader::base64) : null;
      if (keyName != null && secret != null) {
        tsig = new DnsSyncConfig.TsigConfig(keyName, algorithm, secret);
      }
    }
    return server == null || zone == null || name == null
        ? null
        : new DnsSyncConfig(server, zone, name, ttl, tsig);
  }

  private static String dnsName(String s) {
    return Syntax.dnsName(s) ? s : null;
  }

  private static String trimDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static String base64(String s) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      Base64.getDecoder().decode(s);
      return s;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  // ---- cluster-wide sections

  private List<String> cidrs(Cursor c) {
    List<String> out = new ArrayList<>();
    for (Cursor item : c.items("a list of CIDRs")) {
      if (item.require(CIDR)) {
        String s = item.scalar(CIDR, v -> Cidr.tryParse(v) == null ? null : v.trim());
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }

  private Map<String, UpstreamConfig> upstreams(Cursor c, Set<String> names) {
    Map<String, UpstreamConfig> out = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        c.entries("a mapping of upstream names to upstreams").entrySet()) {
      String name = e.getKey();
      names.add(name);
      if (Syntax.name(name) == null) {
        c.error(name.isEmpty() ? "\"\"" : name, NAME);
      }
      UpstreamConfig u = upstream(name, e.getValue());
      if (u != null) {
        out.put(name, u);
      }
    }
    return out;
  }

  private UpstreamConfig upstream(String name, Cursor c) {
    Cursor.Fields f =
        c.fields(
            "balance",
            "servers",
            "health-check",
            "passive",
            "sticky",
            "retries",
            "retry-on",
            "timeouts",
            "keepalive",
            "slow-start",
            "locality",
            "tls-verify",
            "tls-ca");
    if (!c.present()) {
      c.missing("an upstream with servers");
      return null;
    }
    if (c.notMapping()) {
      return null;
    }
    BalanceConfig balance = balance(f.get("balance"));
    List<ServerConfig> servers = servers(f.get("servers"));
    HealthCheckConfig hc = healthCheck(f.get("health-check"));
    Cursor.Fields pf = f.get("passive").fields("max-fails", "fail-timeout");
    PassiveConfig passive =
        new PassiveConfig(
            pf.get("max-fails").scalar("an integer >= 0", s -> integer(s, 0, Integer.MAX_VALUE), 1),
            pf.get("fail-timeout")
                .scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(10)));
    StickyConfig sticky = sticky(f.get("sticky"));
    int retries = f.get("retries").scalar("0..100", s -> integer(s, 0, 100), 2);
    Set<RetryOn> retryOn = retryOn(f.get("retry-on"));
    Cursor.Fields tf = f.get("timeouts").fields("connect", "response", "idle");
    TimeoutsConfig timeouts =
        new TimeoutsConfig(
            tf.get("connect")
                .scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(5)),
            tf.get("response")
                .scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(60)),
            tf.get("idle")
                .scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(60)));
    Cursor.Fields kf = f.get("keepalive").fields("max-connections", "idle-timeout");
    KeepaliveConfig keepalive =
        new KeepaliveConfig(
            kf.get("max-connections")
                .scalar("an integer >= 1", s -> integer(s, 1, Integer.MAX_VALUE), 64),
            kf.get("idle-timeout")
                .scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(60)));
    Duration slowStart = f.get("slow-start").scalar(DURATION, Syntax::duration, Duration.ZERO);
    Cursor.Fields lf = f.get("locality").fields("prefer-datacenter", "min-healthy-percent");
    LocalityConfig locality =
        new LocalityConfig(
            lf.get("prefer-datacenter").scalar(BOOL, Syntax::bool, false),
            lf.get("min-healthy-percent").scalar("0..100", s -> integer(s, 0, 100), 50));
    boolean tlsVerify = f.get("tls-verify").scalar(BOOL, Syntax::bool, true);
    String tlsCa = tlsCa(f.get("tls-ca"));
    return new UpstreamConfig(
        name, balance, servers, hc, passive, sticky, retries, retryOn, timeouts, keepalive,
        slowStart, locality, tlsVerify, tlsCa);
  }

  static final String PEM_CA = "a PEM file of CA certificates";

  /** CA certificates: read from a file in FILE mode, the PEM content itself in JSON mode. */
  private String tlsCa(Cursor c) {
    String expected = mode == Mode.FILE ? PEM_CA : "PEM CA certificates";
    String v = c.text(expected);
    if (v == null) {
      return null;
    }
    String pem = mode == Mode.FILE ? readPage(c, v) : v;
    if (pem == null) {
      return null;
    }
    if (!Pem.isCertificates(pem)) {
      c.error(mode == Mode.FILE ? v : Cursor.render(v), expected);
      return null;
    }
    return pem;
  }

  private static BalanceConfig balance(Cursor c) {
    String s = c.text(BALANCE);
    if (s == null) {
      return new BalanceConfig(BalanceConfig.Kind.ROUNDROBIN, null);
    }
    int colon = s.indexOf(':');
    String kind = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    String arg = colon < 0 ? null : s.substring(colon + 1).trim();
    List<String> kinds =
        List.of("roundrobin", "leastconn", "source", "uri", "header", "cookie", "random");
    if (!kinds.contains(kind)) {
      c.error(s, BALANCE + Suggestions.hint(kind, kinds));
      return new BalanceConfig(BalanceConfig.Kind.ROUNDROBIN, null);
    }
    BalanceConfig.Kind k = BalanceConfig.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    if (k == BalanceConfig.Kind.HEADER || k == BalanceConfig.Kind.COOKIE) {
      if (arg == null || Syntax.token(arg) == null) {
        c.error(s, kind + ":NAME with a " + kind + " name");
        return new BalanceConfig(BalanceConfig.Kind.ROUNDROBIN, null);
      }
      return new BalanceConfig(k, arg);
    }
    if (arg != null) {
      c.error(s, BALANCE);
    }
    return new BalanceConfig(k, null);
  }

  private List<ServerConfig> servers(Cursor c) {
    List<ServerConfig> out = new ArrayList<>();
    if (!c.require("a list of servers")) {
      return out;
    }
    List<Cursor> items = c.items("a list of servers");
    Map<String, String> names = new HashMap<>();
    boolean primary = false;
    for (Cursor s : items) {
      Cursor.Fields f = s.fields("name", "address", "weight", "datacenter", "backup", "max-conns");
      if (!s.present()) {
        s.missing("a server");
        continue;
      }
      if (s.notMapping()) {
        primary = true; // already reported; do not also claim that every server is a backup
        continue;
      }
      String name =
          uniqueName(f.get("name"), names, s.path().substring(s.path().lastIndexOf('.') + 1));
      Cursor ac = f.get("address");
      Syntax.ServerAddress address =
          ac.require(SERVER_ADDRESS) ? ac.scalar(SERVER_ADDRESS, Syntax::serverAddress) : null;
      int weight = f.get("weight").scalar("1..256", v -> integer(v, 1, 256), 1);
      String dc = f.get("datacenter").scalar(NAME, Syntax::name);
      boolean backup = f.get("backup").scalar(BOOL, Syntax::bool, false);
      int maxConns =
          f.get("max-conns").scalar("an integer >= 0", v -> integer(v, 0, Integer.MAX_VALUE), 0);
      primary |= !backup;
      if (name != null && address != null) {
        out.add(
            new ServerConfig(
                name, address.hostPort(), weight, dc, backup, maxConns, address.tls()));
      }
    }
    if (!primary && c.raw() instanceof List) {
      String shown =
          out.stream().map(ServerConfig::name).collect(Collectors.joining(", ", "[", "]"));
      c.error(shown, "at least one server with backup: false");
    }
    return out;
  }

  private static HealthCheckConfig healthCheck(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("type", "path", "interval", "timeout", "rise", "fall", "expect");
    HealthCheckConfig.Type type =
        f.get("type")
            .scalar(
                "http or tcp",
                s ->
                    switch (s.toLowerCase(Locale.ROOT)) {
                      case "http" -> HealthCheckConfig.Type.HTTP;
                      case "tcp" -> HealthCheckConfig.Type.TCP;
                      default -> null;
                    },
                HealthCheckConfig.Type.HTTP);
    String path = f.get("path").scalar(PATH, ConfigReader::path, "/");
    Duration interval =
        f.get("interval").scalar(POSITIVE_DURATION, ConfigReader::positive, Duration.ofSeconds(2));
    Cursor tc = f.get("timeout");
    Duration timeout = tc.scalar(POSITIVE_DURATION, ConfigReader::positive);
    if (timeout != null && timeout.compareTo(interval) > 0) {
      tc.error(
          Syntax.formatDuration(timeout),
          "at most the interval, " + Syntax.formatDuration(interval));
    }
    if (timeout == null) {
      timeout = Duration.ofSeconds(1).compareTo(interval) > 0 ? interval : Duration.ofSeconds(1);
    }
    int rise = f.get("rise").scalar("an integer >= 1", s -> integer(s, 1, Integer.MAX_VALUE), 2);
    int fall = f.get("fall").scalar("an integer >= 1", s -> integer(s, 1, Integer.MAX_VALUE), 3);
    int[] expect = f.get("expect").scalar(EXPECT, ConfigReader::expect, new int[] {200, 399});
    return new HealthCheckConfig(type, path, interval, timeout, rise, fall, expect[0], expect[1]);
  }

  private static int[] expect(String s) {
    Matcher m = EXPECT_PATTERN.matcher(s.trim());
    if (!m.matches()) {
      return null;
    }
    int min = Integer.parseInt(m.group(1));
    int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    return min < 100 || max > 599 || min > max ? null : new int[] {min, max};
  }

  private static StickyConfig sticky(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("cookie", "path", "http-only", "secure", "same-site", "max-age");
    Cursor cc = f.get("cookie");
    String cookie = cc.require("a cookie name") ? cc.scalar("a cookie name", Syntax::token) : null;
    String path = f.get("path").scalar(PATH, ConfigReader::path, "/");
    boolean httpOnly = f.get("http-only").scalar(BOOL, Syntax::bool, true);
    boolean secure = f.get("secure").scalar(BOOL, Syntax::bool, false);
    String sameSite =
        f.get("same-site")
            .scalar(
                "Strict, Lax or None",
                s ->
                    switch (s.toLowerCase(Locale.ROOT)) {
                      case "strict" -> "Strict";
                      case "lax" -> "Lax";
                      case "none" -> "None";
                      default -> null;
                    },
                "Lax");
    Duration maxAge = f.get("max-age").scalar(POSITIVE_DURATION, ConfigReader::positive);
    return new StickyConfig(
        cookie == null ? "?" : cookie, path, httpOnly, secure, sameSite, maxAge);
  }

  private static Set<RetryOn> retryOn(Cursor c) {
    if (!c.present()) {
      return DEFAULT_RETRY_ON;
    }
    List<String> names = new ArrayList<>();
    for (RetryOn r : RetryOn.values()) {
      names.add(r.configName());
    }
    String expected = "one of: " + String.join(", ", names);
    Set<RetryOn> out = EnumSet.noneOf(RetryOn.class);
    for (Cursor item : c.items("a list of retry conditions")) {
      String s = item.text(expected);
      if (s == null) {
        if (!item.present()) {
          item.missing(expected);
        }
        continue;
      }
      RetryOn r = RetryOn.of(s.trim());
      if (r == null) {
        item.error(s, expected + Suggestions.hint(s, names));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  // ---- routes

  private List<RouteConfig> routes(Cursor c, Set<String> upstreams, boolean geoip) {
    List<RouteConfig> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    String matchAll = null;
    for (Cursor r : c.items("a list of routes")) {
      Cursor.Fields f =
          r.fields(
              "name",
              "match",
              "upstream",
              "strip-prefix",
              "request-headers",
              "response-headers",
              "redirect",
              "return");
      if (!r.present()) {
        r.missing("a route");
        continue;
      }
      if (r.notMapping()) {
        continue;
      }
      String name = uniqueName(f.get("name"), names, r.path());
      if (matchAll != null) {
        r.error(
            name != null ? name : Cursor.render(r.raw()),
            "no route after " + matchAll + ", which matches every request");
      }
      MatchConfig match = match(f.get("match"), geoip);
      Cursor uc = f.get("upstream");
      String upstream = null;
      List<String> actions = new ArrayList<>();
      for (String a : List.of("upstream", "redirect", "return")) {
        if (f.get(a).present()) {
          actions.add(a);
        }
      }
      if (actions.size() != 1) {
        r.error(
            actions.isEmpty()
                ? (name != null ? name : Cursor.render(r.raw()))
                : String.join(", ", actions),
            "exactly one of: upstream, redirect, return");
      }
      RouteConfig.Redirect redirect = redirect(f.get("redirect"));
      RouteConfig.Return fixed = fixedResponse(f.get("return"));
      RouteConfig.HeaderActions requestHeaders = headerActions(f.get("request-headers"));
      RouteConfig.HeaderActions responseHeaders = headerActions(f.get("response-headers"));
      if (uc.present()) {
        upstream = uc.text("the name of an upstream");
        if (upstream != null && !upstreams.contains(upstream)) {
          uc.error(
              upstream,
              upstreams.isEmpty()
                  ? "the name of an upstream (none is defined)"
                  : "one of the upstreams: " + String.join(", ", upstreams));
        }
      }
      String strip = f.get("strip-prefix").scalar(PATH, ConfigReader::path);
      if (match != null && match.equals(MatchConfig.any()) && matchAll == null) {
        matchAll = r.path() + " " + (name == null ? "" : name);
        matchAll = matchAll.trim();
      }
      RouteConfig.Action action =
          upstream != null
              ? new RouteConfig.Forward(upstream)
              : redirect != null ? redirect : fixed;
      if (name != null && match != null && action != null && actions.size() == 1) {
        out.add(new RouteConfig(name, match, action, strip, requestHeaders, responseHeaders));
      }
    }
    return out;
  }

  static final String REDIRECT_STATUS = "301, 302, 307 or 308";
  static final String LOCATION = "an absolute http(s) URL or a path starting with '/'";

  private static RouteConfig.Redirect redirect(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("location", "status", "keep-path");
    Cursor lc = f.get("location");
    String location = lc.require(LOCATION) ? lc.scalar(LOCATION, ConfigReader::location) : null;
    int status =
        f.get("status")
            .scalar(
                REDIRECT_STATUS,
                s -> {
                  Integer v = integer(s, 301, 308);
                  return v != null && (v == 301 || v == 302 || v == 307 || v == 308) ? v : null;
                },
                RouteConfig.Redirect.DEFAULT_STATUS);
    boolean keepPath = f.get("keep-path").scalar(BOOL, Syntax::bool, false);
    return location == null ? null : new RouteConfig.Redirect(location, status, keepPath);
  }

  private static String location(String s) {
    if (!headerValue(s)) {
      return null;
    }
    if (s.startsWith("/") && !s.startsWith("//")) {
      return s;
    }
    try {
      java.net.URI u = new java.net.URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null ? s : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static RouteConfig.Return fixedResponse(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("status", "body", "content-type");
    Cursor sc = f.get("status");
    Integer status =
        sc.require("200..599") ? sc.scalar("200..599", s -> integer(s, 200, 599)) : null;
    Cursor bc = f.get("body");
    String body = bc.text("a text");
    if (body != null && body.length() > MAX_PAGE) {
      bc.error(Cursor.render(body), "a text of at most 1m");
      body = null;
    }
    String type =
        f.get("content-type")
            .scalar(
                "a media type like text/html",
                s -> headerValue(s) && !s.isBlank() ? s : null,
                RouteConfig.Return.DEFAULT_CONTENT_TYPE);
    return status == null ? null : new RouteConfig.Return(status, body == null ? "" : body, type);
  }

  private static RouteConfig.HeaderActions headerActions(Cursor c) {
    if (!c.present()) {
      return RouteConfig.HeaderActions.NONE;
    }
    Cursor.Fields f = c.fields("set", "remove");
    Cursor sc = f.get("set");
    Map<String, String> set = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        sc.entries("a mapping of header names to values").entrySet()) {
      if (Syntax.token(e.getKey()) == null) {
        sc.error(e.getKey().isEmpty() ? "\"\"" : e.getKey(), "a header name");
        continue;
      }
      Cursor vc = e.getValue();
      String v = vc.text("a header value");
      if (v == null) {
        if (!vc.present()) {
          vc.missing("a header value");
        }
        continue;
      }
      if (!headerValue(v)) {
        vc.error(Cursor.render(v), "a header value without control characters");
        continue;
      }
      set.put(e.getKey(), v);
    }
    List<String> remove = new ArrayList<>();
    for (Cursor item : f.get("remove").items("a list of header names")) {
      String v = item.scalar("a header name", Syntax::token);
      if (v != null) {
        remove.add(v);
      } else if (!item.present()) {
        item.missing("a header name");
      }
    }
    return new RouteConfig.HeaderActions(set, remove);
  }

  /** Printable text and tabs only: no CR/LF that could split a header. */
  private static boolean headerValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * @param geoip whether the config has a {@code geoip} section (valid or not), which {@code
   *     country} needs
   */
  private static MatchConfig match(Cursor c, boolean geoip) {
    Cursor.Fields f =
        c.fields(
            "path-prefix",
            "path",
            "path-regex",
            "host",
            "methods",
            "headers",
            "query",
            "source",
            "websocket",
            "country");
    String pathPrefix = f.get("path-prefix").scalar(PATH, ConfigReader::path);
    String path = f.get("path").scalar(PATH, ConfigReader::path);
    Cursor rc = f.get("path-regex");
    String regex = rc.text("a regular expression");
    if (regex != null && regexError(regex) != null) {
      rc.error(regex, "a valid regular expression; " + regexError(regex));
    }
    String host = f.get("host").scalar("a host name or *.suffix", ConfigReader::hostPattern);
    List<String> methods = new ArrayList<>();
    for (Cursor m : f.get("methods").items("a list of methods")) {
      String v = m.scalar("an uppercase method token like GET", Syntax::method);
      if (v != null) {
        methods.add(v);
      } else if (!m.present()) {
        m.missing("an uppercase method token like GET");
      }
    }
    Cursor hc = f.get("headers");
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        hc.entries("a mapping of header names to values").entrySet()) {
      if (Syntax.token(e.getKey()) == null) {
        hc.error(e.getKey().isEmpty() ? "\"\"" : e.getKey(), "a header name");
      }
      Cursor vc = e.getValue();
      String v = vc.text("a value or ~REGEX");
      if (v == null) {
        if (!vc.present()) {
          vc.missing("a value or ~REGEX");
        }
        continue;
      }
      if (v.startsWith("~") && regexError(v.substring(1)) != null) {
        vc.error(
            v, "a value or ~REGEX with a valid regular expression; " + regexError(v.substring(1)));
      }
      headers.put(e.getKey(), v);
    }
    Cursor qc = f.get("query");
    Map<String, String> query = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        qc.entries("a mapping of parameter names to values").entrySet()) {
      if (e.getKey().isEmpty()) {
        qc.error("\"\"", "a parameter name");
      }
      Cursor vc = e.getValue();
      String v = vc.text("a value");
      if (v == null) {
        if (!vc.present()) {
          vc.missing("a value");
        }
        continue;
      }
      query.put(e.getKey(), v);
    }
    List<String> source = new ArrayList<>();
    for (Cursor s : f.get("source").items("a list of CIDRs")) {
      if (s.require(CIDR)) {
        String v = s.scalar(CIDR, x -> Cidr.tryParse(x) == null ? null : x.trim());
        if (v != null) {
          source.add(v);
        }
      }
    }
    Boolean websocket = f.get("websocket").scalar(BOOL, Syntax::bool);
    List<String> country = new ArrayList<>();
    Cursor cc = f.get("country");
    if (cc.raw() instanceof List<?> l && !l.isEmpty() && !geoip) {
      cc.error(GEOIP_NEEDED);
    }
    for (Cursor s : cc.items("a list of ISO 3166-1 alpha-2 codes")) {
      String expected = "an ISO 3166-1 alpha-2 country code like DE";
      if (s.require(expected)) {
        String v =
            s.scalar(
                expected,
                x -> {
                  String u = x.trim().toUpperCase(Locale.ROOT);
                  return COUNTRIES.contains(u) ? u : null;
                });
        if (v != null) {
          country.add(v);
        }
      }
    }
    return new MatchConfig(
        pathPrefix, path, regex, host, methods, headers, query, source, websocket, country);
  }

  private static String regexError(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
  }

  private static String hostPattern(String s) {
    String h = s.trim().toLowerCase(Locale.ROOT);
    String name = h.startsWith("*.") ? h.substring(2) : h;
    return Syntax.dnsName(name) || (!h.startsWith("*.") && Syntax.host(name)) ? h : null;
  }

  // ---- geoip

  private GeoIpConfig geoip(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("database");
    Cursor dc = f.get("database");
    if (!dc.require(GEOIP_DATABASE)) {
      return null;
    }
    String s = dc.scalar(GEOIP_DATABASE, v -> v.isEmpty() ? null : v);
    if (s == null) {
      return null;
    }
    if (mode == Mode.JSON) {
      return new GeoIpConfig(s);
    }
    Path p = resolve(dc, s);
    if (p == null) {
      return null;
    }
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      dc.error(s, GEOIP_DATABASE + ", looked for " + p);
      return null;
    }
    String problem = GeoIpDatabases.problem(p);
    if (problem != null) {
      dc.error(s, GEOIP_DATABASE + "; " + p + " " + problem);
      return null;
    }
    return new GeoIpConfig(p.toString());
  }

  // ---- secrets

  static final int MIN_SECRET = 16;

  private static SecretsConfig secrets(Cursor c) {
    Cursor.Fields f = c.fields("sticky");
    String sticky =
        f.get("sticky")
            .scalar(
                "a secret of at least " + MIN_SECRET + " characters",
                s -> s.length() >= MIN_SECRET ? s : null);
    return sticky == null ? SecretsConfig.NONE : new SecretsConfig(sticky);
  }

  // ---- error pages

  private Map<Integer, String> errorPages(Cursor c) {
    Map<Integer, String> out = new HashMap<>();
    String expected = mode == Mode.FILE ? "a file" : "the page content";
    for (Map.Entry<String, Cursor> e : c.entries("a mapping of status codes to files").entrySet()) {
      Long status = Syntax.integer(e.getKey().trim(), 400, 599);
      if (status == null) {
        c.error(e.getKey(), "a status code in 400..599");
        continue;
      }
      Cursor vc = e.getValue();
      if (!vc.require(expected)) {
        continue;
      }
      String v = vc.text(expected);
      if (v == null) {
        continue;
      }
      String content = mode == Mode.FILE ? readPage(vc, v) : v;
      if (content != null && content.length() > MAX_PAGE) {
        vc.error(Cursor.render(v), "a page of at most 1m");
        content = null;
      }
      if (content != null) {
        out.put(status.intValue(), content);
      }
    }
    return out;
  }

  private String readPage(Cursor c, String file) {
    Path p = resolve(c, file);
    if (p == null) {
      return null;
    }
    try {
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        c.error(file, "a readable file, looked for " + p);
        return null;
      }
      if (Files.size(p) > MAX_PAGE) {
        c.error(file, "a file of at most 1m");
        return null;
      }
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    } catch (IOException e) {
      c.error(file, "a readable file, looked for " + p + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }

  // ---- rules between fields

  private void checkBinds(List<Bound> binds) {
    for (int j = 0; j < binds.size(); j++) {
      Bound b = binds.get(j);
      for (int i = 0; i < j; i++) {
        Bound a = binds.get(i);
        if (overlap(a.bind(), b.bind())) {
          b.at().error(b.bind().toString(), "an address not used by " + a.label());
          break;
        }
      }
    }
  }

  private static boolean overlap(HostPort a, HostPort b) {
    if (a.port() == 0 || a.port() != b.port()) {
      return false;
    }
    return a.host().equalsIgnoreCase(b.host())
        || Syntax.wildcard(a.host())
        || Syntax.wildcard(b.host());
  }

  /** A required, valid name not used before in {@code names} (name to the path that used it). */
  private static String uniqueName(Cursor c, Map<String, String> names, String owner) {
    if (!c.require(NAME)) {
      return null;
    }
    String name = c.scalar(NAME, Syntax::name);
    if (name == null) {
      return null;
    }
    String previous = names.putIfAbsent(name, owner);
    if (previous != null) {
      c.error(name, "a name not used by " + previous);
      return null;
    }
    return name;
  }

  // ---- scalar parsers

  private static Integer integer(String s, long min, long max) {
    Long v = Syntax.integer(s.trim(), min, max);
    return v == null ? null : v.intValue();
  }

  private static Long sizeIn(String s, long min, long max) {
    Long v = Syntax.size(s);
    return v == null || v < min || v > max ? null : v;
  }

  private static Duration positive(String s) {
    Duration d = Syntax.duration(s);
    return d == null || d.isZero() ? null : d;
  }

  private static String path(String s) {
    return s.startsWith("/") ? s : null;
  }
}
