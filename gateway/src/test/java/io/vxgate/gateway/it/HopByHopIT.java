package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * The request fields a proxy must not forward (hop-by-hop, and fields named in Connection) and the
 * forwarding fields it sets instead, end to end over raw sockets. The origin is a {@link
 * RawOrigin}, which records every field it got.
 */
class HopByHopIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void hopByHopRequestFieldsNeverReachTheOriginButForwardingFieldsDo() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send(
        "GET /hop HTTP/1.1\r\nHost: example.test\r\n"
            + "Connection: keep-alive, X-Custom-Hop, Upgrade, HTTP2-Settings\r\n"
            + "X-Custom-Hop: secret\r\n"
            + "Keep-Alive: timeout=5, max=100\r\n"
            + "TE: trailers\r\n"
            + "Upgrade: h2c\r\n"
            + "HTTP2-Settings: AAMAAABkAARAAAAAAAIAAAAA\r\n"
            + "Proxy-Connection: keep-alive\r\n"
            + "X-Forwarded-For: 6.6.6.6\r\n"
            + "X-Forwarded-Proto: https\r\n"
            + "X-Real-IP: 6.6.6.6\r\n"
            + "X-Request-Id: trace-123\r\n"
            + "X-Keep: yes\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.header("X-Request-Id")).isEqualTo("trace-123");

    // Upgrade on a request that is no upgrade (no Connection: upgrade): still not forwarded.
    c.send("GET /hop2 HTTP/1.1\r\nHost: example.test\r\nUpgrade: websocket\r\nX-Keep: yes\r\n\r\n");
    Response r2 = c.read();
    assertThat(r2.status()).isEqualTo(200);
    String generatedId = r2.header("X-Request-Id");
    assertThat(generatedId).matches("[0-9a-f]{32}");

    List<RawOrigin.Request> seen = origin.seen();
    assertThat(seen).hasSize(2);
    for (RawOrigin.Request s : seen) {
      assertThat(s.names())
          .as("fields the origin got for " + s.target())
          .doesNotContain(
              "x-custom-hop", "keep-alive", "te", "upgrade", "http2-settings", "proxy-connection");
      for (String conn : s.headers("Connection")) {
        assertThat(conn.trim().toLowerCase(Locale.ROOT)).isIn("keep-alive", "close");
      }
      assertThat(s.headers("X-Forwarded-For")).containsExactly("127.0.0.1");
      assertThat(s.headers("X-Real-IP")).containsExactly("127.0.0.1");
      assertThat(s.headers("X-Forwarded-Proto")).containsExactly("http");
      assertThat(s.header("X-Keep")).isEqualTo("yes");
      assertThat(s.header("Host")).isEqualTo("example.test");
    }
    assertThat(seen.get(0).headers("X-Request-Id")).containsExactly("trace-123");
    assertThat(seen.get(1).headers("X-Request-Id")).containsExactly(generatedId);
  }

  @Test
  void fieldsNamedInAnyConnectionLineAreNotForwarded() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send(
        "GET /two-lines HTTP/1.1\r\nHost: x\r\nX-Early-Hop: 0\r\n"
            + "Connection: keep-alive, X-Early-Hop\r\n"
            + "Connection: X-First-Hop\r\n"
            + "connection: X-Second-Hop\r\n"
            + "X-First-Hop: 1\r\nX-Second-Hop: 2\r\nX-Keep: yes\r\n\r\n");
    assertThat(c.read().status()).isEqualTo(200);
    RawOrigin.Request seen = origin.seen().get(0);
    // Connection is a list field: several lines are one list (RFC 9110 sections 5.3 and 7.6.1).
    // X-Early-Hop comes before the Connection lines: removing it moves them, and none is skipped.
    assertThat(seen.names())
        .as("fields the origin got")
        .doesNotContain("x-early-hop", "x-first-hop", "x-second-hop");
    assertThat(seen.header("X-Keep")).isEqualTo("yes");
  }
}
