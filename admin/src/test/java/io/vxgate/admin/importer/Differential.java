package io.vxgate.admin.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.GatewayNode;
import io.vxgate.testing.FreePorts;
import io.vxgate.testing.ProxyProcess;
import io.vxgate.util.Ticker;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Stream;

/**
 * One corpus config run twice in front of the same test origins: by the real proxy (nginx or
 * HAProxy) with its addresses rewritten to the origins and its ports to free ones, and by a vxgate
 * node with the config that {@code vxgatectl import} makes of the same rewritten file (on ports of
 * its own). {@link #compare} sends a request to both and asserts the same decision.
 */
final class Differential implements AutoCloseable {
  private static final Pattern NGINX_SERVER =
      Pattern.compile(
          "(?m)((?:^|[{;])\\s*server\\s+)(unix:[^\\s;]+|[A-Za-z0-9._-]+:[0-9]+|[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+)(?=[\\s;])");
  private static final Pattern NGINX_PROXY_PASS =
      Pattern.compile(
          "(proxy_pass\\s+https?://)(unix:[^:;]+:?|[A-Za-z0-9._-]+:[0-9]+|[0-9]+\\.[0-9]+\\.[0-9]+\\.[0-9]+)");
  private static final Pattern NGINX_LISTEN = Pattern.compile("(?m)^(\\s*)listen\\s+([^;]+);");
  private static final Pattern NGINX_UPSTREAM =
      Pattern.compile("upstream\\s+([A-Za-z0-9_.-]+)\\s*\\{([^}]*)\\}");
  private static final Pattern HAPROXY_BIND = Pattern.compile("(?m)^(\\s*bind\\s+)(\\S+)(.*)$");
  private static final Pattern HAPROXY_SERVER =
      Pattern.compile("(?m)^(\\s*server\\s+\\S+\\s+)(\\S+)(.*)$");

  final String format;
  final DiffOrigins origins;
  final Path work;
  private final Map<Integer, Integer> proxyPorts = new LinkedHashMap<>();
  private final Map<Integer, Integer> vxgatePorts = new LinkedHashMap<>();
  private final Map<String, String> groups = new LinkedHashMap<>();
  private ProxyProcess proxy;
  private Vertx vertx;
  private GatewayNode node;
  String yaml;

  Differential(String format, String config, DiffOrigins origins, Path work) throws Exception {
    this.format = format;
    this.origins = origins;
    this.work = work;
    Path proxyDir = ImportCorpus.copy(format, Files.createDirectories(work.resolve("proxy")));
    Path vxgateDir = ImportCorpus.copy(format, Files.createDirectories(work.resolve("vxgate")));
    String original = Files.readString(proxyDir.resolve(config));
    groups(original, proxyDir);
    rewriteAll(proxyDir, proxyPorts);
    rewriteAll(vxgateDir, vxgatePorts);
    yaml = ImportCommand.translate(format, vxgateDir.resolve(config), config).yaml();
    GatewayConfig c = ImportCorpus.load(yaml);
    // every server must be one of the test origins: nothing may leave this machine
    c.upstreams()
        .values()
        .forEach(
            u ->
                u.servers()
                    .forEach(
                        sv -> assertThat(sv.address().host()).as(yaml).isEqualTo("127.0.0.1")));
    // every file of the corpus copy is rewritten; the ports to wait for are this config's
    List<Integer> ports = new ArrayList<>();
    for (var l : c.listeners()) {
      vxgatePorts.forEach(
          (from, v) -> {
            if (v == l.bind().port()) {
              ports.add(proxyPorts.get(from));
            }
          });
    }
    Path main = proxyDir.resolve(config);
    if (format.equals("nginx")) {
      main = nginxMain(main);
      proxy = ProxyProcess.nginx(main, work, ports);
    } else {
      proxy = ProxyProcess.haproxy(main, work, ports);
    }
    vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
    node = GatewayNode.start(vertx, c, Ticker.system(), 2).await();
  }

  /** The port the proxy and vxgate listen on for an original port. */
  int proxyPort(int original) {
    return proxyPorts.get(original);
  }

  int vxgatePort(int original) {
    return vxgatePorts.get(original);
  }

  /**
   * The upstream group of each original server address: this config's first, then the other corpus
   * files' (every file is rewritten, and the origins are shared by the tests of a class).
   */
  private void groups(String text, Path dir) throws IOException {
    if (format.equals("nginx")) {
      StringBuilder all = new StringBuilder(text);
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".conf")).sorted().toList()) {
          all.append('\n').append(Files.readString(p));
        }
      }
      Matcher u = NGINX_UPSTREAM.matcher(all);
      while (u.find()) {
        Matcher s = NGINX_SERVER.matcher(u.group(2));
        while (s.find()) {
          groups.putIfAbsent(s.group(2), u.group(1));
        }
      }
    } else {
      StringBuilder all = new StringBuilder(text);
      try (Stream<Path> s = Files.walk(dir)) {
        for (Path p : s.filter(f -> f.toString().endsWith(".cfg")).sorted().toList()) {
          all.append('\n').append(Files.readString(p));
        }
      }
      String backend = null;
      for (String line : all.toString().split("\n")) {
        String t = line.trim();
        if (t.matches("(backend|listen)\\s+\\S+.*")) {
          backend = t.split("\\s+")[1];
        } else if (t.matches("(frontend|defaults|global).*")) {
          backend = null;
        }
        Matcher s = HAPROXY_SERVER.matcher(line);
        if (backend != null && s.matches()) {
          groups.putIfAbsent(s.group(2), backend);
        }
      }
    }
  }

  private String label(String address) {
    return groups.getOrDefault(address, "direct") + "/" + address;
  }

  private void rewriteAll(Path dir, Map<Integer, Integer> ports) throws IOException {
    String ext = format.equals("nginx") ? ".conf" : ".cfg";
    try (Stream<Path> s = Files.walk(dir)) {
      for (Path p : s.filter(f -> f.toString().endsWith(ext)).toList()) {
        String t = Files.readString(p, StandardCharsets.UTF_8);
        t = format.equals("nginx") ? nginx(t, ports) : haproxy(t, ports);
        Files.writeString(p, t, StandardCharsets.UTF_8);
      }
    }
  }

  private String nginx(String t, Map<Integer, Integer> ports) {
    t = replace(NGINX_SERVER, t, m -> m.group(1) + origin(m.group(2)));
    t =
        replace(
            NGINX_PROXY_PASS,
            t,
            m ->
                m.group(1)
                    + origin(m.group(2).replaceAll(":$", ""))
                    + (m.group(2).endsWith(":") && m.group(2).startsWith("unix:") ? "" : ""));
    t =
        replace(
            NGINX_LISTEN,
            t,
            m -> {
              String[] words = m.group(2).trim().split("\\s+");
              String a = words[0];
              if (a.startsWith("[")) {
                return m.group(1) + "# (IPv6 listen dropped for the test)";
              }
              int port =
                  Integer.parseInt(
                      a.contains(":")
                          ? a.substring(a.lastIndexOf(':') + 1)
                          : a.matches("[0-9]+") ? a : "80");
              int to = ports.computeIfAbsent(port, x -> FreePorts.pick());
              StringBuilder sb =
                  new StringBuilder(m.group(1)).append("listen 127.0.0.1:").append(to);
              for (int i = 1; i < words.length; i++) {
                if (!words[i].equals("deferred") && !words[i].startsWith("ipv6only")) {
                  sb.append(' ').append(words[i]);
                }
              }
              return sb.append(';').toString();
            });
    t = t.replaceAll("(?m)^\\s*(user|pid|daemon|error_log|load_module)\\b[^;]*;", "");
    t = t.replaceAll("access_log\\s+[^;]*;", "access_log off;");
    t = t.replaceAll("include\\s+mime\\.types;", "");
    return t;
  }

  /** The nginx main file: the config itself, or a wrapper that includes a conf.d-style one. */
  private Path nginxMain(Path conf) throws IOException {
    String temp =
        Stream.of("client_body", "proxy", "fastcgi", "uwsgi", "scgi")
            .map(n -> n + "_temp_path " + work.resolve("nginx-" + n) + ";")
            .reduce("", (a, b) -> a + "\n    " + b);
    String t = Files.readString(conf);
    if (t.matches("(?s).*\\bhttp\\s*\\{.*")) {
      Files.writeString(
          conf, t.replaceFirst("\\bhttp\\s*\\{", "http {" + Matcher.quoteReplacement(temp)));
      return conf;
    }
    Path wrapper = conf.resolveSibling("test-main-" + conf.getFileName());
    Files.writeString(
        wrapper, "events {}\nhttp {" + temp + "\n    include " + conf.getFileName() + ";\n}\n");
    return wrapper;
  }

  private String haproxy(String t, Map<Integer, Integer> ports) {
    t =
        replace(
            HAPROXY_BIND,
            t,
            m -> {
              StringBuilder addrs = new StringBuilder();
              for (String a : m.group(2).split(",")) {
                int port = Integer.parseInt(a.substring(a.lastIndexOf(':') + 1));
                int to = ports.computeIfAbsent(port, x -> FreePorts.pick());
                addrs.append(addrs.length() > 0 ? "," : "").append("127.0.0.1:").append(to);
              }
              return m.group(1) + addrs + m.group(3);
            });
    t = replace(HAPROXY_SERVER, t, m -> m.group(1) + origin(m.group(2)) + m.group(3));
    t =
        t.replaceAll(
            "(?m)^\\s*(daemon|user|group|chroot|pidfile|cpu-map|stats socket|log)\\b.*$", "");
    return t;
  }

  private String origin(String address) {
    String a = address;
    return "127.0.0.1:" + origins.port(a, label(a));
  }

  private static String replace(Pattern p, String t, Function<Matcher, String> f) {
    Matcher m = p.matcher(t);
    StringBuilder sb = new StringBuilder();
    while (m.find()) {
      m.appendReplacement(sb, Matcher.quoteReplacement(f.apply(m)));
    }
    m.appendTail(sb);
    return sb.toString();
  }

  /** One request through the proxy and through vxgate. */
  record Both(DiffClient.Answer proxy, DiffClient.Answer vxgate) {}

  Both send(int originalPort, DiffClient.Request r) {
    try {
      return new Both(
          DiffClient.send(proxyPort(originalPort), r),
          DiffClient.send(vxgatePort(originalPort), r));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Asserts that the request gets the same decision: the same status (nginx's 444, a connection
   * closed without an answer, is vxgate's 444), the same upstream group, and for redirects the same
   * location (nginx's absolute form of a path on the same server read as the path).
   *
   * @param comparePath whether the path the origin received must be the same too
   */
  void compare(int originalPort, DiffClient.Request r, boolean comparePath) {
    Both b = send(originalPort, r);
    String p = describe(b.proxy(), proxyPort(originalPort), r, comparePath);
    String v = describe(b.vxgate(), vxgatePort(originalPort), r, comparePath);
    assertThat(v).as("%s %s: vxgate vs %s\n%s", format, r, format, yaml).isEqualTo(p);
  }

  private static String describe(
      DiffClient.Answer a, int port, DiffClient.Request r, boolean path) {
    int status = a.status() == -1 ? 444 : a.status();
    String group = a.origin() == null ? "-" : a.origin().substring(0, a.origin().indexOf('/'));
    String location = a.location();
    if (location != null) {
      String self = "http://" + r.host().replaceAll(":[0-9]+$", "") + ":" + port;
      if (location.startsWith(self)) {
        location = location.substring(self.length());
      }
    }
    return status
        + " "
        + group
        + (location == null ? "" : " -> " + location)
        + (path ? " path=" + a.path() : "");
  }

  /** How many of {@code n} requests each origin answered (by its label). */
  Map<String, Integer> spread(int originalPort, DiffClient.Request r, int n, boolean viaProxy)
      throws IOException {
    Map<String, Integer> out = new LinkedHashMap<>();
    int port = viaProxy ? proxyPort(originalPort) : vxgatePort(originalPort);
    for (int i = 0; i < n; i++) {
      out.merge(String.valueOf(DiffClient.send(port, r).origin()), 1, Integer::sum);
    }
    return out;
  }

  @Override
  public void close() {
    List<Runnable> stops = new ArrayList<>();
    if (node != null) {
      stops.add(() -> node.stop(Duration.ZERO).await());
    }
    if (vertx != null) {
      stops.add(() -> vertx.close().await());
    }
    if (proxy != null) {
      stops.add(proxy::close);
    }
    for (Runnable r : stops) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }
}
