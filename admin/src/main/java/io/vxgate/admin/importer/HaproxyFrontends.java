package io.vxgate.admin.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy {@code frontend} and {@code listen} sections as vxgate listeners and routes: each {@code
 * bind} a listener; then, in HAProxy's order of evaluation, the {@code http-request} rules that
 * answer ({@code redirect}, {@code deny}, {@code return}), the {@code redirect} rules, the {@code
 * use_backend} rules and {@code default_backend}, each with its ACL condition.
 */
final class HaproxyFrontends {
  /** Global settings that binds inherit. */
  /**
   * Global settings that binds inherit.
   *
   * @param versions {@code ssl-default-bind-options}' TLS versions: min, max and the excluded ones
   */
  record Global(
      @Nullable Path crtBase,
      List<String> versions,
      HaproxyConf.@Nullable Line versionsLine,
      HaproxyConf.@Nullable Line ciphers,
      HaproxyConf.@Nullable Line ciphersuites,
      boolean noTickets) {}

  /** HAProxy's TLS versions, oldest first. */
  static final List<String> VERSIONS = List.of("SSLv3", "TLSv1.0", "TLSv1.1", "TLSv1.2", "TLSv1.3");

  private final Report report;
  private final Consumer<HaproxyConf.Line> used;
  private final HaproxyBackends backends;
  private final Path baseDir;
  private final Global global;

  HaproxyFrontends(
      Report report,
      Consumer<HaproxyConf.Line> used,
      HaproxyBackends backends,
      Path baseDir,
      Global global) {
    this.report = report;
    this.used = used;
    this.backends = backends;
    this.baseDir = baseDir;
    this.global = global;
  }

  /** A bind address and whether it speaks TLS. */
  private record Bind(
      String bind, int port, boolean tls, Yaml.@Nullable YMap tlsKeys, HaproxyConf.Line line) {}

  /** The routes of one frontend, for ordering across frontends. */
  record Routes(HaproxyProxy proxy, Object decision) {}

  /** Writes the listeners of a frontend; returns its routes, or null when it needs none. */
  @Nullable Routes write(HaproxyProxy p, Output out) {
    HaproxyConf.Line mode = p.get("mode");
    if (mode != null) {
      used.accept(mode);
      if (mode.word(1) != null && !mode.word(1).equals("http")) {
        p.section.lines().forEach(used);
        report.unsupported(
            mode.source(),
            mode.text(),
            "vxgate proxies HTTP: " + p.kind() + " " + p.name() + " is left out");
        return null;
      }
    }
    if (stats(p)) {
      return null;
    }
    List<Bind> binds = new ArrayList<>();
    for (HaproxyConf.Line b : p.own("bind")) {
      used.accept(b);
      binds.addAll(binds(b));
    }
    boolean anyTls = binds.stream().anyMatch(Bind::tls);
    boolean anyPlain = binds.stream().anyMatch(b -> !b.tls());
    HaproxyConf.Line idiom = httpsIdiom(p, anyPlain && !anyTls);
    Boolean sslFc =
        (anyTls && !anyPlain)
            ? Boolean.TRUE
            : !anyTls ? Boolean.FALSE : (idiom != null ? Boolean.TRUE : null);
    for (Bind b : binds) {
      Yaml.YMap l = new Yaml.YMap();
      l.put("name", Names.sanitize(p.name() + (binds.size() > 1 ? "-" + b.port() : "")));
      l.put("bind", b.bind());
      if (!b.tls() && idiom != null) {
        l.put("redirect-https", 443);
      } else {
        listenerSettings(p, l);
        if (b.tls()) {
          l.put("tls", b.tlsKeys());
        }
      }
      out.listener((String) l.get("name"), l, b.line().source().toString());
    }
    if (idiom != null && !anyTls) {
      // every request on these listeners is redirected: no routes
      for (HaproxyConf.Line l : p.section.lines()) {
        if (l.keyword().equals("default_backend") || l.keyword().equals("use_backend")) {
          used.accept(l);
          report.ignored(
              l.source(), l.text(), "every request of this frontend is redirected to https");
        }
      }
      return null;
    }
    return new Routes(p, rules(p, sslFc, idiom));
  }

  /** {@code listen stats} and {@code stats ...} lines: the dashboard replaces them. */
  private boolean stats(HaproxyProxy p) {
    boolean onlyStats = true;
    boolean any = false;
    for (HaproxyConf.Line l : p.section.lines()) {
      if (l.keyword().equals("stats")) {
        used.accept(l);
        any = true;
        report.ignored(
            l.source(),
            l.text(),
            "the admin dashboard and /metrics replace HAProxy's stats page (docs/admin.md)");
      } else if (!List.of(
              "bind", "mode", "option", "timeout", "maxconn", "log", "acl", "http-request")
          .contains(l.keyword())) {
        onlyStats = false;
      }
    }
    if (any && onlyStats) {
      for (HaproxyConf.Line l : p.section.lines()) {
        if (!l.keyword().equals("stats")) {
          used.accept(l);
        }
      }
      report.ignored(
          p.section.head().source(),
          p.section.head().text(),
          "a stats page only: the admin dashboard replaces it");
      return true;
    }
    return false;
  }

  private List<Bind> binds(HaproxyConf.Line b) {
    List<Bind> out = new ArrayList<>();
    String addrs = b.word(1);
    if (addrs == null) {
      report.unsupported(b.source(), b.text(), "bind without an address");
      return out;
    }
    List<String> params = b.words().subList(2, b.words().size());
    boolean ssl = params.contains("ssl");
    Yaml.YMap tls = ssl ? tls(b, params) : null;
    if (ssl && tls == null) {
      return out;
    }
    // String.split drops a trailing empty element: a trailing comma adds no address
    @SuppressWarnings("StringSplitter")
    String[] addresses = addrs.split(",");
    for (String a : addresses) {
      String x = a;
      if (x.startsWith("ipv4@") || x.startsWith("ipv6@")) {
        x = x.substring(5);
      }
      if (x.contains("@") || x.startsWith("/")) {
        report.unsupported(b.source(), b.text(), "vxgate listens on TCP ports only");
        continue;
      }
      int colon = x.lastIndexOf(':');
      String host = colon < 0 ? "" : x.substring(0, colon);
      String port = colon < 0 ? x : x.substring(colon + 1);
      if (!port.matches("[0-9]{1,5}")
          || Integer.parseInt(port) < 1
          || Integer.parseInt(port) > 65535) {
        report.unsupported(
            b.source(), b.text(), "port " + port + " (vxgate binds one port per listener)");
        continue;
      }
      if (host.isEmpty() || host.equals("*") || host.equals("0.0.0.0")) {
        host = "0.0.0.0";
      } else if (host.equals("::") || host.equals("[::]")) {
        host = "[::]";
      } else if (host.contains(":") && !host.startsWith("[")) {
        host = "[" + host + "]";
      }
      out.add(new Bind(host + ":" + port, Integer.parseInt(port), ssl, tls, b));
    }
    for (int i = 0; i < params.size(); i++) {
      String k = params.get(i);
      switch (k) {
        case "accept-proxy" ->
            report.unsupported(b.source(), b.text(), "vxgate does not read the PROXY protocol");
        case "verify", "ca-file", "crl-file" -> {
          i++;
          if (k.equals("verify") && !"none".equals(i < params.size() ? params.get(i) : "")) {
            report.unsupported(b.source(), b.text(), "no client-certificate authentication");
          }
        }
        case "proto" -> {
          i++;
          report.unsupported(b.source(), b.text(), "vxgate speaks HTTP/2 over TLS only (no h2c)");
        }
        case "maxconn" -> {
          i++;
          report.approximated(
              b.source(),
              b.text(),
              "maxconn per bind: use the frontend's maxconn (listener max-connections)");
        }
        case "crt",
            "alpn",
            "ssl-min-ver",
            "ssl-max-ver",
            "ciphers",
            "ciphersuites",
            "curves",
            "ecdhe",
            "name",
            "id",
            "process",
            "thread",
            "interface",
            "mss",
            "backlog",
            "nice",
            "tcp-ut",
            "npn",
            "crt-ignore-err",
            "ca-ignore-err",
            "severity-output",
            "label",
            "mode",
            "user",
            "group",
            "uid",
            "gid",
            "level",
            "expose-fd",
            "sigalgs",
            "client-sigalgs",
            "namespace",
            "guid-prefix" ->
            i++;
        default -> {}
      }
    }
    return out;
  }

  /** The TLS keys of a bind with {@code ssl}; null (with a note) when no certificate is usable. */
  private Yaml.@Nullable YMap tls(HaproxyConf.Line b, List<String> params) {
    Yaml.YList certs = new Yaml.YList();
    // [min, max] and the versions switched off, from the global defaults then the bind
    List<String> versions = new ArrayList<>(global.versions());
    boolean ownVersions = false;
    String ciphers = null;
    String ciphersuites = null;
    boolean noTickets = global.noTickets() || params.contains("no-tls-tickets");
    for (int i = 0; i < params.size(); i++) {
      String k = params.get(i);
      String v = i + 1 < params.size() ? params.get(i + 1) : "";
      switch (k) {
        case "crt" -> {
          i++;
          Path base =
              global.crtBase() != null && !Path.of(v).isAbsolute() ? global.crtBase() : baseDir;
          Path p = base.resolve(v).toAbsolutePath().normalize();
          for (Path f : certificateFiles(p)) {
            Path key = pemHasKey(f) ? f : f.resolveSibling(f.getFileName() + ".key");
            if (!Files.isReadable(key)) {
              key = f;
            }
            certs.add(new Yaml.YMap().put("cert", f.toString()).put("key", key.toString()));
          }
          if (certificateFiles(p).isEmpty()) {
            report.unsupported(b.source(), b.text(), "certificate not found here: " + p);
          }
        }
        case "crt-list" -> {
          i++;
          report.unsupported(b.source(), b.text(), "crt-list: list the certificates with crt");
        }
        case "alpn" -> {
          i++;
          if (!v.contains("h2")) {
            report.approximated(
                b.source(), b.text(), "vxgate offers h2 and http/1.1 on every TLS listener");
          }
        }
        case "ssl-min-ver", "ssl-max-ver" -> {
          i++;
          versions = versions(versions, k, v);
          ownVersions = true;
        }
        case "no-sslv3", "no-tlsv10", "no-tlsv11", "no-tlsv12", "no-tlsv13" -> {
          versions = versions(versions, k, null);
          ownVersions = true;
        }
        case "ciphers" -> ciphers = params.get(++i);
        case "ciphersuites" -> ciphersuites = params.get(++i);
        default -> {}
      }
    }
    if (certs.isEmpty()) {
      report.unsupported(
          b.source(), b.text(), "no usable certificate: this TLS listener is left out");
      return null;
    }
    Yaml.YMap t = new Yaml.YMap().put("certificates", certs);
    HaproxyConf.Line versionsAt = ownVersions ? b : global.versionsLine();
    List<String> accepted = accepted(versions);
    if (versionsAt != null && !accepted.equals(List.of("TLSv1.2", "TLSv1.3"))) {
      used.accept(versionsAt);
      TlsSettings.protocols(
          t,
          accepted.stream().map(x -> x.equals("TLSv1.0") ? "TLSv1" : x).toList(),
          versionsAt.source(),
          versionsAt.text(),
          report);
    }
    if (noTickets && PlannedKey.TLS_SESSION_TICKETS.available()) {
      t.put(PlannedKey.TLS_SESSION_TICKETS.field(), "off");
    }
    cipherList(t, "ciphers", ciphers, b, global.ciphers());
    cipherList(t, "ciphersuites", ciphersuites, b, global.ciphersuites());
    return t;
  }

  private void cipherList(
      Yaml.YMap t,
      String key,
      @Nullable String own,
      HaproxyConf.Line bind,
      HaproxyConf.@Nullable Line global) {
    String value = own != null ? own : global == null ? null : global.word(1);
    HaproxyConf.Line at = own != null ? bind : global;
    if (at == null || value == null) {
      return;
    }
    used.accept(at);
    TlsSettings.ciphers(t, key, value, at.source(), at.text(), report);
  }

  /**
   * The version state after one option: element 0 the minimum, 1 the maximum, then the versions
   * switched off ({@code no-tlsv11} and the like).
   */
  static List<String> versions(List<String> state, String option, @Nullable String value) {
    List<String> out = new ArrayList<>(state);
    switch (option) {
      case "ssl-min-ver" -> out.set(0, value);
      case "ssl-max-ver" -> out.set(1, value);
      default -> {
        String v = option.substring(3).toUpperCase(java.util.Locale.ROOT);
        out.add(v.equals("SSLV3") ? "SSLv3" : "TLSv1." + v.substring(5));
      }
    }
    return out;
  }

  /** The versions a state accepts, oldest first. */
  static List<String> accepted(List<String> state) {
    int min = VERSIONS.indexOf(state.get(0));
    int max = VERSIONS.indexOf(state.get(1));
    List<String> out = new ArrayList<>();
    for (int i = Math.max(0, min); i <= (max < 0 ? VERSIONS.size() - 1 : max); i++) {
      if (!state.subList(2, state.size()).contains(VERSIONS.get(i))) {
        out.add(VERSIONS.get(i));
      }
    }
    return out;
  }

  private static List<Path> certificateFiles(Path p) {
    if (Files.isRegularFile(p) && Files.isReadable(p)) {
      return List.of(p);
    }
    if (!Files.isDirectory(p)) {
      return List.of();
    }
    try (Stream<Path> s = Files.list(p)) {
      return s.filter(Files::isRegularFile)
          .filter(f -> !f.getFileName().toString().matches(".*\\.(key|ocsp|issuer|sctl)$"))
          .sorted()
          .toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  private static boolean pemHasKey(Path f) {
    try {
      return Files.readString(f).contains("PRIVATE KEY-----");
    } catch (IOException | RuntimeException e) {
      return false;
    }
  }

  private void listenerSettings(HaproxyProxy p, Yaml.YMap l) {
    HaproxyConf.Line maxconn = p.own("maxconn").stream().reduce((a, b) -> b).orElse(null);
    if (maxconn != null) {
      used.accept(maxconn);
      if (maxconn.word(1) != null && maxconn.word(1).matches("[0-9]{1,9}")) {
        l.put("max-connections", Integer.parseInt(maxconn.word(1)));
      }
    }
    HaproxyConf.Line header = p.get("timeout http-request");
    if (header != null) {
      used.accept(header);
      Duration t = header.word(2) == null ? null : Units.haproxyTime(header.word(2));
      if (t != null && !t.isZero()) {
        l.put("request-header-timeout", Units.duration(t));
      }
    }
    planned(p.get("timeout client"), l, PlannedKey.LISTENER_CLIENT_TIMEOUT);
    planned(p.get("timeout http-keep-alive"), l, PlannedKey.LISTENER_KEEPALIVE_TIMEOUT);
  }

  private void planned(HaproxyConf.@Nullable Line line, Yaml.YMap l, PlannedKey key) {
    if (line == null) {
      return;
    }
    used.accept(line);
    if (!key.available()) {
      report.planned(line.source(), line.text(), key);
      return;
    }
    Duration t = line.word(2) == null ? null : Units.haproxyTime(line.word(2));
    if (t != null && !t.isZero()) {
      l.put(key.field(), Units.duration(t));
    }
  }

  /**
   * The rule that redirects plain requests to https ({@code http-request redirect scheme https
   * unless { ssl_fc }} and its variants), or null.
   */
  private HaproxyConf.@Nullable Line httpsIdiom(HaproxyProxy p, boolean plainOnly) {
    for (HaproxyConf.Line l : p.section.lines()) {
      List<String> w = l.words();
      int at = l.keyword().equals("http-request") ? 2 : l.keyword().equals("redirect") ? 1 : -1;
      if (at < 0 || (at == 2 && !"redirect".equals(l.word(1)))) {
        continue;
      }
      if (!"scheme".equals(l.word(at)) || !"https".equals(l.word(at + 1))) {
        return null;
      }
      int cond = at + 2;
      while (cond < w.size() && !w.get(cond).equals("if") && !w.get(cond).equals("unless")) {
        cond++;
      }
      String c = String.join(" ", w.subList(cond, w.size()));
      boolean plain =
          (c.isEmpty() && plainOnly)
              || c.matches("if !\\{ ssl_fc \\}|if ! \\{ ssl_fc \\}|unless \\{ ssl_fc \\}");
      if (!plain) {
        return null;
      }
      used.accept(l);
      int code = w.indexOf("code");
      if (code > 0 && code + 1 < w.size() && !w.get(code + 1).equals("301")) {
        report.approximated(l.source(), l.text(), "redirect-https answers 301");
      }
      return l;
    }
    return null;
  }

  private Object rules(HaproxyProxy p, @Nullable Boolean sslFc, HaproxyConf.@Nullable Line idiom) {
    Map<String, String> setRequest = new LinkedHashMap<>();
    List<String> removeRequest = new ArrayList<>();
    Map<String, String> setResponse = new LinkedHashMap<>();
    List<String> removeResponse = new ArrayList<>();
    HaproxyProxy.HeaderChanges frontChanges =
        new HaproxyProxy.HeaderChanges(setRequest, removeRequest, setResponse, removeResponse);
    headerRules(p, sslFc, frontChanges);
    Object rest;
    HaproxyConf.Line def = p.get("default_backend");
    if (def != null) {
      used.accept(def);
      String backend = def.word(1);
      rest = backendLeaf(backend == null ? "" : backend, def, frontChanges);
    } else if (p.backendSide()) {
      rest = backendLeaf(p.name(), p.section.head(), frontChanges);
    } else {
      rest =
          new Decision.Leaf(
              new RouteAction.Return(503, null, null),
              Names.sanitize(p.name()) + "-no-backend",
              p.section.head().source(),
              p.section.head().source() + " " + p.section.head().text() + ": no backend (503)");
    }
    List<HaproxyConf.Line> useBackend = p.own("use_backend");
    for (int i = useBackend.size() - 1; i >= 0; i--) {
      HaproxyConf.Line u = useBackend.get(i);
      used.accept(u);
      String backend = u.word(1);
      if (backend == null) {
        continue;
      }
      List<String> cond = u.words().subList(2, u.words().size());
      if (backend.startsWith("%[")) {
        Object dyn =
            HaproxyMaps.dynamic(backend, u, rest, this::backendLeaf, frontChanges, report, baseDir);
        if (dyn != null) {
          rest = cond.isEmpty() ? dyn : decide(p, cond, u, sslFc, dyn, rest);
        }
        continue;
      }
      Object leaf = backendLeaf(backend, u, frontChanges);
      rest = cond.isEmpty() ? leaf : decide(p, cond, u, sslFc, leaf, rest);
    }
    List<HaproxyConf.Line> answers = new ArrayList<>();
    for (HaproxyConf.Line l : p.section.lines()) {
      if (l.equals(idiom)) {
        continue;
      }
      boolean answering =
          (l.keyword().equals("http-request")
                  && List.of("redirect", "deny", "return", "tarpit", "reject").contains(l.word(1)))
              || l.keyword().equals("redirect")
              || l.keyword().equals("block");
      if (answering) {
        answers.add(l);
      }
    }
    // HAProxy evaluates the http-request rules before the redirect rules
    answers.sort(
        (a, b) ->
            Boolean.compare(
                !a.keyword().equals("http-request"), !b.keyword().equals("http-request")));
    for (int i = answers.size() - 1; i >= 0; i--) {
      HaproxyConf.Line l = answers.get(i);
      used.accept(l);
      HaproxyRules.Answer a = HaproxyRules.answer(l, report);
      if (a == null) {
        continue;
      }
      Decision.Leaf leaf =
          new Decision.Leaf(
              a.action(),
              Names.sanitize(p.name()) + "-" + a.label(),
              l.source(),
              l.source() + " " + l.text());
      rest = a.condition().isEmpty() ? leaf : decide(p, a.condition(), l, sslFc, leaf, rest);
    }
    return rest;
  }

  private Object decide(
      HaproxyProxy p,
      List<String> cond,
      HaproxyConf.Line at,
      @Nullable Boolean sslFc,
      Object then,
      Object otherwise) {
    for (HaproxyConf.Line acl : p.own("acl")) {
      used.accept(acl);
    }
    HaproxyAcls.Cond c = p.acls.condition(cond, at, sslFc);
    if (c == null) {
      return otherwise;
    }
    return HaproxyAcls.decide(c, then, otherwise);
  }

  private void headerRules(
      HaproxyProxy p, @Nullable Boolean sslFc, HaproxyProxy.HeaderChanges changes) {
    for (HaproxyConf.Line l : p.section.lines()) {
      String k = l.keyword();
      if ((k.equals("http-request") || k.equals("http-response") || k.equals("http-after-response"))
          && l.word(1) != null
          && List.of("set-header", "add-header", "del-header").contains(l.word(1))) {
        used.accept(l);
        HaproxyRules.header(l, sslFc, changes, report);
      } else if (k.equals("http-request")
          && l.word(1) != null
          && !List.of("redirect", "deny", "return", "tarpit", "reject").contains(l.word(1))) {
        used.accept(l);
        report.unsupported(
            l.source(), l.text(), "http-request " + l.word(1) + " has no vxgate equivalent");
      } else if (k.equals("http-response") || k.equals("http-after-response")) {
        used.accept(l);
        report.unsupported(l.source(), l.text(), k + " " + l.word(1) + " has no vxgate equivalent");
      }
    }
  }

  private Decision.Leaf backendLeaf(
      String backend, HaproxyConf.Line at, HaproxyProxy.HeaderChanges front) {
    String upstream = backends.upstream(backend);
    String comment = at.source() + " " + at.text();
    if (upstream == null) {
      report.unsupported(
          at.source(),
          at.text(),
          "backend " + backend + " is not translated: its routes answer 503");
      return new Decision.Leaf(
          new RouteAction.Return(503, null, null),
          Names.sanitize(backend) + "-503",
          at.source(),
          comment);
    }
    HaproxyProxy.HeaderChanges b = backends.headerChanges(backend);
    Map<String, String> setRequest = new LinkedHashMap<>(front.setRequest());
    setRequest.putAll(b.setRequest());
    List<String> removeRequest = new ArrayList<>(front.removeRequest());
    removeRequest.addAll(b.removeRequest());
    Map<String, String> setResponse = new LinkedHashMap<>(front.setResponse());
    setResponse.putAll(b.setResponse());
    List<String> removeResponse = new ArrayList<>(front.removeResponse());
    removeResponse.addAll(b.removeResponse());
    RouteAction.Proxy action =
        new RouteAction.Proxy(
            upstream,
            backends.stripPrefix(backend),
            setRequest,
            removeRequest,
            setResponse,
            removeResponse,
            new Yaml.YMap());
    return new Decision.Leaf(
        action, Names.sanitize(backend.toLowerCase(Locale.ROOT)), at.source(), comment);
  }
}
