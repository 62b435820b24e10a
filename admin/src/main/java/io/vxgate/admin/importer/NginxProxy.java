package io.vxgate.admin.importer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A location's {@code proxy_pass} and the {@code proxy_*} settings it inherits, as a route to an
 * upstream: strip-prefix from the URI part, header changes (the X-Forwarded-* and WebSocket idioms
 * are vxgate built-ins), timeouts and retries (per upstream in vxgate), buffering.
 */
final class NginxProxy {
  private static final Set<String> SET_HEADER = Set.of("proxy_set_header");
  private static final Set<String> ADD_HEADER = Set.of("add_header");
  private static final Set<String> HIDE_HEADER = Set.of("proxy_hide_header");
  private static final Pattern HSTS = Pattern.compile("(?i)\\s*max-age=\"?([0-9]+)\"?\\s*(;.*)?");

  private final Report report;
  private final Consumer<NginxDirective> used;
  private final NginxUpstreams upstreams;
  private final NginxConditions conditions;
  private final Path baseDir;

  NginxProxy(
      Report report,
      Consumer<NginxDirective> used,
      NginxUpstreams upstreams,
      NginxConditions conditions,
      Path baseDir) {
    this.report = report;
    this.used = used;
    this.upstreams = upstreams;
    this.conditions = conditions;
    this.baseDir = baseDir;
  }

  /** The content of a location: a proxy route, or 404 for what vxgate cannot serve. */
  Object content(NginxLocation loc, NginxServer server, String label) {
    List<NginxDirective> pp = loc.scope().here("proxy_pass");
    Source at = loc.block().source();
    String comment = at + " " + loc.block().text();
    if (pp.isEmpty()) {
      NginxDirective tryFiles = loc.scope().get("try_files");
      String last = tryFiles == null ? "" : tryFiles.arg(tryFiles.args().size() - 1);
      NginxLocation named = server.named.get(last);
      if (tryFiles != null && named != null && !named.scope().here("proxy_pass").isEmpty()) {
        used.accept(tryFiles);
        used.accept(named.block());
        report.approximated(
            tryFiles.source(),
            tryFiles.text(),
            "vxgate does not serve files: every request goes to " + last);
        return content(named, server, label);
      }
      report.unsupported(
          at,
          loc.block().text(),
          "no proxy_pass: vxgate does not serve files, this location answers 404");
      return new Decision.Leaf(new RouteAction.Return(404, null, null), label, at, comment);
    }
    NginxDirective p = pp.get(0);
    used.accept(p);
    String url = p.arg(0) == null ? "" : p.arg(0);
    boolean https;
    if (url.startsWith("http://")) {
      https = false;
    } else if (url.startsWith("https://")) {
      https = true;
    } else {
      report.unsupported(p.source(), p.text(), "vxgate proxies to http:// and https:// servers");
      return new Decision.Leaf(new RouteAction.Return(502, null, null), label, at, comment);
    }
    String rest = url.substring(https ? 8 : 7);
    String target;
    String uri;
    if (rest.startsWith("unix:")) {
      int colon = rest.indexOf(':', 5);
      target = colon < 0 ? rest : rest.substring(0, colon);
      uri = colon < 0 ? null : rest.substring(colon + 1);
    } else {
      int slash = rest.indexOf('/');
      target = slash < 0 ? rest : rest.substring(0, slash);
      uri = slash < 0 ? null : rest.substring(slash);
    }
    if (target.contains("$")) {
      String var = target.replace("{", "").replace("}", "");
      NginxConditions.Valued v = conditions.values(var, p);
      if (v == null) {
        return new Decision.Leaf(new RouteAction.Return(502, null, null), label, at, comment);
      }
      Decision d = new Decision();
      Map<String, Decision.Leaf> leaves = new LinkedHashMap<>();
      for (Map.Entry<Match, String> e : v.entries()) {
        String t = e.getValue();
        d.when(
            e.getKey(),
            leaves.computeIfAbsent(
                t, x -> proxyLeaf(x, https, uri, loc, p, label + "-" + x, comment)));
      }
      d.otherwise(
          leaves.computeIfAbsent(
              v.fallback(), x -> proxyLeaf(x, https, uri, loc, p, label + "-" + x, comment)));
      NginxDirective def = conditions.definition(var);
      if (def != null) {
        def.children().forEach(used);
      }
      return d;
    }
    return proxyLeaf(target, https, uri, loc, p, label, comment);
  }

  private Decision.Leaf proxyLeaf(
      String target,
      boolean https,
      @Nullable String uri,
      NginxLocation loc,
      NginxDirective p,
      String label,
      String comment) {
    NginxUpstreams.Upstream u = upstreams.target(target, https, p);
    NginxScope sc = loc.scope();
    String strip = strip(uri, loc, p);
    Map<String, String> setRequest = new LinkedHashMap<>();
    List<String> removeRequest = new ArrayList<>();
    requestHeaders(sc, target, setRequest, removeRequest);
    Map<String, String> setResponse = new LinkedHashMap<>();
    List<String> removeResponse = new ArrayList<>();
    responseHeaders(sc, setResponse, removeResponse);
    Yaml.YMap extra = new Yaml.YMap();
    timeouts(sc, u, extra);
    retries(sc, u, extra);
    buffering(sc, extra);
    misc(sc, u);
    RouteAction.Proxy action =
        new RouteAction.Proxy(
            u.name, strip, setRequest, removeRequest, setResponse, removeResponse, extra);
    return new Decision.Leaf(action, label, loc.block().source(), comment);
  }

  /** strip-prefix for the URI part of proxy_pass. */
  private @Nullable String strip(@Nullable String uri, NginxLocation loc, NginxDirective p) {
    if (uri == null) {
      return null;
    }
    if (uri.contains("$")) {
      report.unsupported(p.source(), p.text(), "a URI with variables: the path is sent as it came");
      return null;
    }
    boolean prefix = loc.kind().prefix() || loc.kind() == NginxLocations.Kind.EXACT;
    if (!prefix) {
      report.approximated(
          p.source(), p.text(), "the URI part is not applied to a regex location's path");
      return null;
    }
    String name = loc.pattern();
    if (uri.equals("/")) {
      if (name.equals("/")) {
        return null;
      }
      if (!name.endsWith("/")) {
        report.approximated(
            p.source(),
            p.text(),
            "strip-prefix " + name + ": " + name + "/x goes to the server as /x (nginx sends //x)");
      }
      return name;
    }
    if (uri.equals(name)) {
      return null;
    }
    report.approximated(
        p.source(),
        p.text(),
        "vxgate can only strip a prefix: " + name + "x goes to the server as /x, not " + uri + "x");
    return name.equals("/") ? null : name;
  }

  private void requestHeaders(
      NginxScope sc, String target, Map<String, String> set, List<String> remove) {
    boolean host = false;
    for (NginxDirective d : sc.group(SET_HEADER)) {
      used.accept(d);
      String name = d.arg(0) == null ? "" : d.arg(0);
      String value = d.arg(1) == null ? "" : d.arg(1);
      String lower = name.toLowerCase(Locale.ROOT);
      if (lower.equals("host")) {
        host = true;
      }
      String idiom = idiom(lower, value);
      if (idiom != null) {
        NginxDirective map = value.startsWith("$") ? conditions.definition(value) : null;
        if (map != null) {
          used.accept(map);
          map.children().forEach(used);
        }
        continue;
      }
      if (value.isEmpty()) {
        remove.add(name);
      } else if (value.equals("$proxy_host") && lower.equals("host")) {
        set.put("Host", proxyHost(target));
      } else if (value.matches("\\$http_[a-z0-9_]+")
          && value.substring(6).replace('_', '-').equalsIgnoreCase(name)) {
        // the client's own value, which vxgate passes anyway
      } else if (value.contains("$")) {
        report.unsupported(
            d.source(), d.text(), "a header value with variables vxgate cannot fill in");
      } else {
        set.put(name, value);
      }
    }
    if (!host) {
      // nginx sends Host: $proxy_host unless told otherwise
      set.put("Host", proxyHost(target));
    }
  }

  /** The built-in behaviour a header line asks for, or null when it is an ordinary change. */
  private static @Nullable String idiom(String name, String value) {
    String v = value.toLowerCase(Locale.ROOT);
    return switch (name) {
      case "host" ->
          v.equals("$host")
                  || v.equals("$http_host")
                  || v.equals("$server_name")
                  || v.equals("$host:$server_port")
              ? "client host"
              : null;
      case "x-real-ip" -> v.equals("$remote_addr") ? "x-real-ip" : null;
      case "x-forwarded-for" ->
          v.equals("$proxy_add_x_forwarded_for") || v.equals("$remote_addr") ? "xff" : null;
      case "x-forwarded-proto" -> v.equals("$scheme") ? "proto" : null;
      case "x-forwarded-host" ->
          v.equals("$host") || v.equals("$http_host") || v.equals("$server_name") ? "fhost" : null;
      case "upgrade" -> v.equals("$http_upgrade") ? "websocket" : null;
      case "connection" ->
          v.equals("$connection_upgrade")
                  || v.equals("upgrade")
                  || v.isEmpty()
                  || v.equals("$http_connection")
              ? "websocket"
              : null;
      case "x-request-id" -> v.equals("$request_id") ? "request id" : null;
      default -> null;
    };
  }

  private String proxyHost(String target) {
    NginxUpstreams.Upstream u = upstreams.get(target);
    if (u != null) {
      return target;
    }
    if (target.startsWith("unix:")) {
      return "localhost";
    }
    return target.endsWith(":80") || target.endsWith(":443")
        ? target.replaceAll(":[0-9]+$", "")
        : target;
  }

  private void responseHeaders(NginxScope sc, Map<String, String> set, List<String> remove) {
    for (NginxDirective d : sc.group(ADD_HEADER)) {
      used.accept(d);
      String name = d.arg(0) == null ? "" : d.arg(0);
      String value = d.arg(1) == null ? "" : d.arg(1);
      if (name.equalsIgnoreCase("Strict-Transport-Security")) {
        continue; // the TLS listener's hsts
      }
      if (value.contains("$")) {
        report.unsupported(
            d.source(), d.text(), "a header value with variables vxgate cannot fill in");
        continue;
      }
      set.put(name, value);
      if (!"always".equals(d.arg(2))) {
        report.approximated(
            d.source(), d.text(), "vxgate sets it on every response (nginx: 2xx and 3xx only)");
      }
    }
    for (NginxDirective d : sc.group(HIDE_HEADER)) {
      used.accept(d);
      if (d.arg(0) != null) {
        remove.add(d.arg(0));
      }
    }
  }

  /** {@code add_header Strict-Transport-Security "max-age=N..."} as the listener's {@code hsts}. */
  void hsts(Yaml.YMap listener, NginxDirective d) {
    used.accept(d);
    Matcher m = HSTS.matcher(d.arg(1) == null ? "" : d.arg(1));
    if (!m.matches()) {
      report.unsupported(d.source(), d.text(), "not a max-age vxgate can read");
      return;
    }
    listener.put("hsts", Long.parseLong(m.group(1)));
    if (m.group(2) != null && !m.group(2).isBlank()) {
      report.approximated(
          d.source(), d.text(), "hsts sends max-age only (" + m.group(2).trim() + " dropped)");
    }
  }

  private void timeouts(NginxScope sc, NginxUpstreams.Upstream u, Yaml.YMap extra) {
    time(sc, u, extra, "proxy_connect_timeout", "timeouts.connect");
    NginxDirective read = sc.get("proxy_read_timeout");
    String v = read == null ? null : positive(read);
    upstreams.want(u, "timeouts.response", v, read, extra, PlannedKey.ROUTE_TIMEOUTS);
    upstreams.want(u, "timeouts.idle", v, read, extra, PlannedKey.ROUTE_TIMEOUTS);
    NginxDirective send = sc.get("proxy_send_timeout");
    if (send != null) {
      used.accept(send);
      report.unsupported(
          send.source(),
          send.text(),
          "no timeout for writes to servers (the client's pauses are bounded by request-body-timeout)");
    }
  }

  private void time(
      NginxScope sc, NginxUpstreams.Upstream u, Yaml.YMap extra, String directive, String key) {
    NginxDirective d = sc.get(directive);
    upstreams.want(u, key, d == null ? null : positive(d), d, extra, PlannedKey.ROUTE_TIMEOUTS);
  }

  private @Nullable String positive(NginxDirective d) {
    used.accept(d);
    Duration t = d.arg(0) == null ? null : Units.nginxTime(d.arg(0));
    if (t == null || t.isZero()) {
      report.unsupported(d.source(), d.text(), "not a positive time");
      return null;
    }
    return Units.duration(t);
  }

  private void retries(NginxScope sc, NginxUpstreams.Upstream u, Yaml.YMap extra) {
    NginxDirective next = sc.get("proxy_next_upstream");
    List<String> on = null;
    boolean off = false;
    if (next != null) {
      used.accept(next);
      Set<String> out = new LinkedHashSet<>();
      for (String a : next.args()) {
        switch (a) {
          case "error" -> {
            out.add("connect-failure");
            out.add("reset");
          }
          case "timeout" -> out.add("timeout");
          case "invalid_header" -> out.add("reset");
          case "http_500", "http_502", "http_503", "http_504" -> out.add(a.substring(5));
          case "off" -> off = true;
          case "non_idempotent" ->
              report.approximated(
                  next.source(),
                  next.text(),
                  "vxgate retries POST and PATCH only when nothing was sent (non_idempotent dropped)");
          default ->
              report.unsupported(next.source(), next.text(), "vxgate does not retry on " + a);
        }
      }
      on = List.copyOf(out);
    }
    upstreams.want(
        u, "retry-on", off ? null : on, off ? null : next, extra, PlannedKey.ROUTE_RETRY_ON);
    NginxDirective tries = sc.get("proxy_next_upstream_tries");
    Integer retries = off ? Integer.valueOf(0) : null;
    if (tries != null) {
      used.accept(tries);
      String t = tries.arg(0) == null ? "" : tries.arg(0);
      if (t.matches("[0-9]{1,3}") && Integer.parseInt(t) > 0) {
        retries = Math.min(100, Integer.parseInt(t) - 1);
      }
    }
    upstreams.want(u, "retries", retries, off ? next : tries, extra, PlannedKey.ROUTE_RETRIES);
  }

  private void buffering(NginxScope sc, Yaml.YMap extra) {
    for (String[] b :
        new String[][] {{"proxy_buffering", "response"}, {"proxy_request_buffering", "request"}}) {
      NginxDirective d = sc.get(b[0]);
      if (d == null) {
        continue;
      }
      used.accept(d);
      if (PlannedKey.BUFFERING.available()) {
        if ("off".equals(d.arg(0))) {
          // on is vxgate's default, as nginx's
          extra.map("buffering").put(b[1], "off");
        }
      } else {
        report.planned(d.source(), d.text(), PlannedKey.BUFFERING);
      }
    }
  }

  private void misc(NginxScope sc, NginxUpstreams.Upstream u) {
    NginxDirective version = sc.get("proxy_http_version");
    if (version != null) {
      used.accept(version);
      if (!"1.1".equals(version.arg(0))) {
        report.approximated(version.source(), version.text(), "vxgate speaks HTTP/1.1 to servers");
      }
    }
    NginxDirective redirect = sc.get("proxy_redirect");
    if (redirect != null) {
      used.accept(redirect);
      if (!"off".equals(redirect.arg(0)) && !"default".equals(redirect.arg(0))) {
        report.unsupported(
            redirect.source(), redirect.text(), "vxgate does not rewrite Location headers");
      }
    }
    NginxDirective intercept = sc.get("proxy_intercept_errors");
    if (intercept != null) {
      used.accept(intercept);
      if ("on".equals(intercept.arg(0))) {
        report.unsupported(
            intercept.source(),
            intercept.text(),
            "error-pages replace only the gateway's own answers");
      }
    }
    NginxDirective verify = sc.get("proxy_ssl_verify");
    if (verify != null) {
      used.accept(verify);
    }
    if (u.https) {
      if (verify == null || "off".equals(verify.arg(0))) {
        Source at = verify != null ? verify.source() : u.source;
        report.approximated(
            at,
            verify != null ? verify.text() : "proxy_ssl_verify off (default)",
            "vxgate verifies the certificates of https servers (tls-verify: true)");
      }
      NginxDirective ca = sc.get("proxy_ssl_trusted_certificate");
      if (ca != null) {
        used.accept(ca);
        Path p = baseDir.resolve(ca.arg(0) == null ? "" : ca.arg(0));
        if (Files.isReadable(p)) {
          u.body.put("tls-ca", p.toAbsolutePath().normalize().toString());
        } else {
          report.unsupported(ca.source(), ca.text(), "file not found here: " + p);
        }
      }
    }
  }
}
