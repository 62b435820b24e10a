package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerRequest;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicReference;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Active HTTP checks with {@code method}, {@code host}, {@code headers} and {@code expect}
 * (docs/configuration.md#upstreams-cluster-wide), from a real node to real origins.
 */
class HealthCheckIT {
  @RegisterExtension final Harness h = new Harness();
  private final List<Origin> origins = new ArrayList<>();

  /** An origin that records every check it gets and answers them with {@link #health}. */
  private final class Origin {
    final String name;
    final Queue<String> checks = new ConcurrentLinkedQueue<>();
    final AtomicReference<String> health = new AtomicReference<>("{\"status\": \"ok\"}");
    final HttpServer server;

    Origin(String name) {
      this.name = name;
      this.server =
          h.vertx.createHttpServer().requestHandler(this::handle).listen(0, "127.0.0.1").await();
      origins.add(this);
    }

    private void handle(HttpServerRequest req) {
      if (req.path().equals("/health")) {
        checks.add(
            req.method().name()
                + " Host="
                + req.getHeader("Host")
                + " X-Probe="
                + req.getHeader("X-Probe"));
        req.response().putHeader("Content-Type", "application/json").end(health.get());
        return;
      }
      req.response().end(name);
    }

    String address() {
      return "127.0.0.1:" + server.actualPort();
    }
  }

  @AfterEach
  void stopOrigins() {
    origins.forEach(o -> o.server.close().await());
  }

  @Test
  void aHeadCheckWithItsHostAndHeadersReachesTheOrigin() {
    Origin a = new Origin("a");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: a, address: $A}]
            health-check: {method: HEAD, path: /health, host: app.example, headers: {X-Probe: "1"},
                           interval: 300ms, timeout: 300ms, rise: 1, fall: 1}
        routes: [{name: default, upstream: app}]
        """
            .replace("$A", a.address()));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.checks.size() >= 2);
    assertThat(a.checks).allMatch(c -> c.equals("HEAD Host=app.example X-Probe=1"));
    assertThat(h.get("/x").body()).isEqualTo("a");
  }

  @Test
  void aBodyThatDoesNotMatchExpectMarksItsServerDownUntilItDoes() {
    Origin a = new Origin("a");
    Origin b = new Origin("b");
    a.health.set("{\"status\": \"degraded\"}");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: a, address: $A}, {name: b, address: $B}]
            health-check: {path: /health, interval: 300ms, timeout: 300ms, rise: 1, fall: 1,
                           expect: {status: "200,204", body: '~"status": *"ok"'}}
        routes: [{name: default, upstream: app}]
        """
            .replace("$A", a.address())
            .replace("$B", b.address()));
    await().atMost(Duration.ofSeconds(10)).until(() -> a.checks.size() >= 2);
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              for (int i = 0; i < 6; i++) {
                assertThat(h.get("/x").body()).as("a is down: only b answers").isEqualTo("b");
              }
            });
    assertThat(a.checks).allMatch(c -> c.startsWith("GET "));

    a.health.set("{\"status\":\"ok\"}");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () -> {
              List<String> seen = new ArrayList<>();
              for (int i = 0; i < 4; i++) {
                seen.add(h.get("/x").body());
              }
              return seen.contains("a");
            });
  }
}
