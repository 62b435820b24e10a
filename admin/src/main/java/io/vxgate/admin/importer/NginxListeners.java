package io.vxgate.admin.importer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * vxgate listeners from nginx {@code listen} addresses: one per address and port (a wildcard takes
 * every address of its port), TLS with the certificates of every server on it, {@code
 * redirect-https} where every server on a plain port redirects to https, and the client limits.
 */
final class NginxListeners {
  private final Report report;
  private final Consumer<NginxDirective> used;
  private final NginxProxy proxy;
  private final Path baseDir;

  NginxListeners(Report report, Consumer<NginxDirective> used, NginxProxy proxy, Path baseDir) {
    this.report = report;
    this.used = used;
    this.proxy = proxy;
    this.baseDir = baseDir;
  }

  /** The listeners of one address (or wildcard) and port. */
  private static final class Group {
    final int port;
    final Set<String> hosts = new LinkedHashSet<>();
    final List<NginxServer.Listen> listens = new ArrayList<>();
    final Set<NginxServer> servers = new LinkedHashSet<>();

    Group(int port) {
      this.port = port;
    }

    boolean ssl() {
      return listens.stream().anyMatch(NginxServer.Listen::ssl);
    }

    String bind() {
      boolean v4 = hosts.contains("0.0.0.0");
      boolean v6 = hosts.contains("::");
      String host =
          v6
              ? "[::]"
              : v4
                  ? "0.0.0.0"
                  : hosts.iterator().next().contains(":")
                      ? "[" + hosts.iterator().next() + "]"
                      : hosts.iterator().next();
      return host + ":" + port;
    }
  }

  /** Whether every plain listener of {@code s} redirects to https (so it needs no routes). */
  static boolean redirectOnly(NginxServer s, List<NginxServer> all) {
    if (s.httpsRedirect == null || s.listensTls()) {
      return false;
    }
    for (NginxServer.Listen l : s.listens) {
      for (NginxServer o : all) {
        boolean shares = o.listens.stream().anyMatch(x -> x.port() == l.port() && !x.ssl());
        if (shares && o.httpsRedirect == null) {
          return false;
        }
      }
    }
    return true;
  }

  void write(List<NginxServer> servers, Output out) {
    Map<String, Group> groups = new LinkedHashMap<>();
    Set<Integer> wildcardPorts = new LinkedHashSet<>();
    for (NginxServer s : servers) {
      for (NginxServer.Listen l : s.listens) {
        if (l.host().equals("0.0.0.0") || l.host().equals("::")) {
          wildcardPorts.add(l.port());
        }
      }
    }
    for (NginxServer s : servers) {
      for (NginxServer.Listen l : s.listens) {
        boolean wild = wildcardPorts.contains(l.port());
        String key = wild ? "*:" + l.port() : l.bind();
        Group g = groups.computeIfAbsent(key, k -> new Group(l.port()));
        if (wild && !l.host().equals("0.0.0.0") && !l.host().equals("::")) {
          report.approximated(
              l.directive().source(),
              l.directive().text(),
              "vxgate binds one address per port: the wildcard listener of port "
                  + l.port()
                  + " takes this address too");
        } else {
          g.hosts.add(l.host());
        }
        if (g.hosts.isEmpty()) {
          g.hosts.add("0.0.0.0");
        }
        g.listens.add(l);
        g.servers.add(s);
      }
    }
    Set<String> names = new LinkedHashSet<>();
    for (Group g : groups.values()) {
      listener(g, out, names);
    }
    if (out.listeners().isEmpty()) {
      out.noListeners();
    }
  }

  private void listener(Group g, Output out, Set<String> names) {
    boolean ssl = g.ssl();
    String name =
        (ssl ? "https-" : "http-")
            + (g.bind().startsWith("0.0.0.0") || g.bind().startsWith("[::]")
                ? ""
                : Names.sanitize(g.bind().replaceAll(":[0-9]+$", "")) + "-")
            + g.port;
    if (!names.add(name)) {
      return;
    }
    Yaml.YMap l = new Yaml.YMap().put("name", name).put("bind", g.bind());
    NginxServer first = g.servers.iterator().next();
    String comment = g.listens.get(0).directive().source().toString();
    List<NginxServer.RedirectIdiom> idioms = new ArrayList<>();
    for (NginxServer s : g.servers) {
      if (s.httpsRedirect != null) {
        idioms.add(s.httpsRedirect);
      }
    }
    if (!ssl && idioms.size() == g.servers.size()) {
      NginxServer.RedirectIdiom r = idioms.get(0);
      l.put("redirect-https", r.port());
      for (NginxServer.RedirectIdiom ri : idioms) {
        for (NginxDirective d : ri.directives()) {
          used.accept(d);
          d.children().forEach(used);
        }
        NginxDirective last = ri.directives().get(ri.directives().size() - 1);
        if (last.name().equals("return") && !last.text().contains("https://")) {
          report.approximated(
              last.source(),
              last.text(),
              "every request on " + g.bind() + " is redirected to https (redirect-https)");
        }
        if (ri.status() != 301 && !ri.onlyPlain()) {
          report.approximated(
              ri.directives().get(0).source(),
              ri.directives().get(0).text(),
              "redirect-https answers 301");
        }
        if (ri.port() != r.port()) {
          report.approximated(
              ri.directives().get(0).source(),
              ri.directives().get(0).text(),
              "redirect-https goes to port " + r.port() + " for every server on " + g.bind());
        }
      }
      out.listener(name, l, comment);
      return;
    }
    NginxServer def = first;
    for (NginxServer.Listen li : g.listens) {
      if (li.defaultServer()) {
        for (NginxServer s : g.servers) {
          if (s.listens.contains(li)) {
            def = s;
          }
        }
      }
    }
    NginxScope scope = def.scope;
    timeout(l, scope, "client_header_timeout", "request-header-timeout");
    timeout(l, scope, "client_body_timeout", "request-body-timeout");
    l.put("max-request-body", maxBody(g));
    for (NginxServer s : g.servers) {
      planned(l, s.scope.get("keepalive_timeout"), PlannedKey.LISTENER_KEEPALIVE_TIMEOUT, true);
      planned(l, s.scope.get("keepalive_requests"), PlannedKey.LISTENER_KEEPALIVE_REQUESTS, false);
      planned(l, s.scope.get("send_timeout"), PlannedKey.LISTENER_CLIENT_TIMEOUT, true);
    }
    NginxDirective headerBuffers = scope.get("large_client_header_buffers");
    if (headerBuffers != null) {
      used.accept(headerBuffers);
      String size = Units.size(headerBuffers.arg(1) == null ? "" : headerBuffers.arg(1));
      Long n =
          headerBuffers.arg(0) != null && headerBuffers.arg(0).matches("[0-9]{1,4}")
              ? Long.parseLong(headerBuffers.arg(0))
              : null;
      if (size != null && n != null) {
        long total = Math.min(1 << 20, Math.max(1024, n * Units.bytes(size)));
        l.put("max-header-size", total % 1024 == 0 ? total / 1024 + "k" : String.valueOf(total));
        report.approximated(
            headerBuffers.source(),
            headerBuffers.text(),
            "max-header-size bounds the whole request head (" + l.get("max-header-size") + ")");
      }
    }
    if (ssl) {
      if (!tls(l, g)) {
        return;
      }
    }
    out.listener(name, l, comment);
  }

  private void timeout(Yaml.YMap l, NginxScope scope, String directive, String key) {
    NginxDirective d = scope.get(directive);
    if (d == null) {
      return;
    }
    used.accept(d);
    Duration t = d.arg(0) == null ? null : Units.nginxTime(d.arg(0));
    if (t == null || t.isZero()) {
      report.unsupported(d.source(), d.text(), "not a positive time");
      return;
    }
    l.put(key, Units.duration(t));
  }

  private void planned(Yaml.YMap l, @Nullable NginxDirective d, PlannedKey key, boolean time) {
    if (d == null) {
      return;
    }
    used.accept(d);
    if (!key.available()) {
      report.planned(d.source(), d.text(), key);
      return;
    }
    String v = d.arg(0) == null ? "" : d.arg(0);
    Object value = null;
    if (time) {
      Duration t = Units.nginxTime(v);
      if (t != null && !(t.isZero() && key == PlannedKey.LISTENER_CLIENT_TIMEOUT)) {
        value = Units.duration(t);
      }
    } else if (v.matches("[0-9]{1,9}")) {
      value = Integer.parseInt(v);
    }
    if (value == null) {
      report.unsupported(d.source(), d.text(), "not a value vxgate can read");
      return;
    }
    Object set = l.get(key.field());
    if (set == null) {
      l.put(key.field(), value);
    } else if (!set.equals(value)) {
      report.approximated(
          d.source(),
          d.text(),
          key.field()
              + " is per listener: "
              + set
              + " (the first server's on "
              + l.get("bind")
              + ")");
    }
  }

  /** The largest client_max_body_size of the servers and locations on a listener. */
  private @Nullable String maxBody(Group g) {
    List<NginxDirective> found = new ArrayList<>();
    boolean defaulted = false;
    for (NginxServer s : g.servers) {
      List<NginxScope> scopes = new ArrayList<>();
      scopes.add(s.scope);
      collect(s.locations, scopes);
      for (NginxScope sc : scopes) {
        NginxDirective d = sc.get("client_max_body_size");
        if (d == null) {
          defaulted = true;
        } else if (!found.contains(d)) {
          found.add(d);
        }
      }
    }
    long max = -1;
    String text = null;
    Set<Long> values = new LinkedHashSet<>();
    if (defaulted) {
      values.add(1L << 20);
      max = 1L << 20;
      text = "1m";
    }
    for (NginxDirective d : found) {
      used.accept(d);
      String v = d.arg(0) == null ? null : Units.size(d.arg(0));
      if (v == null) {
        report.unsupported(d.source(), d.text(), "not a size");
        continue;
      }
      long b = Units.bytes(v);
      if (b == 0) {
        b = Long.MAX_VALUE;
      }
      values.add(b);
      if (b > max) {
        max = b;
        text = b == Long.MAX_VALUE ? "0" : v;
      }
    }
    if (values.size() > 1) {
      for (NginxDirective d : found) {
        report.approximated(
            d.source(),
            d.text(),
            "max-request-body is per listener: " + text + " (the largest on " + g.bind() + ")");
      }
    }
    return text;
  }

  private static void collect(List<NginxLocations.Loc<NginxLocation>> locs, List<NginxScope> out) {
    for (NginxLocations.Loc<NginxLocation> l : locs) {
      out.add(l.payload().scope());
      collect(l.children(), out);
    }
  }

  /** The TLS settings; false (with a note) when no certificate can be used. */
  private boolean tls(Yaml.YMap l, Group g) {
    Yaml.YList certs = new Yaml.YList();
    Set<String> seen = new LinkedHashSet<>();
    // the first server's (listener() has read it: a group has one)
    NginxScope protocolsScope = g.servers.iterator().next().scope;
    for (NginxServer s : g.servers) {
      List<NginxDirective> cs = s.scope.group(Set.of("ssl_certificate"));
      List<NginxDirective> ks = s.scope.group(Set.of("ssl_certificate_key"));
      for (int i = 0; i < cs.size(); i++) {
        NginxDirective c = cs.get(i);
        NginxDirective k = i < ks.size() ? ks.get(i) : null;
        used.accept(c);
        if (k != null) {
          used.accept(k);
        }
        if (k == null || c.arg(0) == null || k.arg(0) == null || c.arg(0).contains("$")) {
          report.unsupported(
              c.source(), c.text(), "a certificate without its key, or with variables");
          continue;
        }
        Path cert = baseDir.resolve(c.arg(0)).toAbsolutePath().normalize();
        Path key = baseDir.resolve(k.arg(0)).toAbsolutePath().normalize();
        if (!Files.isReadable(cert) || !Files.isReadable(key)) {
          report.unsupported(
              c.source(),
              c.text(),
              "certificate or key file not found here (" + cert + ", " + key + ")");
          continue;
        }
        if (seen.add(cert + "|" + key)) {
          certs.add(new Yaml.YMap().put("cert", cert.toString()).put("key", key.toString()));
        }
      }
      NginxDirective hsts = null;
      for (NginxDirective h : s.scope.group(Set.of("add_header"))) {
        if ("Strict-Transport-Security".equalsIgnoreCase(h.arg(0))) {
          hsts = h;
        }
      }
      if (hsts != null) {
        proxy.hsts(l, hsts);
      }
    }
    if (certs.isEmpty()) {
      for (NginxServer s : g.servers) {
        for (String n : List.of("ssl_protocols", "ssl_ciphers")) {
          NginxDirective d = s.scope.get(n);
          if (d != null) {
            used.accept(d);
            report.ignored(d.source(), d.text(), "its TLS listener is left out");
          }
        }
      }
      NginxServer.Listen first = g.listens.get(0);
      report.unsupported(
          first.directive().source(),
          first.directive().text(),
          "no usable certificate: the TLS listener on " + g.bind() + " is left out");
      return false;
    }
    Yaml.YMap tls = new Yaml.YMap().put("certificates", certs);
    NginxDirective protocols = protocolsScope.get("ssl_protocols");
    if (protocols != null) {
      used.accept(protocols);
      TlsSettings.protocols(tls, protocols.args(), protocols.source(), protocols.text(), report);
    }
    NginxDirective tickets = protocolsScope.get("ssl_session_tickets");
    if (tickets != null && PlannedKey.TLS_SESSION_TICKETS.available()) {
      used.accept(tickets);
      if ("off".equals(tickets.arg(0))) {
        tls.put(PlannedKey.TLS_SESSION_TICKETS.field(), "off");
      }
    }
    NginxDirective ciphers = protocolsScope.get("ssl_ciphers");
    if (ciphers != null && ciphers.arg(0) != null) {
      used.accept(ciphers);
      TlsSettings.ciphers(tls, "ciphers", ciphers.arg(0), ciphers.source(), ciphers.text(), report);
    }
    l.put("tls", tls);
    return true;
  }
}
