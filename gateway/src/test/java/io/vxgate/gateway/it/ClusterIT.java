package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.cluster.HealthView;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.ServerId;
import io.vxgate.cluster.Vote;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Three gateway nodes in three JVMs on loopback, clustered over Hazelcast, plus this JVM as a lite
 * member (a tool) that writes the config store and reads the health board.
 */
class ClusterIT {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(2));
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(2))
          .build();
  private final String clusterName = "it-" + UUID.randomUUID();
  private final int[] hzPorts = {freePort(), freePort(), freePort()};
  private final int[] webPorts = {freePort(), freePort(), freePort()};
  private final Process[] procs = new Process[3];
  private final List<TestOrigin> origins = new ArrayList<>();
  private ClusterNode driver;

  @AfterEach
  void tearDown() {
    if (driver != null) {
      driver.close().otherwiseEmpty().await();
    }
    for (Process p : procs) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    origins.forEach(TestOrigin::stop);
    vertx.close().await();
  }

  private TestOrigin origin(String name) {
    TestOrigin o = new TestOrigin(vertx, name).start();
    origins.add(o);
    return o;
  }

  @Test
  void configPropagatesKilledNodeLosesNoRequestsDutiesMoveRestartedNodeCatchesUp()
      throws Exception {
    TestOrigin o1 = origin("o1");
    TestOrigin o2 = origin("o2");
    TestOrigin o3 = origin("o3");
    for (int i = 0; i < 3; i++) {
      Files.writeString(file(i), yaml(i, o1, o2));
    }
    for (int i = 0; i < 3; i++) {
      procs[i] = launch(i);
    }
    for (int i = 0; i < 3; i++) {
      int n = i;
      await()
          .atMost(STARTUP)
          .pollInterval(Duration.ofMillis(200))
          .untilAsserted(() -> assertThat(body(n, "/")).isIn("o1", "o2"));
    }
    driver = ClusterTool.join(clusterName, hzPorts, STARTUP, "n1", "n2", "n3");

    // 1. a config change through the store reaches every node
    ConfigStore store = driver.configStore();
    ConfigStore.Entry seeded = store.current().await().orElseThrow();
    assertThat(seeded.version()).isEqualTo(1);
    JsonObject next = seeded.config().copy();
    next.getJsonObject("upstreams")
        .put(
            "v2",
            new JsonObject()
                .put(
                    "servers",
                    new JsonArray()
                        .add(new JsonObject().put("name", "o3").put("address", o3.address())))
                .put("health-check", healthCheck()));
    JsonArray routes =
        new JsonArray()
            .add(
                new JsonObject()
                    .put("name", "v2")
                    .put("match", new JsonObject().put("path-prefix", "/v2/"))
                    .put("upstream", "v2"));
    next.getJsonArray("routes").forEach(routes::add);
    next.put("routes", routes);
    long t0 = System.nanoTime();
    ConfigStore.Entry v2 = store.compareAndSet(1, next, "it-driver").await();
    long[] latency = new long[3];
    List<Thread> pollers = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      int n = i;
      Thread t =
          new Thread(
              () -> {
                await()
                    .atMost(Duration.ofSeconds(10))
                    .pollInterval(Duration.ofMillis(5))
                    .until(() -> "o3".equals(body(n, "/v2/x")));
                latency[n] = System.nanoTime() - t0;
              });
      t.start();
      pollers.add(t);
    }
    for (Thread t : pollers) {
      t.join();
    }
    for (int i = 0; i < 3; i++) {
      System.out.printf(
          "ClusterIT: config version %d reached n%d in %.1f ms (write included)%n",
          v2.version(), i + 1, latency[i] / 1e6);
      assertThat(latency[i]).isPositive().isLessThan(TimeUnit.SECONDS.toNanos(5));
    }

    // 2. an unhealthy origin: every node avoids it, including the nodes that do not check it
    o1.healthy = false;
    for (int i = 0; i < 3; i++) {
      int n = i;
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                for (int k = 0; k < 6; k++) {
                  assertThat(body(n, "/")).isEqualTo("o2");
                }
              });
    }
    HealthView.ServerHealth o1Health = driver.healthBoard().view().get(new ServerId("v1", "o1"));
    assertThat(o1Health.up()).isFalse();
    assertThat(o1Health.checkers()).hasSize(2);
    o1.healthy = true;
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> driver.healthBoard().view().get(new ServerId("v1", "o1")).up());

    // 3. kill -9 one node under traffic: the others lose no request; its duties move
    Map<ServerId, List<String>> before = checkers();
    String victim = "n3";
    assertThat(before.values()).anyMatch(c -> c.contains(victim));
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger ok = new AtomicInteger();
    AtomicInteger failed = new AtomicInteger();
    AtomicReference<String> lastFailure = new AtomicReference<>();
    List<Thread> traffic = new ArrayList<>();
    for (int i = 0; i < 2; i++) {
      int n = i;
      Thread t =
          new Thread(
              () -> {
                while (running.get()) {
                  try {
                    HttpResponse<String> r = get(n, "/");
                    if (r.statusCode() == 200) {
                      ok.incrementAndGet();
                    } else {
                      failed.incrementAndGet();
                      lastFailure.set("n" + (n + 1) + ": HTTP " + r.statusCode());
                    }
                  } catch (RuntimeException e) {
                    failed.incrementAndGet();
                    lastFailure.set("n" + (n + 1) + ": " + e);
                  }
                }
              });
      t.start();
      traffic.add(t);
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > 50);
    procs[2].destroyForcibly();
    long killed = System.nanoTime();
    await()
        .atMost(Duration.ofSeconds(15))
        .pollInterval(Duration.ofMillis(20))
        .untilAsserted(
            () -> {
              assertThat(driver.membership().members())
                  .extracting(Member::id)
                  .containsExactly("n1", "n2");
              for (ServerId server :
                  List.of(
                      new ServerId("v1", "o1"),
                      new ServerId("v1", "o2"),
                      new ServerId("v2", "o3"))) {
                HealthView.ServerHealth h = driver.healthBoard().view().get(server);
                assertThat(h).as(server.toString()).isNotNull();
                assertThat(h.checkers()).as(server.toString()).containsExactly("n1", "n2");
                assertThat(
                        h.votes().stream()
                            .filter(v -> v.kind() == Vote.Kind.ACTIVE)
                            .map(Vote::node)
                            .distinct()
                            .sorted()
                            .toList())
                    .as(server.toString())
                    .containsExactly("n1", "n2");
              }
            });
    double movedMs = (System.nanoTime() - killed) / 1e6;
    int okAtMove = ok.get();
    await().atMost(Duration.ofSeconds(5)).until(() -> ok.get() > okAtMove + 50);
    running.set(false);
    for (Thread t : traffic) {
      t.join();
    }
    System.out.printf(
        "ClusterIT: after kill -9 of n3: %d requests ok, %d failed at n1/n2; checking duties"
            + " moved in %.0f ms (before: %s)%n",
        ok.get(), failed.get(), movedMs, before);
    assertThat(failed.get()).as("failed requests, last: %s", lastFailure.get()).isZero();

    // 4. the restarted node rejoins and takes the cluster's current config, not its file's
    procs[2] = launch(2);
    await()
        .atMost(STARTUP)
        .pollInterval(Duration.ofMillis(100))
        .untilAsserted(() -> assertThat(body(2, "/v2/x")).isEqualTo("o3"));
    assertThat(store.current().await().orElseThrow().version()).isEqualTo(v2.version());
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () ->
                assertThat(driver.membership().members())
                    .extracting(Member::id)
                    .containsExactly("n1", "n2", "n3"));
  }

  private Map<ServerId, List<String>> checkers() {
    Map<ServerId, List<String>> out = new TreeMap<>();
    for (ServerId s :
        List.of(new ServerId("v1", "o1"), new ServerId("v1", "o2"), new ServerId("v2", "o3"))) {
      out.put(s, driver.healthBoard().checkers(s));
    }
    return out;
  }

  private static JsonObject healthCheck() {
    return new JsonObject()
        .put("type", "http")
        .put("path", "/health")
        .put("interval", "200ms")
        .put("timeout", "150ms")
        .put("rise", 1)
        .put("fall", 1);
  }

  private Path file(int i) {
    return dir.resolve("n" + (i + 1) + ".yaml");
  }

  private String yaml(int i, TestOrigin o1, TestOrigin o2) {
    StringBuilder members = new StringBuilder();
    for (int p : hzPorts) {
      members.append(members.length() == 0 ? "" : ", ").append("127.0.0.1:").append(p);
    }
    return """
        node: {id: n%d, datacenter: dc1}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [%s]}
        listeners:
          - {name: web, bind: 127.0.0.1:%d}
        admin: {bind: 127.0.0.1:%d}
        upstreams:
          v1:
            servers:
              - {name: o1, address: %s}
              - {name: o2, address: %s}
            health-check: {type: http, path: /health, interval: 200ms, timeout: 150ms, rise: 1, fall: 1}
        routes:
          - {name: default, upstream: v1}
        """
        .formatted(
            i + 1,
            clusterName,
            hzPorts[i],
            members,
            webPorts[i],
            freePort(),
            o1.address(),
            o2.address());
  }

  private Process launch(int i) throws IOException {
    Path log = dir.resolve("n" + (i + 1) + (procs[i] == null ? "" : "-restart") + ".log");
    return NodeProcess.launch(file(i), log);
  }

  private HttpResponse<String> get(int node, String path) {
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + webPorts[node] + path))
            .timeout(Duration.ofSeconds(5))
            .GET()
            .build();
    try {
      return http.send(req, HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IllegalStateException(e);
    }
  }

  private String body(int node, String path) {
    try {
      HttpResponse<String> r = get(node, path);
      return r.statusCode() == 200 ? r.body() : "HTTP " + r.statusCode();
    } catch (RuntimeException e) {
      return e.toString();
    }
  }

  private static int freePort() {
    return io.vxgate.testing.FreePorts.pick();
  }
}
