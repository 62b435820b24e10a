package io.vxgate.admin.importer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.Comparator;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Translates parsed nginx directives into a vxgate config: {@code upstream} blocks into upstreams,
 * {@code listen} addresses into listeners, and each {@code server}'s rewrite phase, locations and
 * access rules into routes (docs/migrating.md). Whatever is not translated exactly is noted in the
 * {@link Report}.
 */
final class NginxTranslator {

  private final Report report;
  private final Path baseDir;
  private final Set<NginxDirective> used = Collections.newSetFromMap(new IdentityHashMap<>());
  private final NginxUpstreams upstreams;
  private final NginxConditions conditions;
  private final NginxProxy proxy;
  private final Output out = new Output();
  private final List<NginxServer> servers = new ArrayList<>();

  NginxTranslator(Report report, Path baseDir) {
    this.report = report;
    this.baseDir = baseDir;
    this.upstreams = new NginxUpstreams(report, used::add);
    this.conditions = new NginxConditions(report, used::add, baseDir);
    this.proxy = new NginxProxy(report, used::add, upstreams, conditions, baseDir);
  }

  Output translate(List<NginxDirective> top) {
    List<NginxDirective> http = new ArrayList<>();
    for (NginxDirective d : top) {
      if (d.name().equals("http") && d.isBlock()) {
        used.add(d);
        http.addAll(d.block());
      }
    }
    boolean snippet = http.isEmpty();
    NginxScope httpScope = new NginxScope(null, snippet ? top : http);
    for (NginxDirective d : httpScope.own()) {
      switch (d.name()) {
        case "upstream" -> {
          if (d.isBlock()) {
            upstreams.read(d);
          }
        }
        case "map", "geo" -> {
          if (d.isBlock()) {
            conditions.define(d);
          }
        }
        case "geoip_country", "geoip2" -> conditions.geoip(d);
        case "set_real_ip_from" -> {
          used.add(d);
          String net = d.arg(0) == null ? "" : d.arg(0);
          if (Cidrs.parse(net) != null) {
            out.trustedProxy(net);
          } else {
            report.unsupported(d.source(), d.text(), "not an address or network");
          }
        }
        case "real_ip_header" -> realIpHeader(d);
        case "real_ip_recursive" -> {
          used.add(d);
          if (!"on".equals(d.arg(0))) {
            report.approximated(
                d.source(),
                d.text(),
                "vxgate walks X-Forwarded-For past every trusted proxy (real_ip_recursive on)");
          }
        }
        default -> {}
      }
    }
    int i = 0;
    for (NginxDirective d : httpScope.own()) {
      if (d.name().equals("server") && d.isBlock()) {
        used.add(d);
        servers.add(server(d, httpScope, i++));
      }
    }
    new NginxListeners(report, used::add, proxy, baseDir).write(servers, out);
    new NginxAccessLog(report, used::add).write(httpScope, servers, out);
    routes();
    upstreams.write(out, new Names());
    if (conditions.geoipDatabase() != null
        && out.routes().stream().anyMatch(r -> r.match().country() != null)) {
      out.geoip(conditions.geoipDatabase());
    }
    errorPages(httpScope);
    unused(top);
    return out;
  }

  private void realIpHeader(NginxDirective d) {
    used.add(d);
    String h = d.arg(0) == null ? "" : d.arg(0);
    if (h.equalsIgnoreCase("X-Real-IP")) {
      report.approximated(
          d.source(), d.text(), "vxgate reads the client address from X-Forwarded-For");
    } else if (!h.equalsIgnoreCase("X-Forwarded-For")) {
      report.unsupported(
          d.source(), d.text(), "vxgate reads the client address from X-Forwarded-For only");
    }
  }

  // ---- servers

  private NginxServer server(NginxDirective block, NginxScope http, int index) {
    NginxScope scope = new NginxScope(http, block.children());
    NginxServer s = new NginxServer(block, scope, index);
    boolean sslOn = false;
    for (NginxDirective d : block.children()) {
      switch (d.name()) {
        case "ssl" -> {
          used.add(d);
          sslOn = "on".equals(d.arg(0));
        }
        case "listen" -> listen(s, d);
        case "server_name" -> names(s, d);
        case "location" -> {
          String name = d.arg(0);
          if (name != null && name.startsWith("@") && d.isBlock()) {
            s.named.put(
                name,
                new NginxLocation(
                    d,
                    new NginxScope(scope, d.children()),
                    name.substring(1),
                    NginxLocations.Kind.PREFIX,
                    "/"));
            continue;
          }
          NginxLocations.Loc<NginxLocation> l = location(d, scope);
          if (l != null) {
            s.locations.add(l);
          }
        }
        default -> {}
      }
    }
    if (s.listens.isEmpty()) {
      s.listens.add(new NginxServer.Listen("0.0.0.0", 80, false, false, block));
    }
    if (sslOn) {
      // the old "ssl on;": every address of the server speaks TLS
      s.listens.replaceAll(
          l -> new NginxServer.Listen(l.host(), l.port(), true, l.defaultServer(), l.directive()));
    }
    s.httpsRedirect = NginxRedirects.httpsIdiom(s, report);
    return s;
  }

  private void listen(NginxServer s, NginxDirective d) {
    used.add(d);
    String a = d.arg(0) == null ? "" : d.arg(0);
    if (a.startsWith("unix:")) {
      report.unsupported(d.source(), d.text(), "vxgate listens on TCP ports only");
      return;
    }
    String host;
    String port;
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      host = a.substring(1, close);
      port = close + 2 <= a.length() ? a.substring(close + 2) : "80";
      host = host.equals("::") ? "::" : host;
    } else if (a.matches("[0-9]+")) {
      host = "*";
      port = a;
    } else if (a.contains(":")) {
      host = a.substring(0, a.lastIndexOf(':'));
      port = a.substring(a.lastIndexOf(':') + 1);
    } else {
      host = a;
      port = "80";
    }
    if (host.equals("*")) {
      host = "0.0.0.0";
    }
    if (!port.matches("[0-9]{1,5}")
        || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      report.unsupported(d.source(), d.text(), "not a port: " + port);
      return;
    }
    boolean ssl = false;
    boolean def = false;
    for (String p : d.args().subList(1, d.args().size())) {
      switch (p.replaceAll("=.*", "")) {
        case "ssl" -> ssl = true;
        case "default_server", "default" -> def = true;
        case "http2" -> {}
        case "ipv6only",
            "reuseport",
            "backlog",
            "rcvbuf",
            "sndbuf",
            "deferred",
            "bind",
            "so_keepalive",
            "fastopen",
            "accept_filter",
            "setfib" -> {}
        case "quic", "http3" ->
            report.unsupported(d.source(), d.text(), "vxgate does not speak HTTP/3 (QUIC)");
        case "proxy_protocol" ->
            report.unsupported(d.source(), d.text(), "vxgate does not read the PROXY protocol");
        default -> report.unsupported(d.source(), d.text(), "listen parameter " + p);
      }
    }
    s.listens.add(new NginxServer.Listen(host, Integer.parseInt(port), ssl, def, d));
  }

  private void names(NginxServer s, NginxDirective d) {
    used.add(d);
    for (String n : d.args()) {
      if (n.isEmpty() || n.equals("_") || n.equals("\"\"")) {
        continue;
      }
      if (n.startsWith("~")) {
        String re = NginxConditions.java(n.substring(1), false);
        if (re == null) {
          report.unsupported(
              d.source(), d.text(), "server name " + n + " does not compile in Java");
        } else {
          s.names.add(new NginxServer.Name(NginxServer.NameKind.REGEX, re));
        }
      } else if (n.startsWith("$")) {
        report.unsupported(d.source(), d.text(), "server name " + n);
      } else {
        String l = n.toLowerCase(Locale.ROOT);
        if (l.startsWith("*.")) {
          s.names.add(new NginxServer.Name(NginxServer.NameKind.WILDCARD_START, l.substring(2)));
        } else if (l.startsWith(".")) {
          s.names.add(new NginxServer.Name(NginxServer.NameKind.EXACT, l.substring(1)));
          s.names.add(new NginxServer.Name(NginxServer.NameKind.WILDCARD_START, l.substring(1)));
        } else if (l.endsWith(".*")) {
          s.names.add(
              new NginxServer.Name(
                  NginxServer.NameKind.WILDCARD_END, l.substring(0, l.length() - 2)));
        } else {
          s.names.add(new NginxServer.Name(NginxServer.NameKind.EXACT, l));
        }
      }
    }
  }

  private NginxLocations.@Nullable Loc<NginxLocation> location(
      NginxDirective d, NginxScope parent) {
    used.add(d);
    if (!d.isBlock() || d.args().isEmpty()) {
      report.unsupported(d.source(), d.text(), "a location without a block");
      return null;
    }
    String first = d.args().get(0);
    NginxLocations.@Nullable Kind kind;
    String pattern;
    if (d.args().size() == 2) {
      kind =
          switch (first) {
            case "=" -> NginxLocations.Kind.EXACT;
            case "^~" -> NginxLocations.Kind.NOREGEX;
            case "~" -> NginxLocations.Kind.REGEX;
            case "~*" -> NginxLocations.Kind.REGEX_I;
            default -> null;
          };
      pattern = d.args().get(1);
    } else if (first.startsWith("@")) {
      report.unsupported(
          d.source(),
          "location " + first,
          "a named location is reached only from try_files or error_page, which are not translated");
      for (NginxDirective inner : d.children()) {
        used.add(inner);
      }
      return null;
    } else if (first.startsWith("=") && first.length() > 1) {
      kind = NginxLocations.Kind.EXACT;
      pattern = first.substring(1);
    } else if (first.startsWith("~*")) {
      kind = NginxLocations.Kind.REGEX_I;
      pattern = first.substring(2);
    } else if (first.startsWith("~")) {
      kind = NginxLocations.Kind.REGEX;
      pattern = first.substring(1);
    } else if (first.startsWith("^~")) {
      kind = NginxLocations.Kind.NOREGEX;
      pattern = first.substring(2);
    } else {
      kind = NginxLocations.Kind.PREFIX;
      pattern = first;
    }
    if (kind == null) {
      report.unsupported(d.source(), d.text(), "location modifier " + first);
      return null;
    }
    if (kind.regex()) {
      String j = NginxConditions.java(pattern, false);
      if (j == null) {
        report.unsupported(d.source(), d.text(), "the regular expression does not compile in Java");
        return null;
      }
      pattern = j;
    }
    NginxScope scope = new NginxScope(parent, d.children());
    String label = label(kind, pattern);
    List<NginxLocations.Loc<NginxLocation>> children = new ArrayList<>();
    NginxLocation info = new NginxLocation(d, scope, label, kind, pattern);
    for (NginxDirective inner : d.children()) {
      if (inner.name().equals("location")) {
        NginxLocations.Loc<NginxLocation> c = location(inner, scope);
        if (c != null) {
          children.add(c);
        }
      }
    }
    boolean autoRedirect =
        pattern.endsWith("/") && !kind.regex() && !scope.here("proxy_pass").isEmpty();
    return new NginxLocations.Loc<>(kind, pattern, autoRedirect, children, info);
  }

  private static String label(NginxLocations.Kind kind, String pattern) {
    if (kind.regex()) {
      String words = pattern.replaceAll("[^A-Za-z0-9]+", "-").replaceAll("^-|-$", "");
      return "re-" + (words.isEmpty() ? "x" : words.length() > 24 ? words.substring(0, 24) : words);
    }
    String p = pattern.replaceAll("^/+|/+$", "");
    return (kind == NginxLocations.Kind.EXACT ? "is-" : "") + (p.isEmpty() ? "root" : p);
  }

  // ---- routes

  private void routes() {
    List<NginxServer> serving = new ArrayList<>();
    for (NginxServer s : servers) {
      if (s.httpsRedirect == null
          || s.httpsRedirect.onlyPlain()
          || !NginxListeners.redirectOnly(s, servers)) {
        serving.add(s);
      }
    }
    if (serving.isEmpty()) {
      return;
    }
    NginxServer fallback = defaultServer(serving);
    // each server's routes, in the order of serving
    List<Decision> decisions = new ArrayList<>();
    for (NginxServer s : serving) {
      decisions.add(new NginxRoutes(report, used::add, proxy, conditions, s).decision());
    }
    // nginx's order of name precedence: exact, longest *.suffix, longest prefix.*, regexes (in
    // file order: the sort is stable)
    List<Named> hosts = new ArrayList<>();
    for (int i = 0; i < serving.size(); i++) {
      NginxServer s = serving.get(i);
      for (NginxServer.Name n : s.names) {
        hosts.add(new Named(n, s, decisions.get(i)));
      }
    }
    hosts.sort(
        Comparator.comparing((Named h) -> h.name().kind())
            .thenComparingInt(
                h ->
                    h.name().kind() == NginxServer.NameKind.REGEX
                        ? 0
                        : -h.name().value().length()));
    Map<String, NginxServer> exactOwner = new LinkedHashMap<>();
    for (Named h : hosts) {
      NginxServer.Name n = h.name();
      NginxServer s = h.server();
      if (n.kind() == NginxServer.NameKind.EXACT) {
        NginxServer owner = exactOwner.putIfAbsent(n.value(), s);
        if (owner != null && owner != s) {
          report.approximated(
              s.block.source(),
              "server_name " + n.value(),
              "vxgate routes do not depend on the listener: requests for "
                  + n.value()
                  + " get the routes of the server at "
                  + owner.block.source());
          continue;
        }
      }
      if (s == fallback && !needsOwnHostRoutes(n, s, hosts)) {
        continue;
      }
      emit(h.routes(), n.match(), s);
    }
    emit(decisions.get(serving.indexOf(fallback)), Match.ANY, fallback);
  }

  /** A server name, its server and the server's routes. */
  private record Named(NginxServer.Name name, NginxServer server, Decision routes) {}

  /** Whether a name of the default server must get routes of its own before others' names. */
  private static boolean needsOwnHostRoutes(NginxServer.Name n, NginxServer s, List<Named> hosts) {
    for (Named h : hosts) {
      NginxServer.Name other = h.name();
      if (h.server() == s) {
        continue;
      }
      if (n.kind() == NginxServer.NameKind.EXACT) {
        if (other.kind() != NginxServer.NameKind.EXACT && other.matches(n.value())) {
          return true;
        }
      } else {
        return true;
      }
    }
    return false;
  }

  private void emit(Decision d, Match host, NginxServer s) {
    for (Decision.Flat f : d.flatten(host)) {
      out.route(NginxRedirects.resolveHost(f, s, report));
    }
  }

  /**
   * nginx's default server: of the first listener, the one marked default_server, else the first.
   */
  private NginxServer defaultServer(List<NginxServer> serving) {
    for (NginxServer s : serving) {
      for (NginxServer.Listen l : s.listens) {
        if (l.defaultServer()) {
          return s;
        }
      }
    }
    return serving.get(0);
  }

  // ---- error pages

  private void errorPages(NginxScope http) {
    List<NginxScope> scopes = new ArrayList<>();
    scopes.add(http);
    for (NginxServer s : servers) {
      scopes.add(s.scope);
    }
    for (NginxScope sc : scopes) {
      for (NginxDirective d : sc.here("error_page")) {
        used.add(d);
        List<String> a = d.args();
        String target = a.isEmpty() ? "" : a.get(a.size() - 1);
        if (!target.startsWith("/") || a.stream().anyMatch(x -> x.startsWith("="))) {
          report.unsupported(
              d.source(), d.text(), "vxgate error pages are files for the gateway's own answers");
          continue;
        }
        Path file = errorFile(sc, target);
        if (file == null) {
          report.unsupported(
              d.source(),
              d.text(),
              "the page " + target + " was not found under the location's root: left out");
          continue;
        }
        for (String code : a.subList(0, a.size() - 1)) {
          if (code.matches("[45][0-9][0-9]")) {
            out.errorPage(Integer.parseInt(code), file.toString());
          }
        }
        report.approximated(
            d.source(),
            d.text(),
            "error-pages apply to every server and to the gateway's own answers (502, 503, 504,"
                + " 404 without a route)");
      }
    }
  }

  private @Nullable Path errorFile(NginxScope server, String uri) {
    for (NginxServer s : servers) {
      if (s.scope != server) {
        continue;
      }
      NginxLocations.Outcome<NginxLocation> o = NginxLocations.find(s.locations, uri);
      if (o instanceof NginxLocations.Select<NginxLocation> sel) {
        NginxDirective root = sel.location().payload().scope().get("root");
        NginxDirective alias = sel.location().payload().scope().get("alias");
        Path p = null;
        if (root != null) {
          p = baseDir.resolve(root.arg(0)).resolve(uri.substring(1));
        } else if (alias != null) {
          p = baseDir.resolve(alias.arg(0));
        }
        if (p != null && Files.isRegularFile(p) && Files.isReadable(p)) {
          return p.toAbsolutePath().normalize();
        }
      }
    }
    return null;
  }

  // ---- what nothing took

  private void unused(List<NginxDirective> ds) {
    for (NginxDirective d : ds) {
      if (!used.contains(d)) {
        if (d.name().equals("location") && d.arg(0) != null && d.arg(0).startsWith("@")) {
          report.unsupported(
              d.source(), d.text(), "a named location reached from nothing that is translated");
        } else if (d.name().equals("map") || d.name().equals("geo")) {
          report.ignored(d.source(), d.text(), "its variable is used by no translated directive");
        } else if (Set.of("ssl_protocols", "ssl_ciphers", "ssl_certificate", "ssl_certificate_key")
            .contains(d.name())) {
          report.ignored(d.source(), d.text(), "no translated TLS listener uses it");
        } else if (d.name().startsWith("proxy_")
            && !d.name().equals("proxy_pass")
            && !NginxCatalog.knows(d.name())) {
          report.ignored(d.source(), d.text(), "no translated location proxies with it");
        } else {
          NginxCatalog.report(report, d);
        }
        continue;
      }
      if (d.isBlock()) {
        unused(d.children());
      }
    }
  }
}
