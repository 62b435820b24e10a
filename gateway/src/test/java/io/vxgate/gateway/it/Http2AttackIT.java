package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.Vertx;
import io.vertx.core.net.SelfSignedCertificate;
import io.vxgate.testing.FreePorts;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 attacks from a raw client ({@link H2Client}) against a real node in a JVM of its own (as
 * {@code bin/vxgate} runs it) and, under the same attack in the same test, against nginx 1.22 in
 * front of the same origin. For each attack: another client's HTTP/1.1 probe every 20 ms keeps
 * being answered, the node's memory stays bounded, the attacker's connection gets a GOAWAY (or is
 * closed), and the probe's p99 is compared with nginx's. Each run prints a row of the table in
 * docs/reliability.md#http2-attacks.
 */
class Http2AttackIT {
  private static final Duration ATTACK = Duration.ofSeconds(3);
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("a.test");
  private static final List<String> TABLE = new ArrayList<>();

  @TempDir static Path dir;
  private static Vertx vertx;
  private static TestOrigin origin;
  private static Process node;
  private static Process nginx;
  private static int nodeTls;
  private static int nodeHttp;
  private static int nginxTls;
  private static int nginxHttp;

  @BeforeAll
  static void start() throws Exception {
    vertx = Vertx.vertx();
    origin = new TestOrigin(vertx, "o").start();
    nodeTls = FreePorts.pick();
    nodeHttp = FreePorts.pick();
    nginxTls = FreePorts.pick();
    nginxHttp = FreePorts.pick();
    Path config = dir.resolve("gw.yaml");
    Files.writeString(
        config,
        """
        node: {id: h2-attacks}
        listeners:
          - {name: web, bind: 127.0.0.1:%d}
          - name: tls
            bind: 127.0.0.1:%d
            max-header-size: 16k
            tls: {certificates: [{cert: "%s", key: "%s"}]}
        upstreams:
          app: {servers: [{name: o, address: %s}]}
        routes: [{name: default, upstream: app}]
        """
            .formatted(
                nodeHttp,
                nodeTls,
                CERT.certificatePath(),
                CERT.privateKeyPath(),
                origin.address()));
    node = launchNode(config);
    nginx = launchNginx();
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(200))
        .until(
            () ->
                Probe.ok(nodeHttp)
                    && Probe.ok(nginxHttp)
                    && !RawHttp.refused(nodeTls)
                    && !RawHttp.refused(nginxTls));
    // Both warmed up alike (the node's JIT above all) before anything is measured.
    warmUp(nodeTls, nodeHttp);
    warmUp(nginxTls, nginxHttp);
  }

  private static void warmUp(int tlsPort, int httpPort) throws Exception {
    for (int round = 0; round < 20; round++) {
      try (H2Client c = H2Client.connect(tlsPort, "a.test")) {
        List<Integer> ids = new ArrayList<>();
        for (int i = 0; i < 50; i++) {
          ids.add(c.get("a.test", "/warm/" + i));
        }
        for (int id : ids) {
          c.await(id, Duration.ofSeconds(10));
        }
        rapidReset(c, 20);
      }
      for (int i = 0; i < 20; i++) {
        Probe.ok(httpPort);
      }
    }
  }

  @AfterAll
  static void stop() throws Exception {
    System.out.println("| attack | vxgate p50 / p99 / max (ms) | nginx p50 / p99 / max (ms) |");
    TABLE.forEach(System.out::println);
    Files.write(Path.of("target", "h2-attacks.md"), TABLE, StandardCharsets.UTF_8);
    if (node != null) {
      node.destroy();
    }
    if (nginx != null) {
      nginx.destroy();
    }
    if (origin != null) {
      origin.stop();
    }
    if (vertx != null) {
      vertx.close().await();
    }
  }

  /** The node as bin/vxgate runs it (its default JVM options), 2 event loops. */
  private static Process launchNode(Path config) throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd =
        List.of(
            java,
            "-Xms256m",
            "-Xmx256m",
            "-XX:+UseParallelGC",
            "-Dio.netty.leakDetection.level=disabled",
            "-Dio.netty.allocator.lowMemory=false",
            "-Dhazelcast.phone.home.enabled=false",
            "-Dhazelcast.logging.type=slf4j",
            "-cp",
            System.getProperty("java.class.path"),
            "io.vxgate.gateway.Main",
            "--config",
            config.toString(),
            "--event-loops",
            "2");
    return new ProcessBuilder(cmd)
        .redirectErrorStream(true)
        .redirectOutput(dir.resolve("gw.log").toFile())
        .start();
  }

  /** nginx with 2 workers (as the node has 2 event loops), its own prefix and temp dirs. */
  private static Process launchNginx() throws IOException {
    Path prefix = dir.resolve("nginx");
    Files.createDirectories(prefix.resolve("logs"));
    String proxy =
        "location / { proxy_pass http://o; proxy_http_version 1.1;"
            + " proxy_set_header Connection \"\"; }";
    Files.writeString(
        prefix.resolve("nginx.conf"),
        """
        daemon off;
        worker_processes 2;
        pid %1$s/nginx.pid;
        error_log %1$s/logs/error.log crit;
        events { worker_connections 4096; }
        http {
          access_log off;
          client_body_temp_path %1$s/body;
          proxy_temp_path %1$s/proxy;
          fastcgi_temp_path %1$s/fastcgi;
          uwsgi_temp_path %1$s/uwsgi;
          scgi_temp_path %1$s/scgi;
          upstream o { server %2$s; keepalive 64; }
          server {
            listen 127.0.0.1:%3$d ssl http2;
            ssl_certificate %4$s;
            ssl_certificate_key %5$s;
            large_client_header_buffers 4 16k;
            %6$s
          }
          server { listen 127.0.0.1:%7$d; %6$s }
        }
        """
            .formatted(
                prefix,
                origin.address(),
                nginxTls,
                CERT.certificatePath(),
                CERT.privateKeyPath(),
                proxy,
                nginxHttp));
    return new ProcessBuilder(
            "nginx", "-p", prefix.toString(), "-c", prefix.resolve("nginx.conf").toString())
        .redirectErrorStream(true)
        .redirectOutput(prefix.resolve("logs/stdout.log").toFile())
        .start();
  }

  /** An attack: what one attacking connection does until {@code stop}; loops reconnect. */
  @FunctionalInterface
  interface Attack {
    void run(H2Client c, AtomicBoolean stop) throws Exception;
  }

  static Stream<Arguments> attacks() {
    return Stream.of(
        Arguments.of("rapid reset (CVE-2023-44487)", (Attack) Http2AttackIT::rapidReset),
        Arguments.of("CONTINUATION flood", (Attack) Http2AttackIT::continuationFlood),
        Arguments.of("HPACK bomb", (Attack) Http2AttackIT::hpackBomb),
        Arguments.of("SETTINGS flood", (Attack) flood(H2Client.SETTINGS, 0, 0, new byte[0])),
        Arguments.of("PING flood", (Attack) flood(H2Client.PING, 0, 0, new byte[8])),
        Arguments.of("empty DATA flood", (Attack) Http2AttackIT::emptyDataFlood),
        Arguments.of(
            "WINDOW_UPDATE flood",
            (Attack) flood(H2Client.WINDOW_UPDATE, 0, 0, new byte[] {0, 0, 0, 1})),
        Arguments.of("stream-id exhaustion", (Attack) Http2AttackIT::streamIdExhaustion),
        Arguments.of("a window never opened", (Attack) Http2AttackIT::closedWindow),
        Arguments.of("a header block over max-header-size", (Attack) Http2AttackIT::bigHeaders));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("attacks")
  void theNodeStaysResponsive(String name, Attack attack) throws Exception {
    Outcome vx = attack(nodeTls, nodeHttp, attack, name.startsWith("a window"));
    Outcome ng = attack(nginxTls, nginxHttp, attack, name.startsWith("a window"));
    long rss = rssMiB(node.pid());
    TABLE.add(
        String.format(
            Locale.ROOT,
            "| %s | %s (%d GOAWAY/closed of %d conns, RSS %d MiB) | %s |",
            name,
            vx.probe(),
            vx.goAways(),
            vx.connections(),
            rss,
            ng.probe()));
    assertThat(node.isAlive()).as("the node runs").isTrue();
    assertThat(vx.probe().failures()).as("probes not answered").isZero();
    assertThat(vx.probe().count()).as("probes").isGreaterThan(10);
    assertThat(rss).as("the node's RSS (MiB)").isLessThan(600);
    if (!name.startsWith("a window")) {
      assertThat(vx.goAways())
          .as("attacking connections that got a GOAWAY or were closed")
          .isPositive();
    }
    // The goal is nginx's p99 or better, and the table prints both. The p99 of 3 s of probes is
    // their second-worst: on a loaded machine one stall of either process moves it by hundreds of
    // milliseconds, so the assertion allows that much.
    assertThat(vx.probe().p99())
        .as("probe p99 (ms) against nginx's %d", ng.probe().p99())
        .isLessThanOrEqualTo(Math.max(3 * ng.probe().p99(), ng.probe().p99() + 500));
  }

  /**
   * @param goAways attacking connections that ended by the server (GOAWAY or close)
   */
  record Outcome(Probe.Stats probe, int connections, int goAways) {}

  private static Outcome attack(int tlsPort, int httpPort, Attack attack, boolean keepOpen)
      throws Exception {
    AtomicBoolean stop = new AtomicBoolean();
    AtomicInteger connections = new AtomicInteger();
    AtomicInteger goAways = new AtomicInteger();
    List<H2Client> open = new java.util.concurrent.CopyOnWriteArrayList<>();
    List<Thread> attackers = new ArrayList<>();
    for (int t = 0; t < 2; t++) {
      Thread a =
          new Thread(
              () -> {
                while (!stop.get()) {
                  H2Client c = null;
                  try {
                    c = H2Client.connect(tlsPort, "a.test");
                    connections.incrementAndGet();
                    open.add(c);
                    attack.run(c, stop);
                    if (c.closedWithin(Duration.ofMillis(keepOpen ? 0 : 500))
                        || c.goAway() != null) {
                      goAways.incrementAndGet();
                    }
                  } catch (Exception e) {
                    if (c != null && (c.goAway() != null || c.closed())) {
                      goAways.incrementAndGet();
                    }
                  } finally {
                    if (c != null && !keepOpen) {
                      c.close();
                    }
                  }
                  if (keepOpen) {
                    return;
                  }
                }
              },
              "h2-attacker-" + t);
      a.setDaemon(true);
      attackers.add(a);
    }
    Probe probe = new Probe(httpPort);
    attackers.forEach(Thread::start);
    probe.start();
    Thread.sleep(ATTACK.toMillis());
    stop.set(true);
    Probe.Stats stats = probe.stop();
    for (Thread a : attackers) {
      a.join(5000);
    }
    open.forEach(H2Client::close);
    return new Outcome(stats, connections.get(), goAways.get());
  }

  // ---- the attacks

  private static final byte[] CANCEL = {0, 0, 0, 8};

  /** HEADERS then RST_STREAM at once, as fast as the connection takes them. */
  static void rapidReset(H2Client c, AtomicBoolean stop) throws Exception {
    while (!stop.get() && !c.closed()) {
      rapidReset(c, 50);
    }
  }

  private static void rapidReset(H2Client c, int pairs) throws IOException {
    for (int i = 0; i < pairs; i++) {
      int id = c.newStream();
      c.headers(id, H2Client.request("GET", "a.test", "/rr"), true);
      c.frame(H2Client.RST_STREAM, 0, id, CANCEL);
    }
    c.flush();
  }

  /** A HEADERS frame without END_HEADERS, then CONTINUATION frames that never end it. */
  static void continuationFlood(H2Client c, AtomicBoolean stop) throws Exception {
    int id = c.newStream();
    c.frame(H2Client.HEADERS, 0, id, c.headerBlock(H2Client.request("GET", "a.test", "/c")));
    Http2Headers more = new io.netty.handler.codec.http2.DefaultHttp2Headers(false);
    for (int i = 0; i < 20; i++) {
      more.add("x-h" + i, "v".repeat(40));
    }
    byte[] block = c.headerBlock(more);
    while (!stop.get() && !c.closed()) {
      for (int i = 0; i < 50; i++) {
        c.frame(H2Client.CONTINUATION, 0, id, block);
      }
      c.flush();
    }
  }

  /**
   * One 4 KiB field into the HPACK table, then header blocks that name it again and again (one byte
   * each): a few bytes on the wire decode to megabytes of fields.
   */
  static void hpackBomb(H2Client c, AtomicBoolean stop) throws Exception {
    Http2Headers first = H2Client.request("GET", "a.test", "/bomb");
    first.add("x-bomb", "b".repeat(4000));
    int id = c.newStream();
    c.headers(id, first, true);
    // The field is the newest entry of the dynamic table, index 62: 0xbe names it. The rest of
    // each block adds nothing to the table: :method GET, :scheme https, :path / from the static
    // table, :authority a.test as a literal without indexing.
    byte[] base = {(byte) 0x82, (byte) 0x87, (byte) 0x84, 0x01, 0x06, 'a', '.', 't', 'e', 's', 't'};
    while (!stop.get() && !c.closed()) {
      byte[] block = Arrays.copyOf(base, base.length + 4000);
      Arrays.fill(block, base.length, block.length, (byte) 0xbe);
      c.headers(c.newStream(), null, true, block);
      c.flush();
    }
  }

  static Attack flood(int type, int flags, int stream, byte[] payload) {
    return (c, stop) -> {
      while (!stop.get() && !c.closed()) {
        c.repeat(type, flags, stream, payload, 200);
      }
    };
  }

  /** A POST whose body comes as empty DATA frames only. */
  static void emptyDataFlood(H2Client c, AtomicBoolean stop) throws Exception {
    int id = c.newStream();
    c.headers(id, H2Client.request("POST", "a.test", "/empty"), false);
    while (!stop.get() && !c.closed()) {
      c.repeat(H2Client.DATA, 0, id, new byte[0], 200);
    }
  }

  /** A stream at the top of the id space, then one going back: the ids are exhausted. */
  static void streamIdExhaustion(H2Client c, AtomicBoolean stop) throws Exception {
    c.headers(0x7fffffff, H2Client.request("GET", "a.test", "/last"), true);
    c.headers(0x7ffffffd, H2Client.request("GET", "a.test", "/back"), true);
    c.flush();
    c.closedWithin(Duration.ofSeconds(1));
  }

  /** Window 0 (the client's SETTINGS): responses can never be sent; it asks for many. */
  static void closedWindow(H2Client c, AtomicBoolean stop) throws Exception {
    c.close();
    H2Client z = H2Client.connect(c.port(), "a.test", 0x4, 0);
    try {
      for (int i = 0; i < 100 && !stop.get(); i++) {
        z.get("a.test", "/win/" + i);
      }
      while (!stop.get()) {
        Thread.sleep(50);
      }
    } finally {
      z.close();
    }
  }

  /** Headers beyond the listener's max-header-size (16k). */
  static void bigHeaders(H2Client c, AtomicBoolean stop) throws Exception {
    while (!stop.get() && !c.closed()) {
      Http2Headers h = H2Client.request("GET", "a.test", "/big");
      for (int i = 0; i < 10; i++) {
        h.add("x-big-" + i, Integer.toString(i).repeat(4000));
      }
      int id = c.newStream();
      c.headers(id, h, true);
      c.flush();
      Thread.sleep(10);
    }
  }

  private static long rssMiB(long pid) throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc", Long.toString(pid), "status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("\\D+", "")) / 1024;
      }
    }
    return -1;
  }
}
