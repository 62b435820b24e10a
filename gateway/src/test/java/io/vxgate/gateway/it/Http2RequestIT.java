package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.handler.codec.http2.Http2Headers;
import io.vertx.core.net.SelfSignedCertificate;
import java.time.Duration;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * HTTP/2 requests become HTTP/1.1 requests to origins: what an HTTP/2 client can put in {@code
 * :method}, {@code :path} and {@code :authority} must not make a request line or Host the HTTP/1
 * front would refuse, nor escape a host route. A raw HTTP/2 client ({@link H2Client}) sends the
 * frames; the origin is a {@link RawOrigin}, which records the bytes it got.
 */
class Http2RequestIT {
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("a.test");
  private static final Duration WAIT = Duration.ofSeconds(5);
  @RegisterExtension static final Harness h = new Harness();
  private static RawOrigin origin;
  private static int tls;

  @BeforeAll
  static void start() {
    origin = h.rawOrigin(RawOrigin.echo());
    h.gateway(
        """
        listeners:
          - name: web
            bind: 127.0.0.1:0
            tls: {certificates: [{cert: "$C", key: "$K"}]}
        upstreams:
          app: {servers: [{name: o, address: $O}]}
        routes:
          - {name: deny-admin, match: {path-prefix: /admin}, return: {status: 403}}
          - {name: deny-host, match: {host: admin.example}, return: {status: 451}}
          - {name: deny-suffix, match: {host: "*.internal.example"}, return: {status: 452}}
          - {name: default, upstream: app}
        """
            .replace("$C", CERT.certificatePath())
            .replace("$K", CERT.privateKeyPath())
            .replace("$O", origin.address()));
    tls = h.node.port("web");
  }

  @BeforeEach
  void clear() {
    origin.requests.clear();
  }

  @AfterEach
  void stillServing() throws Exception {
    origin.requests.clear();
    try (H2Client c = H2Client.connect(tls, "a.test")) {
      H2Client.Response r = c.await(c.get("a.test", "/after"), WAIT);
      assertThat(r.status()).as("a normal request afterwards").isEqualTo(200);
    }
    assertThat(origin.seen()).extracting(RawOrigin.Request::target).containsExactly("/after");
  }

  static Stream<Arguments> badRequestLines() {
    return Stream.of(
        Arguments.of("TAB, NUL, VT, DEL in the query", "GET", "/a?x\tHTTP/1.1\0\u000b\u007f"),
        Arguments.of("TAB in the path", "GET", "/a\tb"),
        Arguments.of("NUL in the path", "GET", "/a\0b"),
        Arguments.of("VT in the query", "GET", "/a?b\u000bc"),
        Arguments.of("DEL in the query", "GET", "/a?b\u007f"),
        Arguments.of("ESC in the query", "GET", "/a?\u001b[31m"),
        Arguments.of("absolute-form path", "GET", "http://admin.example/"),
        Arguments.of("no leading slash", "GET", "a"),
        Arguments.of("asterisk", "OPTIONS", "*"),
        Arguments.of("a method with a TAB", "G\tET", "/a"),
        Arguments.of("a method with a slash", "GET/", "/a"));
  }

  /**
   * A request line the HTTP/1 front would refuse is refused on HTTP/2 too (400, or a reset of the
   * stream by Netty's codec), and the origin sees nothing.
   */
  @ParameterizedTest(name = "{0}")
  @MethodSource("badRequestLines")
  void aRequestLineTheHttp1FrontWouldRefuseIsRefused(String name, String method, String path)
      throws Exception {
    try (H2Client c = H2Client.connect(tls, "a.test")) {
      int id = c.newStream();
      c.headers(id, H2Client.request(method, "a.test", path), true);
      c.flush();
      H2Client.Response r = c.await(id, WAIT);
      assertThat(r).as("an answer or a reset").isNotNull();
      if (r.resetCode() < 0) {
        assertThat(r.status()).isEqualTo(400);
      }
    }
    assertThat(origin.seen()).as("the origin saw nothing").isEmpty();
  }

  /** A header value that would split the origin's header section never reaches it. */
  @Test
  void aHeaderValueWithCrLfIsRefused() throws Exception {
    try (H2Client c = H2Client.connect(tls, "a.test")) {
      int id = c.newStream();
      Http2Headers headers = H2Client.request("GET", "a.test", "/a");
      headers.add("x-a", "a\r\nx-injected: 1");
      c.headers(id, headers, true);
      c.flush();
      H2Client.Response r = c.await(id, WAIT);
      if (r != null && r.resetCode() < 0 && !c.closed()) {
        assertThat(r.status()).isEqualTo(400);
      }
    }
    assertThat(origin.seen()).as("the origin saw nothing").isEmpty();
  }

  static Stream<Arguments> authorities() {
    return Stream.of(
        Arguments.of("a.test", "ADMIN.Example.", 451),
        Arguments.of("a.test", "admin.example.:443", 451),
        Arguments.of("a.test", "db.Internal.EXAMPLE.", 452),
        Arguments.of("a.test", "admin.example..", 400),
        // SNI chooses the certificate only: the authority routes, normalised as always.
        Arguments.of("admin.example", "www.example", 200),
        Arguments.of("www.example", "Admin.Example.", 451));
  }

  /**
   * {@code :authority} is normalised as Host is on HTTP/1 (lower case, one trailing dot off, port
   * split off) before routing; SNI does not route.
   */
  @ParameterizedTest(name = "SNI {0}, :authority {1}")
  @MethodSource("authorities")
  void theAuthorityRoutesNormalised(String sni, String authority, int status) throws Exception {
    try (H2Client c = H2Client.connect(tls, sni)) {
      H2Client.Response r = c.await(c.get(authority, "/x"), WAIT);
      assertThat(r.status()).isEqualTo(status);
    }
    if (status != 200) {
      assertThat(origin.seen()).as("the origin saw nothing").isEmpty();
    }
  }

  /** The last stream ids: the request is answered, then a graceful GOAWAY ends the connection. */
  @Test
  void aClientAtTheEndOfTheStreamIdsGetsAGracefulGoAway() throws Exception {
    try (H2Client c = H2Client.connect(tls, "a.test")) {
      int last = 0x7fffffff;
      c.headers(last, H2Client.request("GET", "a.test", "/last"), true);
      c.flush();
      assertThat(c.await(last, WAIT).status()).isEqualTo(200);
      assertThat(c.closedWithin(WAIT)).as("closed").isTrue();
      assertThat(c.goAway()).as("GOAWAY {last stream, NO_ERROR}").containsExactly(last, 0);
    }
  }

  @Test
  void theOriginGetsTheNormalisedAuthority() throws Exception {
    try (H2Client c = H2Client.connect(tls, "a.test")) {
      H2Client.Response r = c.await(c.get("WWW.Example.:8443", "/n"), WAIT);
      assertThat(r.status()).isEqualTo(200);
    }
    await().atMost(WAIT).until(() -> !origin.seen().isEmpty());
    RawOrigin.Request seen = origin.seen().get(0);
    assertThat(seen.headers("Host")).containsExactly("www.example:8443");
    assertThat(seen.header("X-Forwarded-Host")).isEqualTo("www.example:8443");
  }
}
