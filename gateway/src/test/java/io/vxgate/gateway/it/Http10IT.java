package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * HTTP/1.0 clients, end to end over raw sockets: HTTP/1.0 answers, keep-alive only when asked for,
 * close-delimited bodies instead of chunked ones, a Host for the origin, no interim responses. The
 * origin is a {@link RawOrigin}, which answers exactly the bytes a test scripts.
 */
class Http10IT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void anHttp10ClientWithoutKeepAliveGetsAnHttp10AnswerAndTheConnectionCloses() throws Exception {
    h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send("GET /ten HTTP/1.0\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.version()).isEqualTo("HTTP/1.0");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("GET /ten");
    assertThat(c.closedWithin(Duration.ofSeconds(3))).as("closed after the response").isTrue();
  }

  @Test
  void anHttp10ClientWithKeepAliveKeepsItsConnectionForASecondRequest() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send("GET /a HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    Response first = c.read();
    assertThat(first.version()).isEqualTo("HTTP/1.0");
    assertThat(first.status()).isEqualTo(200);
    assertThat(first.header("Content-Length")).isEqualTo("6");
    assertThat(first.header("Connection")).isNotNull();
    assertThat(first.header("Connection").toLowerCase(Locale.ROOT)).contains("keep-alive");
    assertThat(first.bodyText()).isEqualTo("GET /a");

    c.send("GET /b HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
    Response second = c.read();
    assertThat(second.status()).isEqualTo(200);
    assertThat(second.bodyText()).isEqualTo("GET /b");
    assertThat(origin.seen()).extracting(RawOrigin.Request::target).containsExactly("/a", "/b");
  }

  @Test
  void aResponseOfUnknownLengthReachesAnHttp10ClientCloseDelimited() throws Exception {
    String big = RawHttp.letters(40_000);
    h.gatewayTo(
        (req, out) -> {
          if (req.target().equals("/close")) {
            // No Content-Length: the body ends when the origin closes.
            out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\n\r\n"));
            out.flush();
            out.write(RawOrigin.ascii(big));
            return false;
          }
          out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
          out.write(RawOrigin.ascii("5\r\nhello\r\n6\r\n world\r\n0\r\n\r\n"));
          return true;
        });
    for (String path : List.of("/close", "/chunked")) {
      Client c = h.connect();
      c.send("GET " + path + " HTTP/1.0\r\nHost: x\r\nConnection: keep-alive\r\n\r\n");
      Response r = c.read();
      assertThat(r.version()).as(path).isEqualTo("HTTP/1.0");
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.header("Content-Length")).as(path).isNull();
      assertThat(r.header("Transfer-Encoding"))
          .as("no chunked coding for HTTP/1.0: " + path)
          .isNull();
      assertThat(r.closeDelimited()).as(path).isTrue();
      assertThat(r.bodyText()).as(path).isEqualTo(path.equals("/close") ? big : "hello world");
    }
  }

  @Test
  void anHttp10RequestWithoutHostReachesTheOriginWithAHost() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send("GET /nohost HTTP/1.0\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    RawOrigin.Request seen = origin.seen().get(0);
    // The gateway speaks HTTP/1.1 to origins, and an HTTP/1.1 request must carry Host (RFC 9112
    // section 3.2).
    assertThat(seen.version()).isEqualTo("HTTP/1.1");
    assertThat(seen.header("Host")).as("Host of the request the origin got: " + seen).isNotBlank();
  }

  @Test
  void anHttp10ClientThatExpectsContinueGetsNoInterimResponse() throws Exception {
    h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send(
        "POST /up HTTP/1.0\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
    Response r = c.read();
    // RFC 9110 section 15.2: a server must not send a 1xx response to an HTTP/1.0 client.
    assertThat(r.status()).as("first response to an HTTP/1.0 client").isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST /up hello");
  }
}
