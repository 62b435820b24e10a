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
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy {@code backend} and {@code listen} sections as vxgate upstreams: servers and their
 * options, {@code balance}, health checks ({@code check}, {@code option httpchk}, {@code
 * http-check}), {@code cookie ... insert}, timeouts, {@code retries}, {@code retry-on}.
 */
final class HaproxyBackends {
  private final Report report;
  private final Consumer<HaproxyConf.Line> used;
  private final Path baseDir;
  private final Names names = new Names();
  private final Map<String, String> upstreamNames = new LinkedHashMap<>();
  private int nextPort = 8000;
  private final Set<String> addresses = new LinkedHashSet<>();
  private final Map<String, String> sockets = new LinkedHashMap<>();
  private final Map<String, HaproxyProxy.HeaderChanges> changes = new LinkedHashMap<>();
  private final Map<String, String> strips = new LinkedHashMap<>();
  private static final java.util.regex.Pattern STRIP =
      java.util.regex.Pattern.compile(
          "\\^?(/[A-Za-z0-9._~/-]*?)(?:\\(/\\.\\*\\)\\??\\$? \\\\1|/\\(\\.\\*\\)\\$? /\\\\1)");

  HaproxyBackends(Report report, Consumer<HaproxyConf.Line> used, Path baseDir) {
    this.report = report;
    this.used = used;
    this.baseDir = baseDir;
  }

  /** The vxgate upstream name of a backend, or null when it has none. */
  @Nullable String upstream(String backend) {
    return upstreamNames.get(backend);
  }

  /** The header changes of a backend's http-request and http-response rules. */
  HaproxyProxy.HeaderChanges headerChanges(String backend) {
    return changes.getOrDefault(backend, HaproxyProxy.HeaderChanges.none());
  }

  /** The prefix a backend's {@code http-request replace-path} idiom strips, or null. */
  @Nullable String stripPrefix(String backend) {
    return strips.get(backend);
  }

  /** A server's parameters, with default-server's underneath. */
  private record ServerLine(HaproxyConf.Line line, List<String> params) {}

  void write(HaproxyProxy p, Output out) {
    HaproxyConf.Line mode = p.get("mode");
    if (mode != null && mode.word(1) != null && !mode.word(1).equals("http")) {
      used.accept(mode);
      p.section.lines().forEach(used);
      report.unsupported(
          mode.source(),
          mode.text(),
          "vxgate proxies HTTP: " + p.kind() + " " + p.name() + " is left out");
      return;
    }
    if (mode != null) {
      used.accept(mode);
    }
    List<ServerLine> servers = servers(p);
    if (servers.isEmpty()) {
      report.unsupported(
          p.section.head().source(),
          p.section.head().text(),
          "no servers: routes to it answer 503");
      return;
    }
    String name = names.unique(p.name());
    Yaml.YMap body = new Yaml.YMap();
    balance(p, body);
    Yaml.YList list = new Yaml.YList();
    Names serverNames = new Names();
    boolean anyCheck = false;
    boolean allCheck = true;
    boolean tlsVerifyOff = false;
    Map<String, String> check = new LinkedHashMap<>();
    for (ServerLine s : servers) {
      Yaml.YMap y = server(s, serverNames, body, check);
      if (y == null) {
        continue;
      }
      boolean c = s.params().contains("check");
      anyCheck |= c;
      allCheck &= c;
      int verify = s.params().indexOf("verify");
      tlsVerifyOff |=
          verify >= 0
              && verify + 1 < s.params().size()
              && s.params().get(verify + 1).equals("none");
      list.add(y);
    }
    if (list.isEmpty()) {
      report.unsupported(
          p.section.head().source(),
          p.section.head().text(),
          "no usable server: routes to it answer 503");
      return;
    }
    if (list.items().stream().allMatch(y -> Boolean.TRUE.equals(((Yaml.YMap) y).get("backup")))) {
      list.items().forEach(y -> ((Yaml.YMap) y).put("backup", null));
    }
    body.put("servers", list);
    if (anyCheck) {
      health(p, body, check);
      if (!allCheck) {
        report.approximated(
            p.section.head().source(),
            p.section.head().text(),
            "some servers have no check: vxgate checks every server of an upstream");
      }
    }
    // HAProxy marks servers down by checks only; vxgate's passive checks are turned off
    body.put("passive", new Yaml.YMap().put("max-fails", 0));
    sticky(p, body);
    timeouts(p, body);
    retries(p, body);
    if (tlsVerifyOff) {
      body.put("tls-verify", false);
    }
    errorfiles(p);
    rules(p);
    upstreamNames.put(p.name(), name);
    out.upstream(name, body, p.section.head().source().toString());
  }

  private List<ServerLine> servers(HaproxyProxy p) {
    List<String> defaults = new ArrayList<>();
    for (HaproxyConf.Line l : p.defaults) {
      if (l.keyword().equals("default-server")) {
        used.accept(l);
        defaults.addAll(l.words().subList(1, l.words().size()));
      }
    }
    List<ServerLine> out = new ArrayList<>();
    for (HaproxyConf.Line l : p.section.lines()) {
      if (l.keyword().equals("default-server")) {
        used.accept(l);
        defaults.addAll(l.words().subList(1, l.words().size()));
      } else if (l.keyword().equals("server")) {
        used.accept(l);
        List<String> params = new ArrayList<>(defaults);
        params.addAll(l.words().subList(Math.min(3, l.words().size()), l.words().size()));
        out.add(new ServerLine(l, params));
      } else if (l.keyword().equals("server-template")) {
        used.accept(l);
        report.unsupported(
            l.source(),
            l.text(),
            "server-template: list the servers (vxgate has dns-sync for its own nodes only)");
      }
    }
    return out;
  }

  private Yaml.@Nullable YMap server(
      ServerLine s, Names serverNames, Yaml.YMap body, Map<String, String> check) {
    HaproxyConf.Line l = s.line();
    String addr = l.word(2);
    if (addr == null) {
      report.unsupported(l.source(), l.text(), "a server without an address");
      return null;
    }
    Yaml.YMap y = new Yaml.YMap();
    y.put("name", serverNames.unique(l.words().get(1)));
    String address = address(addr, l);
    if (address == null) {
      return null;
    }
    boolean ssl = false;
    List<String> ps = s.params();
    for (int i = 0; i < ps.size(); i++) {
      String k = ps.get(i);
      String v = i + 1 < ps.size() ? ps.get(i + 1) : null;
      switch (k) {
        case "check",
            "no-check",
            "check-ssl",
            "resolve-prefer",
            "init-addr",
            "resolvers",
            "id",
            "no-ssl",
            "no-backup",
            "non-stick",
            "enabled" -> {
          if (List.of("init-addr", "resolvers", "id", "resolve-prefer").contains(k)) {
            i++;
          }
        }
        case "weight" -> {
          i++;
          Long w = v != null && v.matches("[0-9]{1,4}") ? Long.parseLong(v) : null;
          if (w != null && w == 0) {
            report.approximated(
                l.source(),
                l.text(),
                "weight 0 gets no new traffic: left out (drain it with vxgatectl instead)");
            return null;
          }
          if (w != null && w > 1) {
            y.put("weight", (int) Math.min(256, w));
          }
        }
        case "backup" -> y.put("backup", true);
        case "disabled" -> {
          report.approximated(
              l.source(),
              l.text(),
              "disabled: left out (vxgatectl server disable takes a server out at run time)");
          return null;
        }
        case "maxconn" -> {
          i++;
          if (v != null && v.matches("[0-9]{1,9}") && Long.parseLong(v) > 0) {
            y.put("max-conns", Integer.parseInt(v));
          }
        }
        case "inter", "rise", "fall", "fastinter", "downinter" -> {
          i++;
          check.putIfAbsent(k, v);
        }
        case "slowstart" -> {
          i++;
          Duration t = v == null ? null : Units.haproxyTime(v);
          if (t != null && !t.isZero()) {
            body.put("slow-start", Units.duration(t));
          }
        }
        case "ssl" -> ssl = true;
        case "verify" -> i++; // tls-verify, per upstream (see write)
        case "ca-file" -> {
          i++;
          Path ca = baseDir.resolve(v == null ? "" : v);
          if (Files.isReadable(ca)) {
            body.put("tls-ca", ca.toAbsolutePath().normalize().toString());
          } else {
            report.unsupported(l.source(), l.text(), "ca-file not found here: " + ca);
          }
        }
        case "cookie" -> i++; // the sticky cookie names servers by a digest of their names
        case "sni",
            "alpn",
            "ciphers",
            "ciphersuites",
            "ssl-min-ver",
            "ssl-max-ver",
            "port",
            "addr",
            "agent-port",
            "agent-inter",
            "error-limit",
            "on-error",
            "on-marked-down",
            "on-marked-up",
            "observe",
            "pool-max-conn",
            "pool-purge-delay",
            "max-reuse",
            "tfo",
            "proto",
            "crt",
            "check-sni",
            "check-alpn",
            "minconn",
            "maxqueue",
            "redir",
            "track",
            "namespace",
            "source",
            "usesrc",
            "socks4",
            "set-proxy-v2-tlv-fmt",
            "log-proto",
            "shard",
            "pool-low-conn",
            "ws",
            "init-state",
            "guid" -> {
          i++;
          unsupportedParam(l, k);
        }
        default -> unsupportedParam(l, k);
      }
    }
    y.put("address", ssl ? "https://" + address : address);
    return y;
  }

  private void unsupportedParam(HaproxyConf.Line l, String k) {
    report.unsupported(l.source(), l.text(), "server parameter " + k + ": no vxgate equivalent");
  }

  private @Nullable String address(String addr, HaproxyConf.Line l) {
    String a = addr;
    if (a.startsWith("ipv4@") || a.startsWith("ipv6@")) {
      a = a.substring(5);
    }
    if (a.startsWith("unix@") || a.startsWith("/")) {
      String path = a.startsWith("unix@") ? a.substring(5) : a;
      String known = sockets.get(path);
      if (known != null) {
        return known;
      }
      while (addresses.contains("127.0.0.1:" + nextPort)) {
        nextPort++;
      }
      String placeholder = "127.0.0.1:" + nextPort++;
      addresses.add(placeholder);
      sockets.put(path, placeholder);
      report.approximated(
          l.source(),
          l.text(),
          "vxgate connects to servers over TCP: "
              + path
              + " written as "
              + placeholder
              + "; bind the server there");
      return placeholder;
    }
    if (a.contains("@")) {
      report.unsupported(l.source(), l.text(), "address family of " + addr);
      return null;
    }
    String host;
    String port;
    if (a.startsWith("[")) {
      int close = a.indexOf(']');
      host = a.substring(0, close + 1);
      port = close + 2 <= a.length() ? a.substring(close + 2) : "";
    } else if (a.chars().filter(c -> c == ':').count() > 1) {
      int last = a.lastIndexOf(':');
      host = "[" + a.substring(0, last) + "]";
      port = a.substring(last + 1);
    } else if (a.contains(":")) {
      host = a.substring(0, a.indexOf(':'));
      port = a.substring(a.indexOf(':') + 1);
    } else {
      host = a;
      port = "";
    }
    if (port.isEmpty()) {
      report.approximated(
          l.source(), l.text(), "no port: HAProxy uses the client's port, vxgate connects to 80");
      port = "80";
    }
    if (!port.matches("[0-9]{1,5}")) {
      report.unsupported(l.source(), l.text(), "port " + port + " (vxgate needs one fixed port)");
      return null;
    }
    String out = host + ":" + port;
    addresses.add(out);
    return out;
  }

  private void balance(HaproxyProxy p, Yaml.YMap body) {
    HaproxyConf.Line b = p.get("balance");
    HaproxyConf.Line hashType = p.get("hash-type");
    if (hashType != null) {
      used.accept(hashType);
    }
    if (b == null) {
      return;
    }
    used.accept(b);
    String algo = b.word(1) == null ? "" : b.word(1).toLowerCase(Locale.ROOT);
    String v =
        switch (algo) {
          case "roundrobin", "static-rr" -> null;
          case "leastconn" -> "leastconn";
          case "source" -> "source";
          case "random" -> "random";
          case "uri" -> "uri";
          case "first" -> {
            report.approximated(
                b.source(), b.text(), "balance: roundrobin (vxgate has no first-available)");
            yield null;
          }
          default -> {
            if (algo.matches("hdr\\([^)]+\\)")) {
              String hdr = b.words().get(1); // algo is lower-cased
              yield "header:" + hdr.substring(4, hdr.length() - 1);
            }
            report.unsupported(
                b.source(), b.text(), "balance " + algo + " has no vxgate equivalent: roundrobin");
            yield null;
          }
        };
    if (algo.equals("uri") && b.words().contains("whole")) {
      if (PlannedKey.HASH_QUERY.available()) {
        body.put("hash-query", true);
      } else {
        report.planned(b.source(), b.text(), PlannedKey.HASH_QUERY);
      }
    } else if (algo.equals("uri") && b.words().size() > 2) {
      report.approximated(b.source(), b.text(), "vxgate hashes the whole path");
    }
    body.put("balance", v);
  }

  private void health(HaproxyProxy p, Yaml.YMap body, Map<String, String> check) {
    Yaml.YMap h = new Yaml.YMap();
    HaproxyConf.Line httpchk = p.option("httpchk");
    if (httpchk != null) {
      used.accept(httpchk);
      h.put("type", "http");
      List<String> a = httpchk.words().subList(2, httpchk.words().size());
      String methodWord = a.size() >= 2 ? a.get(0) : a.isEmpty() ? "OPTIONS" : null;
      String uri = a.size() >= 2 ? a.get(1) : a.size() == 1 ? a.get(0) : "/";
      String version = a.size() >= 3 ? a.get(2) : null;
      HaproxyConf.Line send = p.get("http-check send");
      String host = null;
      if (send != null) {
        used.accept(send);
        for (int i = 2; i + 1 < send.words().size(); i++) {
          switch (send.words().get(i)) {
            case "meth" -> methodWord = send.words().get(++i);
            case "uri" -> uri = send.words().get(++i);
            case "hdr" -> {
              if ("host".equalsIgnoreCase(send.word(i + 1)) && i + 2 < send.words().size()) {
                host = send.word(i + 2);
              }
              i += 2;
            }
            default -> {}
          }
        }
      }
      if (version != null && version.contains("Host:")) {
        host = version.replaceAll("(?s).*Host:\\s*", "").trim();
      }
      h.put("path", uri.startsWith("/") ? uri : "/");
      if (methodWord != null && !methodWord.equals("GET")) {
        if (PlannedKey.HEALTH_METHOD.available()) {
          h.put("method", methodWord.toUpperCase(Locale.ROOT));
        } else {
          HaproxyConf.Line at = send != null ? send : httpchk;
          report.planned(
              at.source(),
              at.text(),
              PlannedKey.HEALTH_METHOD,
              "checks use GET, not " + methodWord);
        }
      }
      if (host != null) {
        if (PlannedKey.HEALTH_HOST.available()) {
          h.put("host", host);
        } else {
          HaproxyConf.Line at = send != null ? send : httpchk;
          report.planned(at.source(), at.text(), PlannedKey.HEALTH_HOST);
        }
      }
      HaproxyConf.Line expect = p.get("http-check expect");
      if (expect != null) {
        used.accept(expect);
        expect(expect, h);
      }
    } else {
      HaproxyConf.Line tcp = p.option("tcp-check");
      if (tcp != null) {
        used.accept(tcp);
      }
      h.put("type", "tcp");
    }
    Duration inter = check.get("inter") == null ? null : Units.haproxyTime(check.get("inter"));
    if (inter != null && !inter.isZero()) {
      h.put("interval", Units.duration(inter));
    }
    for (String k : List.of("rise", "fall")) {
      String v = check.get(k);
      if (v != null && v.matches("[0-9]{1,6}") && Integer.parseInt(v) > 0) {
        h.put(k, Integer.parseInt(v));
      }
    }
    HaproxyConf.Line timeout = p.get("timeout check");
    Duration interval = inter == null || inter.isZero() ? Duration.ofSeconds(2) : inter;
    if (timeout != null) {
      used.accept(timeout);
      Duration t = timeout.word(2) == null ? null : Units.haproxyTime(timeout.word(2));
      if (t != null && !t.isZero()) {
        if (t.compareTo(interval) > 0) {
          report.approximated(
              timeout.source(),
              timeout.text(),
              "a check timeout cannot exceed the interval in vxgate: " + Units.duration(interval));
          t = interval;
        }
        h.put("timeout", Units.duration(t));
      }
    } else if (Duration.ofSeconds(1).compareTo(interval) < 0) {
      // HAProxy's check timeout defaults to inter
      h.put("timeout", Units.duration(interval));
    }
    body.put("health-check", h);
  }

  private void expect(HaproxyConf.Line e, Yaml.YMap h) {
    List<String> w = e.words();
    boolean neg = w.size() > 2 && w.get(2).equals("!");
    int at = neg ? 3 : 2;
    String kind = at < w.size() ? w.get(at) : "";
    String value = at + 1 < w.size() ? w.get(at + 1) : "";
    if (!neg && kind.equals("status") && value.matches("[1-5][0-9][0-9](-[1-5][0-9][0-9])?")) {
      h.put("expect", value);
    } else if (!neg && kind.equals("rstatus") && value.matches("\\^?[2-5]")) {
      String d = value.replace("^", "");
      h.put("expect", d + "00-" + d + "99");
      report.approximated(e.source(), e.text(), "expect " + d + "00-" + d + "99");
    } else if (!neg && (kind.equals("string") || kind.equals("rstring"))) {
      if ("HEAD".equals(h.get("method"))) {
        report.unsupported(e.source(), e.text(), "a check with HEAD gets no body to look into");
      } else if (PlannedKey.HEALTH_EXPECT_BODY.available()) {
        // vxgate's body expectation: text it contains, or ~REGEX
        h.put("expect", new Yaml.YMap().put("body", kind.equals("string") ? value : "~" + value));
      } else {
        report.planned(e.source(), e.text(), PlannedKey.HEALTH_EXPECT_BODY);
      }
    } else {
      report.unsupported(e.source(), e.text(), "this expectation has no vxgate equivalent");
    }
  }

  private void sticky(HaproxyProxy p, Yaml.YMap body) {
    HaproxyConf.Line c = p.get("cookie");
    if (c == null) {
      return;
    }
    used.accept(c);
    List<String> w = c.words();
    if (!w.contains("insert")) {
      report.unsupported(
          c.source(), c.text(), "only cookie NAME insert has an equivalent (sticky)");
      return;
    }
    Yaml.YMap s = new Yaml.YMap().put("cookie", c.word(1));
    boolean httpOnly = false;
    for (int i = 2; i < w.size(); i++) {
      switch (w.get(i)) {
        case "httponly" -> httpOnly = true;
        case "secure" -> s.put("secure", true);
        case "maxlife", "maxidle" -> {
          Duration t = i + 1 < w.size() ? Units.haproxyTime(w.get(++i)) : null;
          if (t != null && !t.isZero() && !s.containsKey("max-age")) {
            s.put("max-age", Units.duration(t));
            report.approximated(
                c.source(), c.text(), "max-age " + Units.duration(t) + " on the cookie");
          }
        }
        case "attr" -> {
          String a = i + 1 < w.size() ? w.get(++i) : "";
          if (a.toLowerCase(Locale.ROOT).startsWith("samesite=")) {
            String v = a.substring(9).toLowerCase(Locale.ROOT);
            s.put("same-site", Character.toUpperCase(v.charAt(0)) + v.substring(1));
          }
        }
        case "domain" -> {
          i++;
          report.unsupported(c.source(), c.text(), "the cookie's domain");
        }
        default -> {}
      }
    }
    if (!httpOnly) {
      s.put("http-only", false);
    }
    body.put("sticky", s);
  }

  private void timeouts(HaproxyProxy p, Yaml.YMap body) {
    HaproxyConf.Line connect = p.get("timeout connect");
    HaproxyConf.Line server = p.get("timeout server");
    HaproxyConf.Line tunnel = p.get("timeout tunnel");
    Yaml.YMap t = new Yaml.YMap();
    if (connect != null) {
      used.accept(connect);
      put(t, "connect", connect);
    }
    if (server != null) {
      used.accept(server);
      put(t, "response", server);
      put(t, "idle", server);
    }
    if (tunnel != null) {
      used.accept(tunnel);
      if (server == null || !Objects.equals(tunnel.word(2), server.word(2))) {
        report.approximated(
            tunnel.source(),
            tunnel.text(),
            "WebSocket tunnels close after timeouts.idle (timeout server) in vxgate");
      }
    }
    if (!t.isEmpty()) {
      body.put("timeouts", t);
    }
  }

  private void put(Yaml.YMap t, String key, HaproxyConf.Line l) {
    Duration d = l.word(2) == null ? null : Units.haproxyTime(l.word(2));
    if (d == null || d.isZero()) {
      report.unsupported(l.source(), l.text(), "not a positive time");
      return;
    }
    t.put(key, Units.duration(d));
  }

  private void retries(HaproxyProxy p, Yaml.YMap body) {
    HaproxyConf.Line retries = p.get("retries");
    HaproxyConf.Line redispatchLine = p.get("option redispatch");
    if (redispatchLine != null) {
      used.accept(redispatchLine);
    }
    HaproxyConf.Line redispatch = p.option("redispatch");
    if (redispatch != null) {
      used.accept(redispatch);
    }
    if (retries != null) {
      used.accept(retries);
      String v = retries.word(1);
      if (v != null && v.matches("[0-9]{1,3}")) {
        body.put("retries", Math.min(100, Integer.parseInt(v)));
      }
      if (redispatch == null && !"0".equals(v)) {
        report.approximated(
            retries.source(),
            retries.text(),
            "vxgate retries on another server (as option redispatch does)");
      }
    }
    HaproxyConf.Line retryOn = p.get("retry-on");
    if (retryOn != null) {
      used.accept(retryOn);
      Set<String> on = new LinkedHashSet<>();
      for (String w : retryOn.words().subList(1, retryOn.words().size())) {
        switch (w) {
          case "conn-failure" -> on.add("connect-failure");
          case "empty-response" -> on.add("reset");
          case "response-timeout" -> on.add("timeout");
          case "500", "502", "503", "504" -> on.add(w);
          case "all-retryable-errors" -> {
            on.addAll(List.of("connect-failure", "reset", "timeout", "500", "502", "503", "504"));
          }
          case "none" -> {}
          default ->
              report.unsupported(retryOn.source(), retryOn.text(), "vxgate does not retry on " + w);
        }
      }
      body.put("retry-on", Yaml.YList.of(List.copyOf(on)));
    }
  }

  /** A backend's header and path rules (a listen's are its frontend's). */
  private void rules(HaproxyProxy p) {
    HaproxyProxy.HeaderChanges c =
        new HaproxyProxy.HeaderChanges(
            new LinkedHashMap<>(), new ArrayList<>(), new LinkedHashMap<>(), new ArrayList<>());
    if (!p.kind().equals("backend")) {
      return;
    }
    for (HaproxyConf.Line l : p.section.lines()) {
      String k = l.keyword();
      String verb = l.word(1) == null ? "" : l.word(1);
      if (!(k.equals("http-request")
          || k.equals("http-response")
          || k.equals("http-after-response"))) {
        continue;
      }
      used.accept(l);
      if (List.of("set-header", "add-header", "del-header").contains(verb)) {
        HaproxyRules.header(l, null, c, report);
      } else if (k.equals("http-request")
          && (verb.equals("replace-path") || verb.equals("replace-uri"))) {
        String pattern = String.join(" ", l.words().subList(2, Math.min(4, l.words().size())));
        java.util.regex.Matcher m = STRIP.matcher(pattern);
        if (l.words().size() == 4 && m.matches() && m.group(1).length() > 1) {
          strips.put(p.name(), m.group(1));
        } else {
          report.unsupported(
              l.source(),
              l.text(),
              "only replace-path idioms that strip a prefix have an equivalent (strip-prefix)");
        }
      } else {
        report.unsupported(l.source(), l.text(), k + " " + verb + " has no vxgate equivalent");
      }
    }
    changes.put(p.name(), c);
  }

  private void errorfiles(HaproxyProxy p) {
    for (HaproxyConf.Line l : p.all("errorfile")) {
      used.accept(l);
      report.unsupported(
          l.source(),
          l.text(),
          "an errorfile is a whole HTTP response; vxgate's error-pages are bodies: save the body and list it in error-pages");
    }
  }
}
