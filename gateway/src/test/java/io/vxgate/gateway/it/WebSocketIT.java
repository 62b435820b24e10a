package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.UpgradeRejectedException;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.http.WebSocketConnectOptions;
import io.vxgate.gateway.upstream.ServerState;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** WebSockets through a real node with a real Vert.x WebSocket client. */
class WebSocketIT {
  @RegisterExtension final Harness h = new Harness();
  private TestOrigin ws;
  private TestOrigin web;
  private WebSocketClient client;

  @AfterEach
  void tearDown() throws Exception {
    if (client != null) {
      client.close().await();
    }
  }

  private void start(String idle) {
    ws = h.origin("ws");
    web = h.origin("web");
    h.gateway(
        """
        listeners: [{name: web, bind: 127.0.0.1:0, request-header-timeout: 10s}]
        upstreams:
          ws: {servers: [{name: w1, address: $WS}], timeouts: {idle: IDLE, connect: 2s}, keepalive: {max-connections: 4}}
          web: {servers: [{name: h1, address: $WEB}]}
        routes:
          - {name: ws, match: {websocket: true}, upstream: ws}
          - {name: default, upstream: web}
        """
            .replace("$WS", ws.address())
            .replace("$WEB", web.address())
            .replace("IDLE", idle));
    client =
        h.vertx.createWebSocketClient(
            new WebSocketClientOptions().setMaxConnections(1000).setConnectTimeout(10_000));
  }

  private WebSocket connect(String path) throws Exception {
    return client.connect(h.port, "127.0.0.1", path).await(10, TimeUnit.SECONDS);
  }

  private static Future<String> nextText(WebSocket s) {
    Promise<String> p = Promise.promise();
    s.textMessageHandler(p::tryComplete);
    return p.future();
  }

  @Test
  void echoesTextAndBinaryFramesBothWaysAndRoutesToTheWebSocketUpstream() throws Exception {
    start("60s");
    WebSocket s = connect("/chat");
    Future<String> who = nextText(s);
    s.writeTextMessage("who");
    assertThat(who.await(5, TimeUnit.SECONDS)).isEqualTo("ws");

    Future<String> text = nextText(s);
    s.writeTextMessage("hello through the gateway");
    assertThat(text.await(5, TimeUnit.SECONDS)).isEqualTo("hello through the gateway");

    CompletableFuture<Buffer> binary = new CompletableFuture<>();
    s.binaryMessageHandler(binary::complete);
    byte[] payload = new byte[70_000];
    for (int i = 0; i < payload.length; i++) {
      payload[i] = (byte) i;
    }
    s.writeBinaryMessage(Buffer.buffer(payload));
    assertThat(binary.get(5, TimeUnit.SECONDS).getBytes()).isEqualTo(payload);

    // a plain request on the same listener goes to the other upstream
    assertThat(h.get("/chat").body()).isEqualTo("web");
    assertThat(ws.lastHeaders.get().get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    s.close().await();
  }

  @Test
  void theOriginsCloseCodeReachesTheClient() throws Exception {
    start("60s");
    WebSocket s = connect("/chat");
    CompletableFuture<Short> code = new CompletableFuture<>();
    s.closeHandler(v -> code.complete(s.closeStatusCode()));
    s.writeTextMessage("close:4001");
    assertThat(code.get(5, TimeUnit.SECONDS)).isEqualTo((short) 4001);
    ServerState w1 = h.node.snapshot().upstreams().get("ws").primaries().get(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> w1.inFlight() == 0);
  }

  @Test
  void theClientsCloseReachesTheOriginAndReleasesTheServer() throws Exception {
    start("60s");
    WebSocket s = connect("/chat");
    ServerState w1 = h.node.snapshot().upstreams().get("ws").primaries().get(0);
    assertThat(w1.inFlight()).isEqualTo(1);
    s.close((short) 4002, "done").await();
    await().atMost(Duration.ofSeconds(5)).until(() -> ws.lastCloseCode.get() == 4002);
    await().atMost(Duration.ofSeconds(5)).until(() -> w1.inFlight() == 0);
  }

  @Test
  void anOriginRefusalIsPassedBackAsItIs() throws Exception {
    start("60s");
    ws.mode = TestOrigin.Mode.STATUS;
    ws.status = 403;
    assertThatThrownBy(() -> connect("/chat"))
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(403));
    ServerState w1 = h.node.snapshot().upstreams().get("ws").primaries().get(0);
    await().atMost(Duration.ofSeconds(5)).until(() -> w1.inFlight() == 0);
    // the gateway stays usable
    ws.mode = TestOrigin.Mode.OK;
    WebSocket s = connect("/chat");
    Future<String> text = nextText(s);
    s.writeTextMessage("again");
    assertThat(text.await(5, TimeUnit.SECONDS)).isEqualTo("again");
  }

  @Test
  void noServerAnswers502WhenTheOriginIsDown() throws Exception {
    start("60s");
    ws.stop();
    assertThatThrownBy(() -> connect("/chat"))
        .isInstanceOfSatisfying(
            UpgradeRejectedException.class, e -> assertThat(e.getStatus()).isEqualTo(502));
  }

  @Test
  void anIdleSocketIsClosedOnBothSides() throws Exception {
    start("300ms");
    WebSocket s = connect("/chat");
    CompletableFuture<Void> closed = new CompletableFuture<>();
    s.closeHandler(v -> closed.complete(null));
    await().atMost(Duration.ofSeconds(5)).until(closed::isDone);
    await().atMost(Duration.ofSeconds(5)).until(() -> ws.socketsClosed.get() == 1);
  }

  @Test
  void socketsDoNotHoldPooledConnections() throws Exception {
    start("60s");
    List<WebSocket> open = new ArrayList<>();
    for (int i = 0; i < 10; i++) {
      open.add(connect("/p/" + i));
    }
    assertThat(ws.openSockets.get()).isEqualTo(10);
  }

  @Test
  void fiveHundredConcurrentSocketsEcho() throws Exception {
    start("60s");
    int n = 500;
    List<Future<WebSocket>> connecting = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      connecting.add(
          client.connect(
              new WebSocketConnectOptions()
                  .setPort(h.port)
                  .setHost("127.0.0.1")
                  .setURI("/s/" + i)));
    }
    List<WebSocket> sockets = new ArrayList<>();
    for (Future<WebSocket> f : connecting) {
      sockets.add(f.await(20, TimeUnit.SECONDS));
    }
    assertThat(ws.openSockets.get()).isEqualTo(n);
    AtomicInteger echoed = new AtomicInteger();
    for (int i = 0; i < n; i++) {
      String msg = "m" + i;
      WebSocket s = sockets.get(i);
      s.textMessageHandler(
          t -> {
            if (t.equals(msg)) {
              echoed.incrementAndGet();
            }
          });
      s.writeTextMessage(msg);
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> echoed.get() == n);
    ServerState w1 = h.node.snapshot().upstreams().get("ws").primaries().get(0);
    assertThat(w1.inFlight()).isEqualTo(n);
    sockets.forEach(WebSocket::close);
    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> w1.inFlight() == 0 && ws.openSockets.get() == 0);
  }
}
