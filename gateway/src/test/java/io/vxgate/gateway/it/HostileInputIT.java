package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.time.Duration;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Hostile HTTP/1.x input on raw sockets. Each case asserts the exact status, what the origin saw
 * (nothing, or exactly the one unambiguous request the gateway forwarded), that the connection is
 * closed after an error, and that the gateway then serves a normal request. docs/reliability.md has
 * the same table.
 */
class HostileInputIT {
  private static final Duration READ = Duration.ofSeconds(5);
  @RegisterExtension static final Harness h = new Harness();
  private static TestOrigin origin;

  @BeforeAll
  static void start() {
    origin = h.origin("o");
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, request-header-timeout: 2s, max-header-size: 4k, max-request-body: 1k}
        upstreams:
          app: {servers: [{name: o, address: $O}]}
        routes:
          - {name: ws, match: {websocket: true, path-prefix: /ws}, upstream: app}
          - {name: deny-admin, match: {path-prefix: /admin}, return: {status: 403}}
          - {name: deny-host, match: {host: admin.example}, return: {status: 451}}
          - {name: deny-suffix, match: {host: "*.internal.example"}, return: {status: 452}}
          - {name: default, upstream: app}
        """
            .replace("$O", origin.address()));
  }

  @BeforeEach
  void clear() {
    origin.seen.clear();
  }

  @AfterEach
  void stillServing() {
    origin.seen.clear();
    assertThat(h.get("/after").statusCode()).as("a normal request afterwards").isEqualTo(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> !origin.seen.isEmpty());
    assertThat(origin.seen.peek().uri()).isEqualTo("/after");
  }

  private static final String H = "Host: x\r\n";
  private static final String CLOSE = "Connection: close\r\n";

  /** A case: raw request, the status, and what the origin must have seen ("METHOD URI BODY"). */
  static Arguments c(String name, String request, int status, String... seen) {
    return Arguments.of(name, request, status, List.of(seen));
  }

  static Stream<Arguments> cases() {
    return Stream.of(
        // ---- request smuggling: framing
        c(
            "CL.TE",
            "POST / HTTP/1.1\r\n"
                + H
                + "Content-Length: 6\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nG",
            400),
        c(
            "TE.CL",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: chunked\r\nContent-Length: 3\r\n\r\n8\r\nSMUGGLED\r\n0\r\n\r\n",
            400),
        c(
            "CL.TE smuggling a GET /admin",
            "POST / HTTP/1.1\r\n"
                + H
                + "Content-Length: 35\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\nGET /admin HTTP/1.1\r\n"
                + H
                + "\r\n",
            400),
        c(
            "TE with space before colon, and CL",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding : chunked\r\nContent-Length: 5\r\n\r\n0\r\n\r\n",
            400),
        c("Content-Length +5", "POST / HTTP/1.1\r\n" + H + "Content-Length: +5\r\n\r\nhello", 400),
        c(
            "Content-Length 5,5",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 5,5\r\n\r\nhello",
            400),
        c(
            "Content-Length 0x5",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 0x5\r\n\r\nhello",
            400),
        c(
            "Content-Length 5 5",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 5 5\r\n\r\nhello",
            400),
        c("Content-Length -1", "POST / HTTP/1.1\r\n" + H + "Content-Length: -1\r\n\r\nhello", 400),
        c(
            "Content-Length overflow",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 99999999999999999999\r\n\r\nhello",
            400),
        c(
            "Content-Length twice, same",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 5\r\n\r\nhello",
            400),
        c(
            "Content-Length twice, different",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 5\r\nContent-Length: 6\r\n\r\nhello!",
            400),
        c(
            "Content-Length with OWS is fine",
            "POST / HTTP/1.1\r\n" + H + CLOSE + "Content-Length:  5 \r\n\r\nhello",
            200,
            "POST / hello"),
        c(
            "TE chunked, identity",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: chunked, identity\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            400),
        c(
            "TE identity, chunked",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: identity, chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            501),
        c(
            "TE xchunked",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: xchunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            501),
        c(
            "TE xchunked smuggling a GET",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: xchunked\r\n\r\nGET /smuggled HTTP/1.1\r\n"
                + H
                + "\r\n",
            501),
        c(
            "TE chunked twice",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: chunked\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            400),
        c(
            "TE on HTTP/1.0",
            "POST / HTTP/1.0\r\n" + H + "Transfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            400),
        c(
            "TE chunked<TAB> (OWS) is chunked",
            "POST / HTTP/1.1\r\n"
                + H
                + CLOSE
                + "Transfer-Encoding: chunked\t\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            200,
            "POST / hello"),
        c(
            "TE CHUNKED (case-insensitive) is chunked",
            "POST / HTTP/1.1\r\n"
                + H
                + CLOSE
                + "Transfer-Encoding: CHUNKED\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            200,
            "POST / hello"),
        c(
            "chunk size with junk",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: chunked\r\n\r\n5x\r\nhello\r\n0\r\n\r\n",
            400),
        // ---- header syntax
        // obs-fold is replaced by a space (RFC 9112 section 5.2): the origin gets one line
        c(
            "obs-fold is unfolded",
            "GET /fold HTTP/1.1\r\n" + H + CLOSE + "X-A: a\r\n b\r\n\r\n",
            200,
            "GET /fold  X-A=a b"),
        c(
            "obs-fold of Transfer-Encoding is unfolded",
            "POST / HTTP/1.1\r\n"
                + H
                + CLOSE
                + "Transfer-Encoding:\r\n chunked\r\n\r\n5\r\nhello\r\n0\r\n\r\n",
            200,
            "POST / hello"),
        c(
            "bare LF line endings",
            "GET / HTTP/1.1\n" + H.replace("\r", "") + "Connection: close\n\n",
            400),
        c("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        c("space in header name", "GET / HTTP/1.1\r\n" + H + "X A: b\r\n\r\n", 400),
        c("non-token header name", "GET / HTTP/1.1\r\n" + H + "X(A): b\r\n\r\n", 400),
        c("NUL in header value", "GET / HTTP/1.1\r\n" + H + "X-A: a\0b\r\n\r\n", 400),
        c(
            "bare CR in header value (injection)",
            "GET / HTTP/1.1\r\n" + H + "X-A: a\rX-Injected: 1\r\n\r\n",
            400),
        c(
            "control character in header value",
            "GET / HTTP/1.1\r\n" + H + "X-A: a\u0001b\r\n\r\n",
            400),
        c("space in request target", "GET /a b HTTP/1.1\r\n" + H + "\r\n", 400),
        c(
            "request line over the limit",
            "GET /" + "a".repeat(5000) + " HTTP/1.1\r\n" + H + "\r\n",
            414),
        c(
            "headers over the limit",
            "GET / HTTP/1.1\r\n" + H + "X-Big: " + "a".repeat(5000) + "\r\n\r\n",
            431),
        c(
            "body over the limit (Content-Length)",
            "POST / HTTP/1.1\r\n" + H + "Content-Length: 5000\r\n\r\n" + "b".repeat(100),
            413),
        c(
            "body over the limit (chunked)",
            "POST / HTTP/1.1\r\n"
                + H
                + "Transfer-Encoding: chunked\r\n\r\n7d0\r\n"
                + "c".repeat(2000)
                + "\r\n0\r\n\r\n",
            413),
        // ---- Host
        c("no Host on HTTP/1.1", "GET / HTTP/1.1\r\n\r\n", 400),
        c("two Host headers", "GET / HTTP/1.1\r\nHost: x\r\nHost: admin.example\r\n\r\n", 400),
        c("Host with a space", "GET / HTTP/1.1\r\nHost: a b\r\n\r\n", 400),
        c("Host with a slash", "GET / HTTP/1.1\r\nHost: a/b\r\n\r\n", 400),
        c("Host with userinfo", "GET / HTTP/1.1\r\nHost: u@admin.example\r\n\r\n", 400),
        c("Host with a bad port", "GET / HTTP/1.1\r\nHost: x:99999\r\n\r\n", 400),
        // The host is normalised once (lower case, one trailing dot off, port split off) before
        // routing and forwarding: neither case nor the root label's dot escapes a host route.
        c(
            "Host with a trailing dot",
            "GET / HTTP/1.1\r\nHost: admin.example.\r\n" + CLOSE + "\r\n",
            451),
        c("Host in upper case", "GET / HTTP/1.1\r\nHost: ADMIN.Example\r\n" + CLOSE + "\r\n", 451),
        c(
            "Host: case, dot and port",
            "GET / HTTP/1.1\r\nHost: Admin.EXAMPLE.:8080\r\n" + CLOSE + "\r\n",
            451),
        c("Host with two trailing dots", "GET / HTTP/1.1\r\nHost: admin.example..\r\n\r\n", 400),
        c("Host of only a dot", "GET / HTTP/1.1\r\nHost: .\r\n\r\n", 400),
        c(
            "*.suffix route, trailing dot",
            "GET / HTTP/1.1\r\nHost: db.internal.example.\r\n" + CLOSE + "\r\n",
            452),
        c(
            "*.suffix route, case, dot and port",
            "GET / HTTP/1.1\r\nHost: DB.Internal.Example.:443\r\n" + CLOSE + "\r\n",
            452),
        c(
            "absolute-form with a trailing dot",
            "GET http://admin.example./ HTTP/1.1\r\nHost: x\r\n" + CLOSE + "\r\n",
            451),
        c(
            "absolute-form, *.suffix, case and dot",
            "GET http://A.INTERNAL.example.:80/ HTTP/1.1\r\nHost: x\r\n" + CLOSE + "\r\n",
            452),
        c(
            "absolute-form wins over Host (deny)",
            "GET http://admin.example/ HTTP/1.1\r\nHost: x\r\n" + CLOSE + "\r\n",
            451),
        c(
            "absolute-form wins over Host (allow)",
            "GET http://x/a HTTP/1.1\r\nHost: admin.example\r\n" + CLOSE + "\r\n",
            200,
            "GET /a "),
        // ---- path encoding against the /admin ACL
        c("/%2e%2e/", "GET /%2e%2e/admin HTTP/1.1\r\n" + H + "\r\n", 400),
        c("/x/%2e%2e/admin", "GET /x/%2e%2e/admin HTTP/1.1\r\n" + H + CLOSE + "\r\n", 403),
        c("/..;/", "GET /x/..;/admin HTTP/1.1\r\n" + H + "\r\n", 400),
        c("/.;/", "GET /.;/admin HTTP/1.1\r\n" + H + "\r\n", 400),
        c(
            "%252e (double encoding) is passed as is",
            "GET /x/%252e%252e/admin HTTP/1.1\r\n" + H + CLOSE + "\r\n",
            200,
            "GET /x/%252e%252e/admin "),
        c("overlong UTF-8 %c0%ae", "GET /x/%c0%ae%c0%ae/admin HTTP/1.1\r\n" + H + "\r\n", 400),
        c("invalid UTF-8 %ff", "GET /x/%ff HTTP/1.1\r\n" + H + "\r\n", 400),
        c("backslash", "GET /x\\..\\admin HTTP/1.1\r\n" + H + "\r\n", 400),
        c("encoded backslash", "GET /x%5c..%5cadmin HTTP/1.1\r\n" + H + "\r\n", 400),
        c("encoded slash", "GET /admin%2fx HTTP/1.1\r\n" + H + "\r\n", 400),
        c("//admin", "GET //admin HTTP/1.1\r\n" + H + CLOSE + "\r\n", 403),
        c("/admin/.", "GET /admin/. HTTP/1.1\r\n" + H + CLOSE + "\r\n", 403),
        c("/%61dmin", "GET /%61dmin HTTP/1.1\r\n" + H + CLOSE + "\r\n", 403),
        c(
            "/ADMIN is another path (case-sensitive, like nginx)",
            "GET /ADMIN HTTP/1.1\r\n" + H + CLOSE + "\r\n",
            200,
            "GET /ADMIN "),
        c(
            "absolute-form path tricks",
            "GET http://x/x/../admin HTTP/1.1\r\n" + H + CLOSE + "\r\n",
            403));
  }

  /** The host the routes matched is the one the origin gets (Host and X-Forwarded-Host). */
  @ParameterizedTest(name = "{0}")
  @MethodSource("normalisedHosts")
  void theOriginGetsTheHostTheRoutesSaw(String name, String request, String host) throws Exception {
    RawHttp.Result r = RawHttp.exchange(h.port, request, READ);
    assertThat(r.statuses()).as(r.text()).containsExactly(200);
    await().atMost(Duration.ofSeconds(5)).until(() -> !origin.seen.isEmpty());
    TestOrigin.Seen seen = origin.seen.peek();
    assertThat(seen.headers().getAll("Host")).containsExactly(host);
    assertThat(seen.headers().get("X-Forwarded-Host")).isEqualTo(host);
  }

  static Stream<Arguments> normalisedHosts() {
    return Stream.of(
        Arguments.of(
            "Host",
            "GET / HTTP/1.1\r\nHost: WWW.Example.:8080\r\n" + CLOSE + "\r\n",
            "www.example:8080"),
        Arguments.of(
            "Host without port",
            "GET / HTTP/1.1\r\nHost: WWW.Example.\r\n" + CLOSE + "\r\n",
            "www.example"),
        Arguments.of(
            "absolute-form",
            "GET HTTP://Www.Example./a HTTP/1.1\r\nHost: x\r\n" + CLOSE + "\r\n",
            "www.example"));
  }

  /**
   * WebSocket frames from a misbehaving client after a successful upgrade: the tunnel passes bytes
   * as they are, the origin (here Vert.x) refuses them and closes, and the tunnel closes the
   * client's connection. Frame validation is the origin's job (docs/reliability.md).
   */
  @ParameterizedTest(name = "WebSocket: {0}")
  @MethodSource("badFrames")
  void misbehavingWebSocketClient(String name, byte[] frame) throws Exception {
    int closedBefore = origin.socketsClosed.get();
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.port)) {
      s.setSoTimeout(5000);
      s.getOutputStream()
          .write(
              ("GET /ws HTTP/1.1\r\nHost: x\r\nUpgrade: websocket\r\nConnection: Upgrade\r\n"
                      + "Sec-WebSocket-Key: dGhlIHNhbXBsZSBub25jZQ==\r\nSec-WebSocket-Version: 13\r\n\r\n")
                  .getBytes(java.nio.charset.StandardCharsets.US_ASCII));
      java.io.InputStream in = s.getInputStream();
      StringBuilder head = new StringBuilder();
      while (!head.toString().endsWith("\r\n\r\n")) {
        int b = in.read();
        assertThat(b).as("handshake answer").isNotNegative();
        head.append((char) b);
      }
      assertThat(head.toString()).startsWith("HTTP/1.1 101");
      s.getOutputStream().write(frame);
      s.getOutputStream().flush();
      RawHttp.Result rest = RawHttp.readUntilClose(in);
      assertThat(rest.closed()).as("the tunnel closed the client connection").isTrue();
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.socketsClosed.get() > closedBefore);
  }

  static Stream<Arguments> badFrames() {
    byte[] oversized = new byte[14];
    oversized[0] = (byte) 0x82; // FIN, binary
    oversized[1] = (byte) (0x80 | 127); // masked, 64-bit length
    oversized[5] = 1; // length 2^32
    return Stream.of(
        Arguments.of("unmasked frame", new byte[] {(byte) 0x81, 0x02, 'h', 'i'}),
        Arguments.of("oversized frame (4 GiB announced)", oversized),
        Arguments.of("garbage after the upgrade", "GET / HTTP/1.1\r\nHost: x\r\n\r\n".getBytes()));
  }

  /** "METHOD URI BODY", plus " X-A=VALUE" when the origin got an X-A header. */
  static String describe(TestOrigin.Seen s) {
    String xa = s.headers().get("X-A");
    return s.method() + " " + s.uri() + " " + s.body() + (xa == null ? "" : " X-A=" + xa);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("cases")
  void hostileRequest(String name, String request, int status, List<String> seen) throws Exception {
    RawHttp.Result r = RawHttp.exchange(h.port, request, READ);
    assertThat(r.statuses()).as(r.text()).containsExactly(status);
    assertThat(r.closed()).as("connection closed").isTrue();
    if (seen.isEmpty()) {
      assertThat(origin.seen).as("the origin saw nothing").isEmpty();
    } else {
      await().atMost(Duration.ofSeconds(5)).until(() -> origin.seen.size() >= seen.size());
      assertThat(origin.seen.stream().map(HostileInputIT::describe))
          .containsExactlyElementsOf(seen);
    }
  }
}
