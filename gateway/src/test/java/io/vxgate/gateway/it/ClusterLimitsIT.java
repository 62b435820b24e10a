package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.testing.FreePorts;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Three gateway nodes in three JVMs ({@link NodeProcess}) clustered over Hazelcast on loopback, one
 * shared config; this JVM holds the origin and the load and joins the cluster as a tool (a lite
 * member) to write the config store. 20 s spread 70/20/10 over the nodes at three times a
 * cluster-scope limit admit the limit within 10%; the same policy changed to node scope through the
 * config store (as the admin API changes it; every node's log reports the new version) admits what
 * each node alone allows, node by node; a concurrency cap with a slow origin holds on every node
 * and, within its tolerance, for the cluster (docs/cluster.md, "Cluster-wide limits"). The node
 * logs are printed when it fails.
 */
class ClusterLimitsIT {
  private static final Logger log = LoggerFactory.getLogger(ClusterLimitsIT.class);
  private static final Duration STARTUP = Duration.ofSeconds(90);
  private static final double[] SPREAD = {0.7, 0.2, 0.1};
  private static final int RATE = 50;

  @TempDir Path dir;
  private final Vertx client = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final String clusterName = "limits-" + UUID.randomUUID();
  private final int[] hzPorts = {FreePorts.pick(), FreePorts.pick(), FreePorts.pick()};
  private final int[] webPorts = {FreePorts.pick(), FreePorts.pick(), FreePorts.pick()};
  private final Process[] procs = new Process[3];
  private final Map<String, AtomicInteger> inFlight = new ConcurrentHashMap<>();
  private final Map<String, AtomicInteger> maxInFlight = new ConcurrentHashMap<>();
  private final AtomicInteger total = new AtomicInteger();
  private final AtomicInteger maxTotal = new AtomicInteger();
  private volatile long slowMs;
  private HttpClient http;
  private ClusterNode driver;

  @AfterEach
  void stop() {
    if (driver != null) {
      driver.close().otherwiseEmpty().await();
    }
    for (Process p : procs) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    client.close().await();
  }

  /**
   * The origin: answers at once, or after {@link #slowMs}, counting requests in flight per node.
   */
  private int origin() {
    HttpServer s =
        client
            .createHttpServer()
            .requestHandler(
                r -> {
                  String via = String.valueOf(r.getHeader("X-Via"));
                  AtomicInteger mine = inFlight.computeIfAbsent(via, k -> new AtomicInteger());
                  maxInFlight
                      .computeIfAbsent(via, k -> new AtomicInteger())
                      .accumulateAndGet(mine.incrementAndGet(), Math::max);
                  maxTotal.accumulateAndGet(total.incrementAndGet(), Math::max);
                  Runnable answer =
                      () -> {
                        mine.decrementAndGet();
                        total.decrementAndGet();
                        r.response().end("ok");
                      };
                  if (slowMs > 0) {
                    client.setTimer(slowMs, id -> answer.run());
                  } else {
                    answer.run();
                  }
                })
            .listen(0, "127.0.0.1")
            .await();
    return s.actualPort();
  }

  private static String limits(String scope) {
    return """
        limits:
          api: {rate: %d/s, burst: 10, nodelay: true, scope: %s}
          conns: {concurrency: 6, key: route}
        """
        .formatted(RATE, scope);
  }

  private Path file(int i) {
    return dir.resolve("n" + (i + 1) + ".yaml");
  }

  private Path logFile(int i) {
    return dir.resolve("n" + (i + 1) + ".log");
  }

  /** Node {@code i}'s config file; {@code /ready} (no limit) tells when it serves. */
  private String yaml(int i, int origin) {
    StringBuilder members = new StringBuilder();
    for (int p : hzPorts) {
      members.append(members.length() == 0 ? "" : ", ").append("127.0.0.1:").append(p);
    }
    return """
        node: {id: n%d}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [%s]}
        listeners: [{name: web, bind: 127.0.0.1:%d}]
        admin: {bind: 127.0.0.1:%d}
        %s
        upstreams:
          app: {servers: [{name: o, address: 127.0.0.1:%d}], timeouts: {response: 30s}}
        routes:
          - {name: ready, match: {path-prefix: /ready}, upstream: app}
          - {name: slow, match: {path-prefix: /slow}, upstream: app, limits: [conns]}
          - {name: api, upstream: app, limits: [api]}
        """
        .formatted(
            i + 1,
            clusterName,
            hzPorts[i],
            members,
            webPorts[i],
            FreePorts.pick(),
            limits("cluster"),
            origin);
  }

  /** Node {@code i}'s log so far ("" before it exists). */
  private String log(int i) {
    try {
      Path f = logFile(i);
      return Files.exists(f) ? Files.readString(f) : "";
    } catch (IOException e) {
      return e.toString();
    }
  }

  /** Prints every node's log (on a failure). */
  private void printLogs() {
    StringBuilder b = new StringBuilder("ClusterLimitsIT: node logs\n");
    for (int i = 0; i < 3; i++) {
      b.append("==== n").append(i + 1).append('\n').append(log(i));
    }
    System.out.println(b);
  }

  /** The status of a GET of {@code path} at node {@code i}, or -1 when it fails. */
  private int status(int i, String path) {
    try {
      return http.request(HttpMethod.GET, port(i), "127.0.0.1", path)
          .compose(req -> req.send().compose(r -> r.body().map(b -> r.statusCode())))
          .await();
    } catch (Exception e) { // refused before it listens: await throws the cause as it is
      return -1;
    }
  }

  /**
   * Starts the three node JVMs, waits until each serves, then joins the cluster as a tool and waits
   * until it sees the three nodes.
   */
  private void startCluster(int origin) throws IOException {
    for (int i = 0; i < 3; i++) {
      Files.writeString(file(i), yaml(i, origin));
    }
    for (int i = 0; i < 3; i++) {
      procs[i] = NodeProcess.launch(file(i), logFile(i));
    }
    for (int i = 0; i < 3; i++) {
      int n = i;
      await()
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(
              () -> {
                assertThat(procs[n].isAlive()).as("n%d is running", n + 1).isTrue();
                assertThat(status(n, "/ready")).isEqualTo(200);
              });
    }
    driver = ClusterTool.join(clusterName, hzPorts, STARTUP, "n1", "n2", "n3");
  }

  private int port(int i) {
    return webPorts[i];
  }

  /**
   * Sends {@code perSecond} requests a second spread {@link #SPREAD} over the nodes for {@code
   * seconds}, each at its planned time; returns the 200s per node (every answer is 200 or 429).
   */
  private long[] load(double perSecond, int seconds) throws Exception {
    long[] ok = new long[3];
    AtomicLong other = new AtomicLong();
    long[] sent = new long[3];
    AtomicInteger outstanding = new AtomicInteger();
    long t0 = System.nanoTime();
    CountDownLatch done = new CountDownLatch(1);
    AtomicLong[] okCount = {new AtomicLong(), new AtomicLong(), new AtomicLong()};
    client.setPeriodic(
        5,
        id -> {
          double elapsed = (System.nanoTime() - t0) / 1e9;
          for (int i = 0; i < 3; i++) {
            long due = (long) (Math.min(elapsed, seconds) * perSecond * SPREAD[i]);
            while (sent[i] < due) {
              sent[i]++;
              outstanding.incrementAndGet();
              int node = i;
              http.request(HttpMethod.GET, port(i), "127.0.0.1", "/api")
                  .compose(req -> req.send().compose(r -> r.body().map(b -> r.statusCode())))
                  .onComplete(
                      ar -> {
                        if (ar.succeeded() && ar.result() == 200) {
                          okCount[node].incrementAndGet();
                        } else if (!ar.succeeded() || ar.result() != 429) {
                          other.incrementAndGet();
                        }
                        outstanding.decrementAndGet();
                      });
            }
          }
          if (elapsed >= seconds && outstanding.get() == 0) {
            client.cancelTimer(id);
            done.countDown();
          }
        });
    assertThat(done.await(seconds + 60, TimeUnit.SECONDS)).isTrue();
    assertThat(other.get()).as("answers neither 200 nor 429").isZero();
    for (int i = 0; i < 3; i++) {
      ok[i] = okCount[i].get();
    }
    log.info(
        "offered {} per node, admitted {}",
        java.util.Arrays.toString(sent),
        java.util.Arrays.toString(ok));
    return ok;
  }

  /**
   * Changes the {@code api} policy's scope as the admin API changes config (read the cluster's
   * current entry, edit, compare-and-set) and waits until every node's log says it applied the new
   * version.
   */
  private void changeLimits(String scope) {
    ConfigStore store = driver.configStore();
    ConfigStore.Entry current = store.current().await().orElseThrow();
    JsonObject next = current.config().copy();
    JsonObject api = next.getJsonObject("limits").getJsonObject("api");
    api.put("scope", scope);
    ConfigStore.Entry written = store.compareAndSet(current.version(), next, "it@driver").await();
    Pattern applied =
        Pattern.compile("cluster config version applied .*\\bversion=" + written.version() + "\\b");
    for (int i = 0; i < 3; i++) {
      int n = i;
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .untilAsserted(
              () ->
                  assertThat(applied.matcher(log(n)).find())
                      .as("n%d applied version %d", n + 1, written.version())
                      .isTrue());
    }
  }

  @Test
  void aClusterLimitHoldsForTheClusterANodeLimitPerNodeAndConcurrencyEverywhere() throws Exception {
    try {
      scenarios();
    } catch (Throwable t) {
      printLogs();
      throw t;
    }
  }

  private void scenarios() throws Exception {
    http =
        client.createHttpClient(
            new HttpClientOptions().setKeepAlive(true).setConnectTimeout(5000),
            new PoolOptions().setHttp1MaxSize(32));
    startCluster(origin());

    // cluster scope: 150/s offered, 50/s admitted, whatever node the requests came to
    long[] cluster = load(3.0 * RATE, 20);
    long admitted = cluster[0] + cluster[1] + cluster[2];
    assertThat(admitted).isBetween((long) (RATE * 20 * 0.9), (long) (RATE * 20 * 1.1));
    // each node's clients get about the same fraction through
    for (int i = 0; i < 3; i++) {
      assertThat((double) cluster[i] / admitted).isBetween(SPREAD[i] - 0.07, SPREAD[i] + 0.07);
    }

    // the same policy with node scope, changed as the admin API changes it: each node alone
    // admits up to 50/s of its 105, 30 and 15/s: 95/s
    changeLimits("node");
    long[] node = load(3.0 * RATE, 20);
    long perNode = node[0] + node[1] + node[2];
    double expected = (Math.min(RATE, 105) + 30 + 15) * 20.0;
    assertThat(perNode).isBetween((long) (expected * 0.9), (long) (expected * 1.1));
    // seen from outside, every node runs the new scope: each admits what it alone allows (with the
    // cluster scope the two lighter nodes admitted about 200 and 100)
    double[] alone = {Math.min(RATE, 105) * 20.0, 30 * 20.0, 15 * 20.0};
    for (int i = 0; i < 3; i++) {
      assertThat((double) node[i])
          .as("admitted at n%d", i + 1)
          .isBetween(alone[i] * 0.9, alone[i] * 1.1);
    }

    // a concurrency cap of 6 with an origin that takes 300 ms: 20 clients, 14/4/2 over the nodes
    slowMs = 300;
    maxTotal.set(0);
    maxInFlight.clear();
    int[] clients = {14, 4, 2};
    AtomicInteger refused = new AtomicInteger();
    AtomicInteger served = new AtomicInteger();
    CountDownLatch finished = new CountDownLatch(20);
    long end = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
    for (int i = 0; i < 3; i++) {
      for (int c = 0; c < clients[i]; c++) {
        loop(i, end, served, refused, finished);
      }
    }
    // the nodes start knowing nothing of each other's requests in flight: each may take the whole
    // cap until the first reports (100 ms); from then on, the cluster-wide count holds. Two rounds
    // of the cap served (600 ms of the origin's time at least) is past the first reports.
    await().atMost(Duration.ofSeconds(30)).until(() -> served.get() >= 12);
    int atStart = maxTotal.getAndSet(0);
    assertThat(atStart).isLessThanOrEqualTo(6 * 3);
    assertThat(finished.await(60, TimeUnit.SECONDS)).isTrue();
    log.info("concurrency 6: most in flight in all until the first reports {}", atStart);
    log.info(
        "concurrency 6: served {}, refused {}, most in flight per node {}, in all {}",
        served,
        refused,
        maxInFlight,
        maxTotal);
    for (int i = 0; i < 3; i++) {
      AtomicInteger m = maxInFlight.get("n" + (i + 1));
      assertThat(m == null ? 0 : m.get()).isLessThanOrEqualTo(6);
    }
    assertThat(maxTotal.get()).isLessThanOrEqualTo(6 + 2);
    assertThat(refused.get()).isPositive();
    // 10 s of 300 ms requests, 6 at a time at most: about 200
    assertThat(served.get()).isBetween(100, 230);
  }

  /** One client: requests to node {@code i}'s slow route one after another until {@code end}. */
  private void loop(
      int i, long end, AtomicInteger served, AtomicInteger refused, CountDownLatch finished) {
    if (System.nanoTime() >= end) {
      finished.countDown();
      return;
    }
    http.request(HttpMethod.GET, port(i), "127.0.0.1", "/slow")
        .compose(
            req ->
                req.putHeader("X-Via", "n" + (i + 1))
                    .send()
                    .compose(r -> r.body().map(b -> r.statusCode())))
        .onComplete(
            ar -> {
              if (ar.succeeded() && ar.result() == 200) {
                served.incrementAndGet();
                loop(i, end, served, refused, finished);
              } else {
                refused.incrementAndGet();
                // a refused client comes back a little later
                client.setTimer(20, id -> loop(i, end, served, refused, finished));
              }
            });
  }
}
