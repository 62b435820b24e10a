package io.vxgate.admin.importer;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * nginx {@code upstream} blocks and the implicit upstreams of {@code proxy_pass ADDRESS}, with the
 * settings that nginx sets per location but vxgate per upstream (timeouts, retries).
 */
final class NginxUpstreams {
  /** One upstream as it will be written. */
  static final class Upstream {
    final String name;
    final Source source;
    final Yaml.YMap body = new Yaml.YMap();
    final List<Yaml.YMap> servers = new ArrayList<>();
    boolean https;
    boolean used;

    /** key -> the values routes to this upstream want (null = nginx's default) */
    final Map<String, List<Wanted>> wanted = new LinkedHashMap<>();

    Upstream(String name, Source source) {
      this.name = name;
      this.source = source;
    }
  }

  /** A setting a route wants for its upstream, and where to put it when routes differ. */
  record Wanted(
      @Nullable Object value,
      @Nullable NginxDirective directive,
      Yaml.YMap routeExtra,
      PlannedKey perRoute) {}

  private final Report report;
  private final Consumer<NginxDirective> used;
  private final Map<String, Upstream> upstreams = new LinkedHashMap<>();
  private final Map<String, String> unixPlaceholders = new LinkedHashMap<>();
  private final Set<String> addresses = new HashSet<>();
  private int nextPort = 8000;
  private final Names names = new Names();

  NginxUpstreams(Report report, Consumer<NginxDirective> used) {
    this.report = report;
    this.used = used;
  }

  @Nullable Upstream get(String name) {
    return upstreams.get(name);
  }

  /** Reads an {@code upstream NAME { ... }} block. */
  void read(NginxDirective block) {
    used.accept(block);
    String name = names.unique(block.arg(0) == null ? "upstream" : block.arg(0));
    Upstream u = new Upstream(name, block.source());
    upstreams.put(block.arg(0), u);
    List<Integer> maxFails = new ArrayList<>();
    List<Duration> failTimeouts = new ArrayList<>();
    List<NginxDirective> serverLines = new ArrayList<>();
    Names serverNames = new Names();
    for (NginxDirective d : block.children()) {
      switch (d.name()) {
        case "server" -> {
          used.accept(d);
          serverLines.add(d);
          server(u, d, serverNames, maxFails, failTimeouts);
        }
        case "least_conn" -> balance(u, d, "leastconn");
        case "ip_hash" -> {
          balance(u, d, "source");
          report.approximated(
              d.source(),
              d.text(),
              "balance: source hashes the whole client address consistently (ip_hash uses the"
                  + " first three octets of an IPv4 address)");
        }
        case "random" -> {
          if (d.args().isEmpty()) {
            balance(u, d, "random");
          } else {
            balance(u, d, "leastconn");
            report.approximated(
                d.source(), d.text(), "balance: leastconn (the power of two choices it aims at)");
          }
        }
        case "hash" -> hash(u, d);
        case "keepalive" -> {
          used.accept(d);
          Long n = integer(d.arg(0));
          if (n != null && n > 64) {
            u.body.map("keepalive").put("max-connections", n.intValue());
          }
        }
        case "keepalive_timeout" -> {
          used.accept(d);
          Duration t = d.arg(0) == null ? null : Units.nginxTime(d.arg(0));
          if (t != null && !t.isZero()) {
            u.body.map("keepalive").put("idle-timeout", Units.duration(t));
          }
        }
        case "keepalive_requests", "keepalive_time" -> {
          used.accept(d);
          report.ignored(
              d.source(), d.text(), "vxgate reuses a pooled connection until it is idle too long");
        }
        case "zone" -> {
          used.accept(d);
          report.ignored(
              d.source(),
              d.text(),
              "shared memory of nginx workers (vxgate shares state by itself)");
        }
        case "sticky" -> sticky(u, d);
        default -> {
          // reported with the unused directives
        }
      }
    }
    passive(u, serverLines, maxFails, failTimeouts);
    if (u.servers.stream().noneMatch(s -> !Boolean.TRUE.equals(s.get("backup")))) {
      // vxgate needs a primary server; nginx would answer 502 with every primary down
      for (Yaml.YMap s : u.servers) {
        s.put("backup", null);
      }
    }
  }

  private void balance(Upstream u, NginxDirective d, String balance) {
    used.accept(d);
    u.body.put("balance", balance);
  }

  private void hash(Upstream u, NginxDirective d) {
    used.accept(d);
    String key = d.arg(0) == null ? "" : d.arg(0);
    boolean consistent = "consistent".equals(d.arg(1));
    String balance = null;
    switch (key) {
      case "$remote_addr", "$binary_remote_addr" -> balance = "source";
      case "$request_uri" -> {
        balance = "uri";
        if (PlannedKey.HASH_QUERY.available()) {
          u.body.put("hash-query", true);
        } else {
          report.planned(d.source(), d.text(), PlannedKey.HASH_QUERY);
        }
      }
      case "$uri", "$document_uri" -> balance = "uri";
      default -> {
        if (key.matches("\\$http_[A-Za-z0-9_]+")) {
          balance = "header:" + headerName(key.substring("$http_".length()));
        } else if (key.matches("\\$cookie_[A-Za-z0-9_]+")) {
          balance = "cookie:" + key.substring("$cookie_".length());
        } else {
          report.unsupported(
              d.source(),
              d.text(),
              "hash key " + key + ": vxgate hashes the client address, path, a header or a cookie");
          return;
        }
      }
    }
    u.body.put("balance", balance);
    if (!consistent) {
      report.approximated(
          d.source(),
          d.text(),
          "vxgate's hashing is always consistent (a server's removal moves about 1/N of the keys)");
    }
  }

  private void sticky(Upstream u, NginxDirective d) {
    used.accept(d);
    if (!"cookie".equals(d.arg(0)) || d.arg(1) == null) {
      report.unsupported(d.source(), d.text(), "only sticky cookie NAME has an equivalent");
      return;
    }
    Yaml.YMap s = new Yaml.YMap().put("cookie", d.arg(1));
    for (String a : d.args().subList(2, d.args().size())) {
      if (a.startsWith("expires=")) {
        Duration t = Units.nginxTime(a.substring(8));
        if (t != null && !t.isZero()) {
          s.put("max-age", Units.duration(t));
        }
      } else if (a.startsWith("path=")) {
        s.put("path", a.substring(5));
      } else if (a.equals("httponly")) {
        s.put("http-only", true);
      } else if (a.equals("secure")) {
        s.put("secure", true);
      } else if (a.startsWith("samesite=")) {
        s.put("same-site", capitalize(a.substring(9)));
      }
    }
    u.body.put("sticky", s);
    report.approximated(
        d.source(),
        d.text(),
        "sticky sessions by cookie " + d.arg(1) + " (its value is vxgate's signed server digest)");
  }

  private void server(
      Upstream u,
      NginxDirective d,
      Names names,
      List<Integer> maxFails,
      List<Duration> failTimeouts) {
    String addr = d.arg(0);
    if (addr == null) {
      report.unsupported(d.source(), d.text(), "a server without an address");
      return;
    }
    Yaml.YMap s = new Yaml.YMap();
    String address = address(addr, d);
    String name = names.unique(serverName(addr));
    s.put("name", name);
    s.put("address", address);
    int fails = 1;
    Duration failTimeout = Duration.ofSeconds(10);
    boolean down = false;
    for (String p : d.args().subList(1, d.args().size())) {
      int eq = p.indexOf('=');
      String k = eq < 0 ? p : p.substring(0, eq);
      String v = eq < 0 ? "" : p.substring(eq + 1);
      switch (k) {
        case "weight" -> {
          Long w = integer(v);
          if (w != null && w > 256) {
            report.approximated(
                d.source(), d.text(), "weight " + w + " written as 256 (vxgate's largest)");
            w = 256L;
          }
          if (w != null && w > 1) {
            s.put("weight", w.intValue());
          }
        }
        case "max_fails" -> {
          Long n = integer(v);
          fails = n == null ? 1 : n.intValue();
        }
        case "fail_timeout" -> {
          Duration t = Units.nginxTime(v);
          if (t != null) {
            failTimeout = t;
          }
        }
        case "backup" -> s.put("backup", true);
        case "down" -> down = true;
        case "max_conns" -> {
          Long m = integer(v);
          if (m != null && m > 0) {
            s.put("max-conns", m.intValue());
          }
        }
        case "slow_start" -> {
          Duration t = Units.nginxTime(v);
          if (t != null && !t.isZero()) {
            u.body.put("slow-start", Units.duration(t));
          }
        }
        case "resolve" -> {
          // vxgate resolves names when it connects
        }
        default ->
            report.unsupported(
                d.source(), d.text(), "server parameter " + k + ": no vxgate equivalent");
      }
    }
    if (down) {
      report.approximated(
          d.source(),
          d.text(),
          "marked down: left out of upstream "
              + u.name
              + " (vxgatectl server disable takes a server out at run time)");
      return;
    }
    maxFails.add(fails);
    failTimeouts.add(failTimeout);
    u.servers.add(s);
  }

  private void passive(
      Upstream u, List<NginxDirective> lines, List<Integer> maxFails, List<Duration> timeouts) {
    if (maxFails.isEmpty()) {
      return;
    }
    int fails = maxFails.get(0);
    Duration timeout = timeouts.get(0);
    boolean uniform =
        maxFails.stream().allMatch(f -> f == fails)
            && timeouts.stream().allMatch(t -> t.equals(timeout));
    if (!uniform) {
      for (NginxDirective d : lines) {
        if (d.text().contains("max_fails") || d.text().contains("fail_timeout")) {
          report.approximated(
              d.source(),
              d.text(),
              "passive checks are per upstream in vxgate: max-fails "
                  + fails
                  + ", fail-timeout "
                  + Units.duration(timeout)
                  + " (the first server's) for every server");
        }
      }
    }
    Yaml.YMap p = new Yaml.YMap();
    if (fails != 1) {
      p.put("max-fails", fails);
    }
    if (!timeout.equals(Duration.ofSeconds(10)) && !timeout.isZero()) {
      p.put("fail-timeout", Units.duration(timeout));
    }
    if (!p.isEmpty()) {
      u.body.put("passive", p);
    }
  }

  /** A server address as vxgate writes it; a unix socket becomes a local TCP placeholder. */
  private String address(String addr, NginxDirective d) {
    if (addr.startsWith("unix:")) {
      String path = addr.substring(5);
      String known = unixPlaceholders.get(path);
      if (known != null) {
        return known;
      }
      String a = "127.0.0.1:" + placeholderPort();
      unixPlaceholders.put(path, a);
      {
        report.approximated(
            d.source(),
            d.text(),
            "vxgate connects to servers over TCP: unix:"
                + path
                + " written as "
                + a
                + "; bind the server there (Gunicorn: --bind "
                + a
                + ")");
      }
      return a;
    }
    String a = withPort(addr, 80);
    addresses.add(a);
    return a;
  }

  private int placeholderPort() {
    while (addresses.contains("127.0.0.1:" + nextPort)) {
      nextPort++;
    }
    addresses.add("127.0.0.1:" + nextPort);
    return nextPort++;
  }

  static String withPort(String hostPort, int defaultPort) {
    if (hostPort.startsWith("[")) {
      int close = hostPort.indexOf(']');
      return close == hostPort.length() - 1 ? hostPort + ":" + defaultPort : hostPort;
    }
    return hostPort.contains(":") ? hostPort : hostPort + ":" + defaultPort;
  }

  private static String serverName(String addr) {
    if (addr.startsWith("unix:")) {
      String p = addr.substring(5);
      String file = p.substring(p.lastIndexOf('/') + 1);
      return file.replaceAll("\\.sock$", "");
    }
    return addr.replace("[", "").replace("]", "").replace(':', '-');
  }

  /**
   * The upstream of {@code proxy_pass SCHEME://TARGET}: a named upstream, or an implicit one for an
   * address (one per address).
   */
  Upstream target(String target, boolean https, NginxDirective d) {
    Upstream u = upstreams.get(target);
    if (u == null) {
      String addr = target.startsWith("unix:") ? target : withPort(target, https ? 443 : 80);
      u = upstreams.get("\0" + addr);
      if (u == null) {
        u = new Upstream(names.unique(serverName(addr)), d.source());
        Yaml.YMap s = new Yaml.YMap();
        s.put("name", Names.sanitize(serverName(addr)));
        s.put("address", address(addr, d));
        u.servers.add(s);
        upstreams.put("\0" + addr, u);
      }
    }
    if (u.used && u.https != https) {
      report.unsupported(
          d.source(),
          d.text(),
          "upstream "
              + u.name
              + " is reached over both http and https: written as "
              + (u.https ? "https" : "http"));
    } else {
      u.https = https;
    }
    u.used = true;
    return u;
  }

  /** Records a per-location setting that vxgate keeps per upstream. */
  void want(
      Upstream u,
      String key,
      @Nullable Object value,
      @Nullable NginxDirective d,
      Yaml.YMap routeExtra,
      PlannedKey perRoute) {
    u.wanted
        .computeIfAbsent(key, k -> new ArrayList<>())
        .add(new Wanted(value, d, routeExtra, perRoute));
  }

  /** Writes the upstreams, settling the per-location settings. */
  void write(Output out, Names names) {
    for (Upstream u : upstreams.values()) {
      settle(u);
      Yaml.YMap body = new Yaml.YMap();
      body.put("balance", u.body.get("balance"));
      Yaml.YList servers = new Yaml.YList();
      for (Yaml.YMap s : u.servers) {
        if (u.https && s.get("address") instanceof String a && !a.startsWith("https://")) {
          s.put("address", "https://" + a);
        }
        servers.add(s);
      }
      body.put("servers", servers);
      for (Map.Entry<Object, Object> e : u.body.entries().entrySet()) {
        if (!e.getKey().equals("balance")) {
          body.put(e.getKey(), e.getValue());
        }
      }
      out.upstream(u.name, body, u.source.toString());
    }
  }

  /** The per-location settings of {@code u}: one value for the upstream, or per route. */
  private void settle(Upstream u) {
    for (Map.Entry<String, List<Wanted>> e : u.wanted.entrySet()) {
      String key = e.getKey();
      List<Wanted> ws = e.getValue();
      Map<Object, Integer> counts = new LinkedHashMap<>();
      for (Wanted w : ws) {
        counts.merge(w.value() == null ? "" : w.value(), 1, Integer::sum);
      }
      if (counts.size() == 1) {
        Object v = ws.get(0).value();
        if (v != null) {
          put(u.body, key, v);
        }
        continue;
      }
      PlannedKey perRoute = ws.get(0).perRoute();
      if (perRoute.available()) {
        for (Wanted w : ws) {
          if (w.value() != null) {
            put(w.routeExtra(), key, w.value());
          }
        }
        continue;
      }
      Object best = null;
      int bestCount = -1;
      for (Map.Entry<Object, Integer> c : counts.entrySet()) {
        if (c.getValue() > bestCount || (c.getValue() == bestCount && "".equals(best))) {
          best = c.getKey();
          bestCount = c.getValue();
        }
      }
      if (!"".equals(best)) {
        put(u.body, key, best);
      }
      Set<NginxDirective> noted = new HashSet<>();
      for (Wanted w : ws) {
        Object v = w.value() == null ? "" : w.value();
        NginxDirective d = w.directive();
        if (d != null && noted.add(d) && (!Objects.equals(v, best) || !"".equals(best))) {
          report.planned(d.source(), d.text() + " (routes to " + u.name + " differ)", perRoute);
        }
      }
    }
  }

  private static void put(Yaml.YMap m, String key, @Nullable Object value) {
    int dot = key.indexOf('.');
    if (dot < 0) {
      m.put(key, value instanceof List<?> l ? Yaml.YList.of(l) : value);
    } else {
      m.map(key.substring(0, dot)).put(key.substring(dot + 1), value);
    }
  }

  /** {@code x_forwarded_for} as a header name: {@code X-Forwarded-For}. */
  static String headerName(String var) {
    StringBuilder sb = new StringBuilder();
    for (String part : var.split("_", -1)) {
      if (!part.isEmpty()) {
        if (sb.length() > 0) {
          sb.append('-');
        }
        sb.append(Character.toUpperCase(part.charAt(0)))
            .append(part.substring(1).toLowerCase(Locale.ROOT));
      }
    }
    return sb.toString();
  }

  private static String capitalize(String s) {
    return s.isEmpty()
        ? s
        : Character.toUpperCase(s.charAt(0)) + s.substring(1).toLowerCase(Locale.ROOT);
  }

  private static @Nullable Long integer(@Nullable String s) {
    if (s == null || !s.matches("[0-9]{1,9}")) {
      return null;
    }
    return Long.parseLong(s);
  }
}
