package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.ProxyMetrics;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Limits on one node (scope node): refused requests get 429 with Retry-After and the RateLimit
 * fields and never reach the origin, the burst waits its turn on the event loop's timer, requests
 * and WebSocket sessions in flight are capped per key, exempt clients and requests without the key
 * are not counted, and every refusal and delay is counted per policy and a refusal logged as {@code
 * refused-limit}.
 */
class RateLimitIT {
  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;
  private final Map<String, AtomicInteger> counted = new ConcurrentHashMap<>();
  private TestOrigin origin;

  private void start(String limits, String routeLimits) {
    h.metrics =
        new ProxyMetrics() {
          @Override
          public void limited(String policy, String outcome) {
            counted
                .computeIfAbsent(policy + " " + outcome, k -> new AtomicInteger())
                .incrementAndGet();
          }
        };
    origin = h.origin("o");
    h.gateway(
        """
        %LISTENER%
        access-log: {format: json, file: LOG}
        limits:
        LIMITS
        upstreams:
          app: {servers: [{name: o, address: $O}], timeouts: {response: 20s}}
        routes:
          - {name: free, match: {path-prefix: /free}, upstream: app}
          - {name: limited, upstream: app, limits: ROUTE_LIMITS}
        """
            .replace("ROUTE_LIMITS", routeLimits)
            .replace("LIMITS", limits.indent(2))
            .replace("$O", origin.address())
            .replace("LOG", accessLog().toString()));
  }

  private Path accessLog() {
    return dir.resolve("access.log");
  }

  /** The access log's lines once it has {@code n}, as JSON. */
  private List<JsonObject> logLines(int n) {
    List<JsonObject> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              out.clear();
              for (String l : Files.readAllLines(accessLog(), StandardCharsets.UTF_8)) {
                out.add(new JsonObject(l));
              }
              assertThat(out).hasSize(n);
            });
    return out;
  }

  private int count(String key) {
    AtomicInteger n = counted.get(key);
    return n == null ? 0 : n.get();
  }

  @Test
  void overTheBurstRequestsGet429WithRetryAfterAndTheRateLimitFieldsAndNeverReachTheOrigin() {
    // 1/m: nothing leaks during the test (a request leaks in 62.5 s, nginx's 16/1000 per second)
    start("per-ip: {rate: 1/m, burst: 2, nodelay: true, scope: node}", "[per-ip]");
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> refused = null;
    for (int i = 0; i < 5; i++) {
      HttpResponse<String> r = h.get("/x");
      statuses.add(r.statusCode());
      if (r.statusCode() == 429) {
        refused = r;
      }
    }
    assertThat(statuses).containsExactly(200, 200, 200, 429, 429);
    assertThat(origin.requests.get()).isEqualTo(3);
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("63");
    assertThat(refused.headers().firstValue("RateLimit-Policy")).hasValue("\"per-ip\";q=1;w=60");
    assertThat(refused.headers().firstValue("RateLimit")).hasValue("\"per-ip\";r=0;t=63");
    assertThat(refused.headers().firstValue("X-Request-Id")).isPresent();
    assertThat(refused.body()).isEqualTo("429 Too Many Requests\n");
    assertThat(count("per-ip refused")).isEqualTo(2);
    List<JsonObject> lines = logLines(5);
    assertThat(lines.stream().map(l -> l.getInteger("status")).toList())
        .containsExactly(200, 200, 200, 429, 429);
    assertThat(lines.stream().map(l -> l.getString("termination")).toList())
        .containsExactly("ok", "ok", "ok", "refused-limit", "refused-limit");
    // a route without the policy is not held to it
    assertThat(h.get("/free").statusCode()).isEqualTo(200);
  }

  @Test
  void theBurstWaitsItsTurnOnATimerWithItsBodyAndTheFirstDelayPassAtOnce() throws Exception {
    // 2/s, a burst of 4, the first 1 of it at once: excess 0, 1, 2, 3, 4 requests wait 0, 0, 0.5,
    // 1 and 1.5 s (less what leaks while they arrive)
    start("slow: {rate: 2/s, burst: 4, delay: 1, scope: node}", "[slow]");
    long t0 = System.nanoTime();
    List<CompletableFuture<Long>> done = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      int n = i;
      done.add(
          CompletableFuture.supplyAsync(
              () -> {
                HttpResponse<String> r = h.send("POST", "/echo", "body-" + n);
                assertThat(r.statusCode()).isEqualTo(200);
                assertThat(r.body()).isEqualTo("body-" + n);
                return System.nanoTime() - t0;
              }));
    }
    List<Long> took = new ArrayList<>();
    for (CompletableFuture<Long> f : done) {
      took.add(TimeUnit.NANOSECONDS.toMillis(f.get(30, TimeUnit.SECONDS)));
    }
    took.sort(null);
    // the last waited for at least the leak of about three requests (1.5 s less the arrival spread)
    assertThat(took.get(4)).isGreaterThan(1000);
    assertThat(count("slow delayed")).isBetween(1, 3);
    assertThat(count("slow refused")).isZero();
    assertThat(origin.seen).hasSize(5);
  }

  @Test
  void requestsInFlightAreCappedPerKeyAndRequestsWithoutTheKeyAreNotCounted() throws Exception {
    start("per-user: {concurrency: 2, key: \"header:X-User\", scope: node}", "[per-user]");
    origin.mode = TestOrigin.Mode.DELAY;
    origin.delayMs = 1500;
    List<CompletableFuture<HttpResponse<String>>> a = new ArrayList<>();
    for (int i = 0; i < 5; i++) {
      a.add(CompletableFuture.supplyAsync(() -> h.get("/x", "X-User", "alice")));
    }
    List<CompletableFuture<HttpResponse<String>>> anonymous = new ArrayList<>();
    for (int i = 0; i < 3; i++) {
      anonymous.add(CompletableFuture.supplyAsync(() -> h.get("/x")));
    }
    List<Integer> statuses = new ArrayList<>();
    HttpResponse<String> refused = null;
    for (CompletableFuture<HttpResponse<String>> f : a) {
      HttpResponse<String> r = f.get(30, TimeUnit.SECONDS);
      statuses.add(r.statusCode());
      if (r.statusCode() == 429) {
        refused = r;
      }
    }
    assertThat(statuses).containsOnly(200, 429);
    assertThat(statuses.stream().filter(s -> s == 200).count()).isEqualTo(2);
    assertThat(refused.headers().firstValue("RateLimit-Policy"))
        .hasValue("\"per-user\";q=2;qu=\"concurrent-requests\"");
    assertThat(refused.headers().firstValue("Retry-After")).hasValue("1");
    for (CompletableFuture<HttpResponse<String>> f : anonymous) {
      assertThat(f.get(30, TimeUnit.SECONDS).statusCode()).isEqualTo(200);
    }
    // the places are given back at the end: alice again, twice at once
    origin.mode = TestOrigin.Mode.OK;
    assertThat(h.get("/x", "X-User", "alice").statusCode()).isEqualTo(200);
    assertThat(count("per-user refused")).isEqualTo(3);
  }

  @Test
  void exemptClientsAreNeverCounted() {
    start("strict: {rate: 1/m, exempt: [127.0.0.0/8], scope: node}", "[strict]");
    for (int i = 0; i < 5; i++) {
      assertThat(h.get("/x").statusCode()).isEqualTo(200);
    }
  }

  @Test
  void aWebSocketSessionHoldsItsPlaceUntilItCloses() throws Exception {
    start("one: {concurrency: 1, key: route, scope: node}", "[one]");
    WebSocketClient client =
        h.vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(10_000));
    try {
      WebSocket first = client.connect(h.port, "127.0.0.1", "/ws").await();
      Throwable refusal = null;
      try {
        client.connect(h.port, "127.0.0.1", "/ws").await();
      } catch (RuntimeException e) {
        refusal = e;
        while (!(refusal instanceof UpgradeRejectedException) && refusal.getCause() != null) {
          refusal = refusal.getCause();
        }
      }
      assertThat(refusal).isInstanceOf(UpgradeRejectedException.class);
      assertThat(((UpgradeRejectedException) refusal).getStatus()).isEqualTo(429);
      first.close().await();
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(
              () -> {
                WebSocket again = client.connect(h.port, "127.0.0.1", "/ws").await();
                again.close().await();
              });
    } finally {
      client.close().await();
    }
  }
}
