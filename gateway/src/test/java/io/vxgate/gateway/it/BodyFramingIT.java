package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.time.Duration;
import java.util.List;
import java.util.Locale;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * How the end of a body is found, both ways (RFC 9112 section 6.3), end to end over raw sockets:
 * HEAD answers without a body, chunked bodies with extensions and trailers, close-delimited origin
 * responses re-framed for the client, an origin's Content-Length, and a Connection field that names
 * Content-Length. The origin is a {@link RawOrigin}, which answers exactly the bytes a test
 * scripts.
 */
class BodyFramingIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void headPassesTheOriginsContentLengthAndNoBodyFollows() throws Exception {
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              if (req.method().equals("HEAD") && req.target().equals("/chunked")) {
                out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nTransfer-Encoding: chunked\r\n\r\n"));
              } else if (req.method().equals("HEAD")) {
                out.write(
                    RawOrigin.ascii(
                        "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nContent-Length: 1234\r\n\r\n"));
              } else {
                return RawOrigin.echo().answer(req, out);
              }
              return true;
            });
    Client c = h.connect();
    c.send(
        "HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n"
            + "HEAD /chunked HTTP/1.1\r\nHost: x\r\n\r\nGET /g2 HTTP/1.1\r\nHost: x\r\n\r\n");
    Response head = c.readHeadResponse();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo("1234");
    assertThat(head.header("Transfer-Encoding")).isNull();
    // The next bytes are the GET's status line (c.read() refuses anything else).
    Response get = c.read();
    assertThat(get.status()).isEqualTo(200);
    assertThat(get.bodyText()).isEqualTo("GET /g");

    Response head2 = c.readHeadResponse();
    assertThat(head2.status()).isEqualTo(200);
    Response get2 = c.read();
    assertThat(get2.status()).isEqualTo(200);
    assertThat(get2.bodyText()).isEqualTo("GET /g2");
    assertThat(origin.seen())
        .extracting(RawOrigin.Request::method)
        .containsExactly("HEAD", "GET", "HEAD", "GET");
    // No body was waited for on the origin side either: its connection served all four.
    assertThat(origin.accepted.get()).isEqualTo(1);
  }

  @Test
  void aChunkedOriginResponseReachesAnHttp11ClientChunked() throws Exception {
    String big = RawHttp.letters(100_000);
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              out.write(
                  RawOrigin.ascii(
                      "HTTP/1.1 200 OK\r\nContent-Type: text/plain\r\nTransfer-Encoding: chunked\r\n\r\n"
                          + "5;ext=1\r\nhello\r\n"
                          + "1A\r\nabcdefghijklmnopqrstuvwxyz\r\n"));
              out.flush();
              out.write(RawOrigin.ascii(Integer.toHexString(big.length()) + "\r\n" + big + "\r\n"));
              out.write(RawOrigin.ascii("0\r\nX-Checksum: 42\r\n\r\n"));
              return true;
            });
    Client c = h.connect();
    c.send("GET /a HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.chunked()).isTrue();
    assertThat(r.headers("Transfer-Encoding")).containsExactly("chunked");
    assertThat(r.header("Content-Length")).isNull();
    assertThat(r.bodyText()).isEqualTo("hello" + "abcdefghijklmnopqrstuvwxyz" + big);
    // The framing was exact: the connection serves a next request.
    c.send("GET /b HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(c.read().bodyText()).isEqualTo("hello" + "abcdefghijklmnopqrstuvwxyz" + big);
    assertThat(origin.accepted.get()).isEqualTo(1);
  }

  @Test
  void aCloseDelimitedOriginResponseReachesAnHttp11ClientAsACorrectChunkedBody() throws Exception {
    String big = RawHttp.letters(70_000);
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              String version = req.target().equals("/ten") ? "HTTP/1.0" : "HTTP/1.1";
              out.write(RawOrigin.ascii(version + " 200 OK\r\nContent-Type: text/plain\r\n\r\n"));
              out.flush();
              out.write(RawOrigin.ascii(big.substring(0, 1000)));
              out.flush();
              out.write(RawOrigin.ascii(big.substring(1000)));
              return false;
            });
    Client c = h.connect();
    for (String path : List.of("/eleven", "/ten", "/again")) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      assertThat(r.version()).as(path).isEqualTo("HTTP/1.1");
      assertThat(r.status()).as(path).isEqualTo(200);
      assertThat(r.chunked()).as(path).isTrue();
      assertThat(r.header("Content-Length")).as(path).isNull();
      assertThat(r.bodyText()).as(path).isEqualTo(big);
    }
    // Each response ended its origin connection, never the client's.
    assertThat(origin.accepted.get()).isEqualTo(3);
    assertThat(c.closedWithin(Duration.ofMillis(300))).isFalse();
  }

  @Test
  void aChunkedRequestBodyWithExtensionsAndTrailersReachesTheOrigin() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    String big = RawHttp.letters(50_000);
    Client c = h.connect();
    c.send(
        "POST /up HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\nTrailer: X-Checksum\r\n\r\n"
            + "5;name=value\r\nhello\r\n"
            + "6;a=b;c=\"d e\"\r\n world\r\n"
            + Integer.toHexString(big.length()).toUpperCase(Locale.ROOT)
            + "\r\n"
            + big
            + "\r\n"
            + "0;last\r\nX-Checksum: abc\r\nX-Other: 1\r\n\r\n"
            // pipelined behind: the trailer section must have been consumed exactly
            + "GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST /up hello world" + big);
    Response after = c.read();
    assertThat(after.status()).isEqualTo(200);
    assertThat(after.bodyText()).isEqualTo("GET /after");

    RawOrigin.Request seen = origin.seen().get(0);
    assertThat(seen.bodyText()).isEqualTo("hello world" + big);
    // Either re-chunked or with its length: never both, never a wrong length.
    if (seen.chunked()) {
      assertThat(seen.header("Content-Length")).isNull();
    } else {
      assertThat(seen.header("Content-Length")).isEqualTo(Integer.toString(seen.body().length));
    }
    assertThat(origin.seen().get(1).target()).isEqualTo("/after");
  }

  @Test
  void anOriginsContentLengthMustBeDigitsThatAgree() throws Exception {
    h.gatewayTo(
        (req, out) -> {
          String fields =
              switch (req.target()) {
                case "/agree" -> "Content-Length: 2\r\nContent-Length:  2 \r\n";
                case "/plus" -> "Content-Length: +2\r\n";
                case "/hex" -> "Content-Length: 0x2\r\n";
                case "/empty" -> "Content-Length: \r\n";
                case "/disagree" -> "Content-Length: 2\r\nContent-Length: 3\r\n";
                default -> "Content-Length: 1234567890123456789\r\n";
              };
          out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\n" + fields + "\r\nok"));
          return req.target().equals("/agree");
        });
    for (String path :
        List.of("/agree", "/plus", "/hex", "/empty", "/disagree", "/nineteen-digits")) {
      Client c = h.connect();
      c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      if (path.equals("/agree")) {
        assertThat(r.status()).isEqualTo(200);
        assertThat(r.bodyText()).isEqualTo("ok");
      } else {
        assertThat(r.status()).as(path).isEqualTo(502);
      }
      c.close();
    }
  }

  /**
   * A response's framing fields are checked whatever the status or method: {@code chunked} twice or
   * not last is refused (RFC 9112 6.1), and so is a malformed or conflicting Content-Length on a
   * response without a body (204, 304, the answer to HEAD); 204 loses its Content-Length (RFC 9110
   * 8.6), 304 and HEAD answers keep theirs.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                | method | origin's status line and fields                                 | status | Content-Length | body
          chunked, chunked                      | GET    | 200 OK / Transfer-Encoding: chunked, chunked                    | 502    |                |
          chunked in two lines                  | GET    | 200 OK / Transfer-Encoding: chunked / Transfer-Encoding: chunked | 502   |                |
          chunked not last                      | GET    | 200 OK / Transfer-Encoding: chunked, gzip                       | 502    |                |
          chunked, then a coding on a new line  | GET    | 200 OK / Transfer-Encoding: chunked / Transfer-Encoding: gzip   | 502    |                |
          chunked once                          | GET    | 200 OK / Transfer-Encoding: chunked                             | 200    |                | ok
          204 with Content-Length 0             | GET    | 204 No Content / Content-Length: 0                              | 204    |                |
          204 with Content-Length 5             | GET    | 204 No Content / Content-Length: 5                              | 204    |                |
          204 with a bad Content-Length         | GET    | 204 No Content / Content-Length: abc                            | 502    |                |
          304 with Content-Length 5             | GET    | 304 Not Modified / Content-Length: 5                            | 304    | 5              |
          304 with two Content-Lengths          | GET    | 304 Not Modified / Content-Length: 5 / Content-Length: abc      | 502    |                |
          304 with a Content-Length list        | GET    | 304 Not Modified / Content-Length: 5, 6                         | 502    |                |
          304 with chunked twice                | GET    | 304 Not Modified / Transfer-Encoding: chunked, chunked          | 502    |                |
          HEAD with Content-Length 5            | HEAD   | 200 OK / Content-Length: 5                                      | 200    | 5              |
          HEAD with conflicting Content-Lengths | HEAD   | 200 OK / Content-Length: 5 / Content-Length: 6                  | 502    |                |
          HEAD with a bad Content-Length        | HEAD   | 200 OK / Content-Length: -5                                     | 502    |                |
          """)
  void aResponsesFramingFieldsAreCheckedWhateverItsStatus(
      String name, String method, String head, int status, String length, String body)
      throws Exception {
    boolean chunkedBody = head.startsWith("200") && method.equals("GET");
    h.gatewayTo(
        (req, out) -> {
          out.write(
              RawOrigin.ascii(
                  "HTTP/1.1 "
                      + head.replace(" / ", "\r\n")
                      + "\r\n\r\n"
                      + (chunkedBody ? "2\r\nok\r\n0\r\n\r\n" : "")));
          return true;
        });
    Client c = h.connect();
    c.send(method + " /r HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r = method.equals("HEAD") ? c.readHeadResponse() : c.read();
    assertThat(r.status()).isEqualTo(status);
    if (status != 502) {
      assertThat(r.headers("Content-Length"))
          .containsExactlyElementsOf(length == null ? List.of() : List.of(length));
      assertThat(r.header("Transfer-Encoding")).isEqualTo(body == null ? null : "chunked");
      assertThat(r.bodyText()).isEqualTo(body == null ? "" : body);
    }
  }

  @Test
  void aConnectionFieldCannotRemoveTheBodysFraming() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    Client c = h.connect();
    c.send(
        "POST /up HTTP/1.1\r\nHost: x\r\nConnection: keep-alive, Content-Length, Host\r\n"
            + "Content-Length: "
            + smuggled.length()
            + "\r\n\r\n"
            + smuggled);
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> !origin.seen().isEmpty());
    assertThat(origin.seen()).as("one request, the second one is its body").hasSize(1);
    RawOrigin.Request seen = origin.seen().get(0);
    assertThat(seen.target()).isEqualTo("/up");
    assertThat(seen.header("Content-Length")).isEqualTo(Integer.toString(smuggled.length()));
    assertThat(seen.header("Host")).isEqualTo("x");
  }
}
