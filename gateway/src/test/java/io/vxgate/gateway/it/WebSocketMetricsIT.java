package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.gateway.GatewayNode;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.util.Ticker;
import java.net.ServerSocket;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * A WebSocket upgrade reports to the request path's metrics as a request does: each attempt, each
 * retry, and the request (status 101 once upgraded, or the refusal's status).
 */
class WebSocketMetricsIT {
  private final Vertx vertx = Vertx.vertx();
  private final List<String> events = new CopyOnWriteArrayList<>();
  private final ProxyMetrics metrics =
      new ProxyMetrics() {
        @Override
        public void request(String upstream, int status, long nanos, long in, long out) {
          events.add("request " + upstream + " " + status + " in=" + in + " out=" + out);
        }

        @Override
        public void attempt(String upstream, String server, int status, String failure, long n) {
          events.add("attempt " + upstream + " " + server + " " + status + " " + failure);
        }

        @Override
        public void retry(String upstream, String server, String reason) {
          events.add("retry " + upstream + " " + server + " " + reason);
        }
      };
  private TestOrigin live;
  private GatewayNode node;
  private WebSocketClient client;

  @BeforeEach
  void start() throws Exception {
    live = new TestOrigin(vertx, "live").start();
    int dead;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    String yaml =
        """
        listeners: [{name: web, bind: 127.0.0.1:0}]
        upstreams:
          ws:
            servers: [{name: dead, address: 127.0.0.1:DEAD}, {name: live, address: LIVE}]
            timeouts: {connect: 2s}
        routes: [{name: ws, upstream: ws}]
        """
            .replace("DEAD", Integer.toString(dead))
            .replace("LIVE", live.address());
    node =
        GatewayNode.start(
                vertx,
                ConfigLoader.parse(yaml, "test.yaml", Path.of("."), ConfigOverrides.none()),
                Ticker.system(),
                1,
                null,
                metrics)
            .await();
    client = vertx.createWebSocketClient(new WebSocketClientOptions().setConnectTimeout(10_000));
  }

  @AfterEach
  void stop() {
    client.close().await();
    node.stop(Duration.ZERO).await();
    live.stop();
    vertx.close().await();
  }

  private WebSocket connect() throws Exception {
    return client.connect(node.port("web"), "127.0.0.1", "/chat").await(10, TimeUnit.SECONDS);
  }

  @Test
  void anUpgradeAfterARetryCountsItsAttemptsTheRetryAndTheRequest() throws Exception {
    // Round robin starts with the first server, which refuses the connection.
    WebSocket s = connect();
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(events)
                    .containsExactly(
                        "attempt ws dead 0 connect_failure",
                        "retry ws dead connect_failure",
                        "attempt ws live 101 null",
                        "request ws 101 in=0 out=0"));
    // The tunnel's end reports nothing more, and releases the server.
    ServerState liveState = node.snapshot().upstreams().get("ws").primaries().get(1);
    assertThat(liveState.inFlight()).isEqualTo(1);
    s.close().await(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> liveState.inFlight() == 0);
    assertThat(events).hasSize(4);
  }

  @Test
  void aRefusalIsARequestWithTheRefusalsStatusAndBody() {
    live.mode = TestOrigin.Mode.STATUS;
    live.status = 403;
    assertThatThrownBy(this::connect)
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(events)
                    .containsExactly(
                        "attempt ws dead 0 connect_failure",
                        "retry ws dead connect_failure",
                        "attempt ws live 403 null",
                        // the body is the origin's name
                        "request ws 403 in=0 out=4"));
  }

  @Test
  void aFailedUpgradeIsARequestAnswered502AfterTheRetryBudget() throws Exception {
    live.stop();
    assertThatThrownBy(this::connect)
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(502));
    await()
        .atMost(Duration.ofSeconds(5))
        .untilAsserted(
            () ->
                assertThat(events)
                    .containsExactly(
                        "attempt ws dead 0 connect_failure",
                        "retry ws dead connect_failure",
                        "attempt ws live 0 connect_failure",
                        "retry ws live connect_failure",
                        // both are out by passive checks now: panic mode balances over them
                        "attempt ws dead 0 connect_failure",
                        // the gateway's error page: "502 Bad Gateway\n"
                        "request ws 502 in=0 out=16"));
  }
}
