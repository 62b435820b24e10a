package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A listener's {@code keepalive-timeout} and {@code keepalive-requests}
 * (docs/configuration.md#listeners-node-local), on HTTP/1.1 and HTTP/2.
 */
class KeepAliveIT {
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("a.test");
  @RegisterExtension final Harness h = new Harness();

  private void start(String listenerKeys) {
    TestOrigin o = h.origin("o");
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, KEYS}
          - {name: plain, bind: 127.0.0.1:0}
          - name: tls
            bind: 127.0.0.1:0
            KEYS_BLOCK
            tls: {certificates: [{cert: "$C", key: "$K"}]}
        upstreams:
          app: {servers: [{name: o, address: $O}]}
        routes: [{name: default, upstream: app}]
        """
            .replace("KEYS_BLOCK", listenerKeys.replace(", ", "\n    "))
            .replace("KEYS", listenerKeys)
            .replace("$C", CERT.certificatePath())
            .replace("$K", CERT.privateKeyPath())
            .replace("$O", o.address()));
  }

  @Test
  void theLastAllowedRequestIsAnsweredWithConnectionCloseAndTheConnectionCloses() throws Exception {
    start("keepalive-requests: 3");
    Client c = h.connect();
    for (int i = 1; i <= 3; i++) {
      c.send("GET /" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.header("Connection")).as("response %d", i).isEqualTo(i < 3 ? null : "close");
    }
    assertThat(c.closedWithin(Duration.ofSeconds(5))).as("closed after the third").isTrue();
  }

  @Test
  void anIdleConnectionIsClosedAfterTheKeepaliveTimeout() throws Exception {
    start("keepalive-timeout: 500ms");
    Client c = h.connect();
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(c.read().header("Connection")).isNull();
    long t0 = System.nanoTime();
    assertThat(c.closedWithin(Duration.ofSeconds(10))).isTrue();
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(400));

    // The default keeps it open (75 s).
    h.port = h.node.port("plain");
    Client d = h.connect();
    d.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(d.read().status()).isEqualTo(200);
    assertThat(d.closedWithin(Duration.ofSeconds(2))).isFalse();
    d.send("GET /again HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(d.read().status()).isEqualTo(200);
  }

  @Test
  void aZeroKeepaliveTimeoutServesOneRequestPerConnection() throws Exception {
    start("keepalive-timeout: 0");
    Client c = h.connect();
    c.send("GET / HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("Connection")).isEqualTo("close");
    assertThat(c.closedWithin(Duration.ofSeconds(5))).isTrue();
  }

  @Test
  void http2ConnectionsGetAGoawayAfterTheirLastAllowedStream() throws Exception {
    start("keepalive-requests: 2");
    HttpClient client =
        h.vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setSsl(true)
                .setUseAlpn(true)
                .setTrustAll(true)
                .setVerifyHost(false));
    try {
      // Each stream's connection, by the client's port.
      List<Integer> connections = new ArrayList<>();
      for (int i = 0; i < 4; i++) {
        int status =
            client
                .request(HttpMethod.GET, h.node.port("tls"), "127.0.0.1", "/" + i)
                .compose(
                    req -> {
                      connections.add(req.connection().localAddress().port());
                      return req.send();
                    })
                .map(r -> r.version() == HttpVersion.HTTP_2 ? r.statusCode() : -1)
                .toCompletionStage()
                .toCompletableFuture()
                .get(10, TimeUnit.SECONDS);
        assertThat(status).isEqualTo(200);
        if (i == 1) {
          // The GOAWAY after the second stream: the client opens a new connection.
          org.awaitility.Awaitility.await()
              .atMost(Duration.ofSeconds(10))
              .until(() -> h.node.openConnections("tls") == 0);
          assertThat(connections.get(1)).isEqualTo(connections.get(0));
        }
      }
      assertThat(connections.get(2)).isNotEqualTo(connections.get(1));
      assertThat(connections.get(3)).isEqualTo(connections.get(2));
    } finally {
      client.close();
    }
  }
}
