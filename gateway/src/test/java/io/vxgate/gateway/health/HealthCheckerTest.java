package io.vxgate.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.net.NetServer;
import io.vertx.core.net.SelfSignedCertificate;
import io.vertx.junit5.VertxExtension;
import io.vxgate.config.HealthCheckConfig;
import io.vxgate.config.HostPort;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.random.RandomGenerator;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;

/** Active checks against real Vert.x servers on ephemeral ports (interval 50ms, timeout 200ms). */
@ExtendWith(VertxExtension.class)
class HealthCheckerTest {

  private static final Duration INTERVAL = Duration.ofMillis(50);
  private static final Duration TIMEOUT = Duration.ofMillis(200);
  private static final Duration AT_MOST = Duration.ofSeconds(5);
  private static final int RISE = 2;
  private static final int FALL = 3;

  private Vertx vertx;
  private final List<HealthChecker> checkers = new ArrayList<>();
  private final List<String> transitions = new CopyOnWriteArrayList<>();

  // the origin: answers `status` (or nothing when `status` is 0), counts answers per status
  private final AtomicInteger status = new AtomicInteger(200);
  private final Map<Integer, AtomicInteger> answered = new ConcurrentHashMap<>();
  private final AtomicInteger requests = new AtomicInteger();
  private final AtomicReference<MultiMap> lastHeaders = new AtomicReference<>();
  private final AtomicReference<String> lastPath = new AtomicReference<>();
  private final AtomicReference<String> lastMethod = new AtomicReference<>();
  private final AtomicReference<String> body = new AtomicReference<>("ok");
  private int port;

  @BeforeEach
  void startOrigin(Vertx vertx) {
    this.vertx = vertx;
    HttpServer server =
        vertx
            .createHttpServer()
            .requestHandler(
                req -> {
                  requests.incrementAndGet();
                  lastHeaders.set(req.headers());
                  lastPath.set(req.path());
                  lastMethod.set(req.method().name());
                  int s = status.get();
                  if (s == 0) {
                    return; // never answer
                  }
                  answered.computeIfAbsent(s, k -> new AtomicInteger()).incrementAndGet();
                  req.response().setStatusCode(s).end(body.get());
                });
    port = server.listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterEach
  void stopCheckers() throws TimeoutException {
    // Bounded: a client close that never completes (seen once at load 20) must fail the test,
    // not hang the build.
    for (HealthChecker c : checkers) {
      c.stop().await(10, TimeUnit.SECONDS);
    }
  }

  @Test
  void healthyServerStaysUp() {
    HealthChecker checker = start(http(200, 299), new ActiveHealth(RISE, FALL));

    await().atMost(AT_MOST).until(() -> requests.get() >= 5);
    assertThat(checker.health().isUp()).isTrue();
    assertThat(transitions).isEmpty();
  }

  @Test
  void sendsGetWithHostUserAgentAndConnectionClose() {
    start(http(200, 299), new ActiveHealth(RISE, FALL));

    await().atMost(AT_MOST).until(() -> requests.get() >= 1);
    MultiMap headers = lastHeaders.get();
    assertThat(lastPath.get()).isEqualTo("/health");
    assertThat(headers.getAll("host")).containsExactly("127.0.0.1:" + port);
    assertThat(headers.get("user-agent")).isEqualTo("vxgate-health");
    assertThat(headers.get("connection")).isEqualToIgnoringCase("close");
  }

  @Test
  void sendsTheMethodHostAndHeadersOfTheConfig() {
    HealthChecker checker =
        start(
            http(
                HealthCheckConfig.Expect.range(200, 299),
                "HEAD",
                "app.example:8080",
                Map.of("X-Probe", "1", "User-Agent", "lb")),
            new ActiveHealth(RISE, FALL, false));

    await().atMost(AT_MOST).until(() -> checker.health().isUp());
    MultiMap headers = lastHeaders.get();
    assertThat(lastMethod.get()).isEqualTo("HEAD");
    assertThat(headers.getAll("host")).containsExactly("app.example:8080");
    assertThat(headers.getAll("user-agent")).containsExactly("lb");
    assertThat(headers.get("x-probe")).isEqualTo("1");
  }

  @Test
  void expectAcceptsAStatusListAndRejectsTheOthers() {
    status.set(204);
    HealthChecker checker =
        start(
            expect(new HealthCheckConfig.Expect(statuses(200, 200, 204, 204, 300, 399), null)),
            new ActiveHealth(RISE, FALL, false));
    await().atMost(AT_MOST).until(() -> checker.health().isUp());
    status.set(202);
    await().atMost(AT_MOST).until(() -> !checker.health().isUp());
    assertThat(transitions).containsExactly("UP HTTP 204", "DOWN HTTP 202");
  }

  @Test
  void expectBodyTextOrRegexMarksAServerDownWhenTheBodyDoesNotHoldIt() {
    body.set("{\"status\": \"ok\"}");
    HealthChecker regex =
        start(
            expect(new HealthCheckConfig.Expect(statuses(200, 299), "~\"status\": *\"ok\"")),
            new ActiveHealth(RISE, FALL, false));
    HealthChecker text =
        start(
            expect(new HealthCheckConfig.Expect(statuses(200, 299), "ok")),
            new ActiveHealth(RISE, FALL, false));
    await().atMost(AT_MOST).until(() -> regex.health().isUp() && text.health().isUp());

    body.set("{\"status\": \"degraded\"}");
    await().atMost(AT_MOST).until(() -> !regex.health().isUp() && !text.health().isUp());
    assertThat(transitions)
        .contains(
            "DOWN HTTP 200, body does not match ~\"status\": *\"ok\"",
            "DOWN HTTP 200, body does not contain ok");
  }

  @Test
  void goesDownAfterFallFailuresAndUpAfterRiseSuccesses() {
    AtomicInteger failuresAtDown = new AtomicInteger(-1);
    AtomicInteger successesAtUp = new AtomicInteger(-1);
    AtomicInteger okBase = new AtomicInteger();
    HealthChecker checker =
        start(
            http(200, 299),
            new ActiveHealth(RISE, FALL),
            (up, reason) -> {
              if (up) {
                successesAtUp.set(count(200) - okBase.get());
              } else {
                failuresAtDown.set(count(500));
              }
            });
    await().atMost(AT_MOST).until(() -> count(200) >= 2);

    status.set(500);
    await().atMost(AT_MOST).until(() -> transitions.size() == 1);
    assertThat(transitions).containsExactly("DOWN HTTP 500");
    assertThat(failuresAtDown).hasValue(FALL);
    assertThat(checker.health().isUp()).isFalse();

    okBase.set(count(200)); // no 200 can be answered while the origin answers 500
    status.set(200);
    await().atMost(AT_MOST).until(() -> transitions.size() == 2);
    assertThat(transitions).containsExactly("DOWN HTTP 500", "UP HTTP 200");
    assertThat(successesAtUp).hasValue(RISE);
    assertThat(checker.health().isUp()).isTrue();
  }

  @Test
  void unansweredChecksTimeOutAndDoNotExhaustThePool() {
    status.set(0);
    HealthChecker checker = start(http(200, 299), new ActiveHealth(RISE, FALL));

    await().atMost(AT_MOST).until(() -> transitions.size() == 1);
    assertThat(transitions).containsExactly("DOWN timeout after 200ms");
    assertThat(checker.health().isUp()).isFalse();
    // timed-out requests are reset, so later checks still get a connection (pool of 2)
    await().atMost(AT_MOST).until(() -> requests.get() >= FALL + 3);
  }

  @Test
  void expectRangeAccepts302() {
    status.set(302);
    HealthChecker checker = start(http(200, 399), new ActiveHealth(RISE, FALL, false));

    await().atMost(AT_MOST).until(() -> checker.health().isUp());
    assertThat(transitions).containsExactly("UP HTTP 302");
  }

  @Test
  void expectRangeRejects404() {
    status.set(404);
    HealthChecker checker = start(http(200, 399), new ActiveHealth(RISE, FALL));

    await().atMost(AT_MOST).until(() -> !checker.health().isUp());
    assertThat(transitions).containsExactly("DOWN HTTP 404");
  }

  @Test
  void tcpCheckSeesListeningServerUp() {
    AtomicInteger connections = new AtomicInteger();
    NetServer tcp = vertx.createNetServer().connectHandler(s -> connections.incrementAndGet());
    int tcpPort = tcp.listen(0, "127.0.0.1").await().actualPort();
    HealthChecker checker = start(tcp(), new ActiveHealth(RISE, FALL, false), tcpPort);

    await().atMost(AT_MOST).until(() -> checker.health().isUp());
    assertThat(transitions).containsExactly("UP TCP connect ok");
    assertThat(connections.get()).isGreaterThanOrEqualTo(RISE);
  }

  @Test
  void tcpCheckSeesClosedPortDown() {
    NetServer tcp = vertx.createNetServer().connectHandler(s -> {});
    int closedPort = tcp.listen(0, "127.0.0.1").await().actualPort();
    tcp.close().await();
    HealthChecker checker = start(tcp(), new ActiveHealth(RISE, FALL), closedPort);

    await().atMost(AT_MOST).until(() -> !checker.health().isUp());
    assertThat(transitions).containsExactly("DOWN connect refused");
  }

  @Test
  void stopEndsTheChecks() {
    HealthChecker checker = start(http(200, 299), new ActiveHealth(RISE, FALL));
    await().atMost(AT_MOST).until(() -> requests.get() >= 2);

    checker.stop().await();
    int seen = requests.get();
    await().during(INTERVAL.multipliedBy(6)).atMost(AT_MOST).until(() -> requests.get() == seen);
  }

  @Test
  void httpsCheckTrustsAnySelfSignedCertificate() {
    SelfSignedCertificate cert = SelfSignedCertificate.create("origin.internal");
    try {
      HttpServer https =
          vertx
              .createHttpServer(
                  new HttpServerOptions().setSsl(true).setKeyCertOptions(cert.keyCertOptions()))
              .requestHandler(req -> req.response().end());
      int httpsPort = https.listen(0, "127.0.0.1").await().actualPort();
      // A TLS handshake takes more than the other checks' 200 ms on a loaded machine.
      HealthCheckConfig config =
          new HealthCheckConfig(
              HealthCheckConfig.Type.HTTP,
              "/health",
              INTERVAL,
              Duration.ofSeconds(3),
              RISE,
              FALL,
              200,
              299);
      HealthChecker checker =
          start(
              config,
              new ActiveHealth(RISE, FALL, false),
              httpsPort,
              true,
              new SplittableRandom(42),
              (up, reason) -> {});

      await().atMost(Duration.ofSeconds(30)).until(() -> checker.health().isUp());
      assertThat(transitions).containsExactly("UP HTTP 200");
    } finally {
      cert.delete();
    }
  }

  @Test
  void firstCheckWaitsForTheRandomDelayWithinTheInterval() {
    Duration interval = Duration.ofMillis(600);
    RandomGenerator highest =
        new RandomGenerator() {
          @Override
          public long nextLong() {
            return -1L;
          }

          @Override
          public long nextLong(long bound) {
            return bound - 1; // the whole interval
          }
        };
    start(
        new HealthCheckConfig(
            HealthCheckConfig.Type.HTTP, "/health", interval, TIMEOUT, RISE, FALL, 200, 299),
        new ActiveHealth(RISE, FALL),
        port,
        false,
        highest,
        (up, reason) -> {});

    await().during(Duration.ofMillis(400)).atMost(AT_MOST).until(() -> requests.get() == 0);
    await().atMost(AT_MOST).until(() -> requests.get() >= 1);
  }

  private int count(int s) {
    AtomicInteger n = answered.get(s);
    return n == null ? 0 : n.get();
  }

  private static HealthCheckConfig http(int expectMin, int expectMax) {
    return new HealthCheckConfig(
        HealthCheckConfig.Type.HTTP,
        "/health",
        INTERVAL,
        TIMEOUT,
        RISE,
        FALL,
        expectMin,
        expectMax);
  }

  /** An HTTP check of /health with these settings. */
  private static HealthCheckConfig http(
      HealthCheckConfig.Expect expect, String method, String host, Map<String, String> headers) {
    HealthCheckConfig c = http(100, 599);
    return new HealthCheckConfig(
        c.type(),
        c.path(),
        c.interval(),
        c.timeout(),
        c.rise(),
        c.fall(),
        expect,
        method,
        host,
        new java.util.TreeMap<>(headers));
  }

  private static HealthCheckConfig expect(HealthCheckConfig.Expect expect) {
    return http(expect, "GET", null, Map.of());
  }

  /** Status ranges from pairs of bounds. */
  private static List<HealthCheckConfig.StatusRange> statuses(int... bounds) {
    List<HealthCheckConfig.StatusRange> out = new ArrayList<>();
    for (int i = 0; i < bounds.length; i += 2) {
      out.add(new HealthCheckConfig.StatusRange(bounds[i], bounds[i + 1]));
    }
    return out;
  }

  private static HealthCheckConfig tcp() {
    return new HealthCheckConfig(
        HealthCheckConfig.Type.TCP, null, INTERVAL, TIMEOUT, RISE, FALL, 0, 0);
  }

  private HealthChecker start(HealthCheckConfig config, ActiveHealth health) {
    return start(config, health, (up, reason) -> {});
  }

  private HealthChecker start(HealthCheckConfig config, ActiveHealth health, int targetPort) {
    return start(config, health, targetPort, false, new SplittableRandom(42), (up, reason) -> {});
  }

  private HealthChecker start(HealthCheckConfig config, ActiveHealth health, HealthListener extra) {
    return start(config, health, port, false, new SplittableRandom(42), extra);
  }

  private HealthChecker start(
      HealthCheckConfig config,
      ActiveHealth health,
      int targetPort,
      boolean tls,
      RandomGenerator random,
      HealthListener extra) {
    HealthChecker checker =
        new HealthChecker(
            vertx,
            new HostPort("127.0.0.1", targetPort),
            tls,
            config,
            health,
            random,
            (up, reason) -> {
              extra.onTransition(up, reason);
              transitions.add((up ? "UP " : "DOWN ") + reason);
            });
    checkers.add(checker);
    checker.start();
    return checker;
  }
}
