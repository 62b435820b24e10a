package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import org.jspecify.annotations.Nullable;

/**
 * {@link GatewayConfig} to and from a Vert.x {@link JsonObject} with the key names of the YAML
 * file, so a config can travel over the event bus and through the cluster.
 *
 * <p>The JSON form is complete (defaults written out): durations as strings ({@code "2s"}), sizes
 * as numbers of bytes. Unlike the file, {@code error-pages} maps each status to the page
 * <em>content</em>, certificate and {@code geoip.database} paths are taken as they are (absolute
 * after loading; not checked, since the file is read by the node that applies the config), and
 * {@code ${VAR}} is not substituted. {@link #fromJson} validates like {@link ConfigLoader}, so
 * {@code fromJson(toJson(c)).equals(c)}.
 */
public final class ConfigJson {
  private ConfigJson() {}

  /** The JSON form of a config. */
  public static JsonObject toJson(GatewayConfig c) {
    requireNonNull(c, "c");
    JsonObject json = new JsonObject();
    NodeConfig n = c.node();
    JsonObject node =
        new JsonObject()
            .put("id", n.id())
            .put("datacenter", n.datacenter())
            .put("shutdown-grace", duration(n.shutdownGrace()));
    putIf(node, "advertise", n.advertise());
    json.put("node", node);

    ClusterConfig cl = c.cluster();
    JsonObject cluster =
        new JsonObject()
            .put("name", cl.name())
            .put("bind", cl.bind().toString())
            .put("members", new JsonArray(cl.members().stream().map(HostPort::toString).toList()));
    if (cl.kubernetesServiceDns() != null) {
      cluster.put("kubernetes", new JsonObject().put("service-dns", cl.kubernetesServiceDns()));
    }
    json.put("cluster", cluster);

    JsonArray listeners = new JsonArray();
    for (ListenerConfig l : c.listeners()) {
      JsonObject o =
          new JsonObject()
              .put("name", l.name())
              .put("bind", l.bind().toString())
              .put("request-header-timeout", duration(l.requestHeaderTimeout()))
              .put("request-body-timeout", duration(l.requestBodyTimeout()))
              .put("keepalive-timeout", duration(l.keepaliveTimeout()))
              .put("keepalive-requests", l.keepaliveRequests())
              .put("client-timeout", duration(l.clientTimeout()))
              .put("max-header-size", l.maxHeaderSize())
              .put("max-request-body", l.maxRequestBody())
              .put("max-connections", l.maxConnections())
              .put("hsts", l.hstsSeconds());
      putIf(o, "redirect-https", l.redirectHttps());
      if (l.tls() != null) {
        JsonArray certs = new JsonArray();
        l.tls()
            .certificates()
            .forEach(t -> certs.add(new JsonObject().put("cert", t.cert()).put("key", t.key())));
        o.put(
            "tls",
            new JsonObject()
                .put("certificates", certs)
                .put("protocols", new JsonArray(l.tls().protocols()))
                .put("ciphers", String.join(":", l.tls().ciphers()))
                .put("ciphersuites", String.join(":", l.tls().ciphersuites()))
                .put("session-tickets", l.tls().sessionTickets() ? "on" : "off")
                .put("reload", l.tls().watch() ? "watch" : "off"));
      }
      listeners.add(o);
    }
    json.put("listeners", listeners);

    JsonObject admin = new JsonObject().put("bind", c.admin().bind().toString());
    putIf(admin, "token", c.admin().token());
    if (c.admin().vertxHttpMetrics()) {
      admin.put("vertx-http-metrics", true);
    }
    json.put("admin", admin);

    DnsSyncConfig d = c.dnsSync();
    if (d != null) {
      JsonObject dns =
          new JsonObject()
              .put("server", d.server().toString())
              .put("zone", d.zone())
              .put("name", d.name())
              .put("ttl", d.ttl());
      if (d.tsig() != null) {
        dns.put(
            "tsig",
            new JsonObject()
                .put("name", d.tsig().name())
                .put("algorithm", d.tsig().algorithm())
                .put("secret", d.tsig().secret()));
      }
      json.put("dns-sync", dns);
    }

    AccessLogConfig log = c.accessLog();
    if (log != null) {
      JsonObject o = new JsonObject().put("format", log.format().configName());
      putIf(o, "custom", log.template());
      if (log.destination() instanceof AccessLogConfig.File f) {
        o.put("file", f.path());
      } else if (log.destination() instanceof AccessLogConfig.Syslog s) {
        o.put("syslog", s.address().toString());
      } else {
        o.put("stdout", true);
      }
      json.put("access-log", o.put("queue", log.queue()));
    }
    JsonObject tracing = new JsonObject().put("sample", c.tracing().sample());
    putIf(tracing, "otlp", c.tracing().otlp());
    json.put("tracing", tracing);

    json.put("trusted-proxies", new JsonArray(c.trustedProxies()));
    JsonObject upstreams = new JsonObject();
    new TreeMap<>(c.upstreams()).forEach((name, u) -> upstreams.put(name, upstream(u)));
    json.put("upstreams", upstreams);
    JsonArray routes = new JsonArray();
    c.routes().forEach(r -> routes.add(route(r)));
    json.put("routes", routes);
    JsonObject pages = new JsonObject();
    new TreeMap<>(c.errorPages()).forEach((status, page) -> pages.put(status.toString(), page));
    json.put("error-pages", pages);
    if (c.geoip() != null) {
      json.put("geoip", new JsonObject().put("database", c.geoip().database()));
    }
    if (c.secrets().sticky() != null) {
      json.put("secrets", new JsonObject().put("sticky", c.secrets().sticky()));
    }
    JsonObject limits = new JsonObject();
    new TreeMap<>(c.limits()).forEach((name, l) -> limits.put(name, limit(l)));
    json.put("limits", limits);
    BufferingConfig.NodeLimits b = c.buffering();
    if (!b.equals(BufferingConfig.NodeLimits.DEFAULT)) {
      JsonObject buffering = new JsonObject();
      putIf(buffering, "node-memory", b.nodeMemory());
      putIf(buffering, "temp-dir", b.tempDir());
      json.put("buffering", buffering);
    }
    return json;
  }

  /** A route's buffering override (only the keys it sets), or an upstream's (every key). */
  private static @Nullable JsonObject buffering(BufferingConfig.RouteOverride b) {
    if (b.isEmpty()) {
      return null;
    }
    JsonObject o = new JsonObject();
    putIf(o, "request", b.request() == null ? null : onOff(b.request()));
    putIf(o, "response", b.response() == null ? null : onOff(b.response()));
    putIf(o, "memory", b.memory());
    putIf(o, "max-temp-file", b.maxTempFile());
    return o;
  }

  /** A limit policy, every key written out. */
  private static JsonObject limit(LimitConfig l) {
    JsonObject o = new JsonObject();
    if (l.rate() != null) {
      o.put("rate", l.rate().toString())
          .put("burst", l.burst())
          .put("delay", l.delay())
          .put("nodelay", l.nodelay());
      if (l.nodelay()) {
        o.remove("delay");
      }
    }
    if (l.concurrency() > 0) {
      o.put("concurrency", l.concurrency());
    }
    return o.put("key", l.key().toString())
        .put("exempt", new JsonArray(l.exempt()))
        .put("scope", l.scope().configName())
        .put("max-keys", l.maxKeys());
  }

  private static String onOff(boolean on) {
    return on ? "on" : "off";
  }

  private static JsonObject upstream(UpstreamConfig u) {
    JsonArray servers = new JsonArray();
    for (ServerConfig s : u.servers()) {
      JsonObject o =
          new JsonObject()
              .put("name", s.name())
              .put("address", (s.tls() ? "https://" : "") + s.address())
              .put("weight", s.weight())
              .put("backup", s.backup())
              .put("max-conns", s.maxConns());
      putIf(o, "datacenter", s.datacenter());
      servers.add(o);
    }
    JsonObject o =
        new JsonObject()
            .put("balance", u.balance().toString())
            .put("hash-query", u.balance().hashQuery())
            .put("servers", servers)
            .put(
                "passive",
                new JsonObject()
                    .put("max-fails", u.passive().maxFails())
                    .put("fail-timeout", duration(u.passive().failTimeout())))
            .put("retries", u.retries())
            .put("retry-on", retryOn(u.retryOn()))
            .put("timeouts", timeouts(u.timeouts()))
            .put(
                "keepalive",
                new JsonObject()
                    .put("max-connections", u.keepalive().maxConnections())
                    .put("idle-timeout", duration(u.keepalive().idleTimeout())))
            .put("slow-start", duration(u.slowStart()))
            .put(
                "locality",
                new JsonObject()
                    .put("prefer-datacenter", u.locality().preferDatacenter())
                    .put("min-healthy-percent", u.locality().minHealthyPercent()))
            .put("tls-verify", u.tlsVerify());
    putIf(o, "tls-ca", u.tlsCa());
    BufferingConfig b = u.buffering();
    o.put(
        "buffering",
        buffering(
            new BufferingConfig.RouteOverride(
                b.request(), b.response(), b.memory(), b.maxTempFile())));
    HealthCheckConfig h = u.healthCheck();
    if (h != null) {
      JsonObject hc =
          new JsonObject()
              .put("type", h.type().name().toLowerCase(java.util.Locale.ROOT))
              .put("path", h.path())
              .put("method", h.method())
              .put("interval", duration(h.interval()))
              .put("timeout", duration(h.timeout()))
              .put("rise", h.rise())
              .put("fall", h.fall());
      putIf(hc, "host", h.host());
      if (!h.headers().isEmpty()) {
        JsonObject headers = new JsonObject();
        h.headers().forEach(headers::put);
        hc.put("headers", headers);
      }
      HealthCheckConfig.Expect e = h.expect();
      hc.put(
          "expect",
          e.body() == null
              ? e.statusText()
              : new JsonObject().put("status", e.statusText()).put("body", e.body()));
      o.put("health-check", hc);
    }
    UpstreamConfig.StickyConfig s = u.sticky();
    if (s != null) {
      JsonObject so =
          new JsonObject()
              .put("cookie", s.cookie())
              .put("path", s.path())
              .put("http-only", s.httpOnly())
              .put("secure", s.secure())
              .put("same-site", s.sameSite());
      if (s.maxAge() != null) {
        so.put("max-age", duration(s.maxAge()));
      }
      o.put("sticky", so);
    }
    return o;
  }

  private static JsonObject route(RouteConfig r) {
    MatchConfig m = r.match();
    JsonObject match = new JsonObject();
    putIf(match, "path-prefix", m.pathPrefix());
    putIf(match, "path", m.path());
    putIf(match, "path-regex", m.pathRegex());
    putIf(match, "host", m.host());
    if (!m.methods().isEmpty()) {
      match.put("methods", new JsonArray(m.methods()));
    }
    if (!m.headers().isEmpty()) {
      match.put("headers", new JsonObject(new TreeMap<String, Object>(m.headers())));
    }
    if (!m.query().isEmpty()) {
      match.put("query", new JsonObject(new TreeMap<String, Object>(m.query())));
    }
    if (!m.source().isEmpty()) {
      match.put("source", new JsonArray(m.source()));
    }
    putIf(match, "websocket", m.websocket());
    if (!m.country().isEmpty()) {
      match.put("country", new JsonArray(m.country()));
    }
    JsonObject o = new JsonObject().put("name", r.name());
    if (!match.isEmpty()) {
      o.put("match", match);
    }
    RouteConfig.Action action = r.action();
    if (action instanceof RouteConfig.Forward f) {
      o.put("upstream", f.upstream());
    }
    putIf(o, "strip-prefix", r.stripPrefix());
    putIf(o, "retries", r.retries());
    if (r.retryOn() != null) {
      o.put("retry-on", retryOn(r.retryOn()));
    }
    JsonObject timeouts = timeouts(r.timeouts());
    if (!timeouts.isEmpty()) {
      o.put("timeouts", timeouts);
    }
    putIf(o, "request-headers", headerActions(r.requestHeaders()));
    putIf(o, "response-headers", headerActions(r.responseHeaders()));
    putIf(o, "buffering", buffering(r.buffering()));
    if (!r.limits().isEmpty()) {
      o.put("limits", new JsonArray(r.limits()));
    }
    if (action instanceof RouteConfig.Redirect rd) {
      o.put(
          "redirect",
          new JsonObject()
              .put("location", rd.location())
              .put("status", rd.status())
              .put("keep-path", rd.keepPath()));
    } else if (action instanceof RouteConfig.Return rt) {
      o.put(
          "return",
          new JsonObject()
              .put("status", rt.status())
              .put("body", rt.body())
              .put("content-type", rt.contentType()));
    }
    return o;
  }

  private static JsonArray retryOn(java.util.Set<RetryOn> retryOn) {
    return new JsonArray(retryOn.stream().sorted().map(RetryOn::configName).toList());
  }

  private static JsonObject timeouts(UpstreamConfig.TimeoutsConfig t) {
    return timeouts(new RouteConfig.Timeouts(t.connect(), t.response(), t.idle()));
  }

  /** The timeouts that are set (a route's may leave some to its upstream). */
  private static JsonObject timeouts(RouteConfig.Timeouts t) {
    JsonObject o = new JsonObject();
    putIf(o, "connect", t.connect() == null ? null : duration(t.connect()));
    putIf(o, "response", t.response() == null ? null : duration(t.response()));
    putIf(o, "idle", t.idle() == null ? null : duration(t.idle()));
    return o;
  }

  private static @Nullable JsonObject headerActions(RouteConfig.HeaderActions a) {
    if (a.isEmpty()) {
      return null;
    }
    JsonObject o = new JsonObject();
    if (!a.set().isEmpty()) {
      JsonObject set = new JsonObject();
      a.set().forEach(set::put);
      o.put("set", set);
    }
    if (!a.remove().isEmpty()) {
      o.put("remove", new JsonArray(a.remove()));
    }
    return o;
  }

  /**
   * Reads and validates the JSON form.
   *
   * @throws ConfigException with every error (file name {@code json})
   */
  public static GatewayConfig fromJson(JsonObject json) {
    return fromJson(json, "json");
  }

  /**
   * Reads and validates the JSON form; errors name {@code sourceName} as their file. A missing
   * {@code node.id} defaults to the local host name.
   */
  public static GatewayConfig fromJson(JsonObject json, String sourceName) {
    requireNonNull(json, "json");
    return ConfigLoader.build(
        plain(json),
        sourceName,
        null,
        ConfigOverrides.none(),
        ConfigLoader.Environment.system(),
        ConfigReader.Mode.JSON);
  }

  /** Nested JsonObject/JsonArray (or maps and lists holding them) as plain maps and lists. */
  private static @Nullable Object plain(@Nullable Object v) {
    if (v instanceof JsonObject o) {
      return plain(o.getMap());
    }
    if (v instanceof JsonArray a) {
      return plain(a.getList());
    }
    if (v instanceof Map<?, ?> m) {
      Map<Object, Object> out = new LinkedHashMap<>();
      m.forEach((k, x) -> out.put(k, plain(x)));
      return out;
    }
    if (v instanceof List<?> l) {
      List<Object> out = new ArrayList<>(l.size());
      l.forEach(x -> out.add(plain(x)));
      return out;
    }
    return v;
  }

  private static String duration(Duration d) {
    return Syntax.formatDuration(d);
  }

  private static void putIf(JsonObject o, String key, @Nullable Object value) {
    if (value != null) {
      o.put(key, value);
    }
  }
}
