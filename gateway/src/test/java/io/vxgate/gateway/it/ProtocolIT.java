package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * HTTP/1.x protocol handling of the data plane, end to end over raw sockets: pipelining, HEAD,
 * HTTP/1.0 clients, chunked and close-delimited bodies both ways, 100-continue, interim responses,
 * keep-alive reuse towards origins, graceful drain, and the request fields a proxy must not
 * forward. The origin is a {@link RawOrigin}, which answers exactly the bytes a test scripts.
 */
class ProtocolIT {
  private static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private final Harness h = new Harness();
  private RawOrigin origin;
  private Future<Void> stopping;
  private final List<Client> clients = new ArrayList<>();

  @AfterEach
  void tearDown() throws Exception {
    clients.forEach(Client::close);
    if (origin != null) {
      origin.close();
    }
    if (stopping != null) {
      // A drain test stopped the node itself: let it finish (at most its grace).
      try {
        stopping.toCompletionStage().toCompletableFuture().get(15, TimeUnit.SECONDS);
      } catch (Exception ignored) {
        // reported by the test
      }
    }
    h.close();
  }

  /** A raw origin answering with {@code handler}, and a node with one route to it. */
  private void start(RawOrigin.Handler handler) throws IOException {
    start(handler, "routes: [{name: default, upstream: app}]");
  }

  private void start(RawOrigin.Handler handler, String routes) throws IOException {
    start(handler, routes, "keepalive: {max-connections: 64, idle-timeout: 60s}");
  }

  private void start(RawOrigin.Handler handler, String routes, String keepalive)
      throws IOException {
    origin = RawOrigin.start(handler);
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: o, address: $O}]
            retries: 0
            timeouts: {connect: 2s, response: 5s, idle: 5s}
            KEEPALIVE
        ROUTES
        """
            .replace("$O", origin.address())
            .replace("KEEPALIVE", keepalive)
            .replace("ROUTES", routes));
  }

  private Client connect() throws IOException {
    Client c = new Client(h.port);
    clients.add(c);
    return c;
  }

  // ---- 1. pipelining

  @Test
  void threeRequestsPipelinedInOneWriteAreAnsweredInOrder() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
    c.send(
        "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world"
            + "GET /three HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r1 = c.read();
    Response r2 = c.read();
    Response r3 = c.read();
    assertThat(List.of(r1.status(), r2.status(), r3.status())).containsExactly(200, 200, 200);
    assertThat(r1.bodyText()).isEqualTo("GET /one");
    assertThat(r2.bodyText()).isEqualTo("POST /two hello world");
    assertThat(r3.bodyText()).isEqualTo("GET /three");
    assertThat(c.closedWithin(Duration.ofMillis(300))).as("kept alive").isFalse();

    List<RawOrigin.Request> seen = origin.seen();
    assertThat(seen)
        .extracting(RawOrigin.Request::target)
        .containsExactly("/one", "/two", "/three");
    assertThat(seen).extracting(RawOrigin.Request::bodyText).containsExactly("", "hello world", "");
    assertThat(seen.get(1).method()).isEqualTo("POST");
  }

  @Test
  void aHundredRequestsPipelinedInOneWriteAreAnsweredInOrder() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      burst.append("GET /p/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    c.send(burst.toString());
    for (int i = 0; i < 100; i++) {
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("GET /p/" + i);
    }
    assertThat(origin.seen()).hasSize(100);
  }

  @Test
  void requestsPipelinedBehindConnectionCloseAreNotServed() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
    c.send(
        "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            + "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.bodyText()).isEqualTo("GET /last");
    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    assertThat(origin.seen()).extracting(RawOrigin.Request::target).containsExactly("/last");
  }

  // ---- 2. HEAD

  @Test
  void headPassesTheOriginsContentLengthAndNoBodyFollows() throws Exception {
    start(
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
    Client c = connect();
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

  // ---- 3. HTTP/1.0 clients

  @Test
  void anHttp10ClientWithoutKeepAliveGetsAnHttp10AnswerAndTheConnectionCloses() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
    c.send("GET /ten HTTP/1.0\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.version()).isEqualTo("HTTP/1.0");
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("GET /ten");
    assertThat(c.closedWithin(Duration.ofSeconds(3))).as("closed after the response").isTrue();
  }

  @Test
  void anHttp10ClientWithKeepAliveKeepsItsConnectionForASecondRequest() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
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
    String big = letters(40_000);
    start(
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
      Client c = connect();
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
    start(RawOrigin.echo());
    Client c = connect();
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
    start(RawOrigin.echo());
    Client c = connect();
    c.send(
        "POST /up HTTP/1.0\r\nHost: x\r\nContent-Length: 5\r\nExpect: 100-continue\r\n\r\nhello");
    Response r = c.read();
    // RFC 9110 section 15.2: a server must not send a 1xx response to an HTTP/1.0 client.
    assertThat(r.status()).as("first response to an HTTP/1.0 client").isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST /up hello");
  }

  // ---- 4. chunked bodies

  @Test
  void aChunkedOriginResponseReachesAnHttp11ClientChunked() throws Exception {
    String big = letters(100_000);
    start(
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
    Client c = connect();
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
    String big = letters(70_000);
    start(
        (req, out) -> {
          String version = req.target().equals("/ten") ? "HTTP/1.0" : "HTTP/1.1";
          out.write(RawOrigin.ascii(version + " 200 OK\r\nContent-Type: text/plain\r\n\r\n"));
          out.flush();
          out.write(RawOrigin.ascii(big.substring(0, 1000)));
          out.flush();
          out.write(RawOrigin.ascii(big.substring(1000)));
          return false;
        });
    Client c = connect();
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
    start(RawOrigin.echo());
    String big = letters(50_000);
    Client c = connect();
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

  // ---- 5. Expect: 100-continue

  @Test
  void expectContinueGets100BeforeTheBodyAndTheOriginNeverSeesExpect() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
    c.send(
        "POST /up HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n"
            + "Expect: 100-continue\r\n\r\n");
    Response interim = c.readHead();
    assertThat(interim.version()).isEqualTo("HTTP/1.1");
    assertThat(interim.status()).isEqualTo(100);
    assertThat(origin.requests).as("no body was sent yet").isEmpty();

    c.send("hello world");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST /up hello world");
    RawOrigin.Request seen = origin.seen().get(0);
    assertThat(seen.bodyText()).isEqualTo("hello world");
    assertThat(seen.header("Expect")).isNull();
  }

  @Test
  void expectContinueOnARequestWithoutARouteGetsTheFinalStatusInstead() throws Exception {
    start(RawOrigin.echo(), "routes: [{name: api, match: {path-prefix: /api/}, upstream: app}]");
    Client c = connect();
    c.send(
        "POST /elsewhere HTTP/1.1\r\nHost: x\r\nContent-Length: 11\r\nExpect: 100-continue\r\n\r\n");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(404);
    assertThat(origin.requests).isEmpty();
  }

  // ---- 6. interim responses from the origin

  @Test
  void interimResponsesFromTheOriginAreFollowedByTheFinalOne() throws Exception {
    String interim =
        "HTTP/1.1 100 Continue\r\n\r\n"
            + "HTTP/1.1 103 Early Hints\r\nLink: </style.css>; rel=preload; as=style\r\n\r\n";
    start(
        (req, out) -> {
          String fin = RawOrigin.response(200, "final " + req.target());
          if (req.target().equals("/split")) {
            for (String part : interim.split("(?<=\r\n\r\n)")) {
              out.write(RawOrigin.ascii(part));
              out.flush();
            }
            out.write(RawOrigin.ascii(fin));
          } else {
            out.write(RawOrigin.ascii(interim + fin));
          }
          return true;
        });
    Client c = connect();
    for (String path : List.of("/split", "/together", "/split")) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      List<Response> rs = c.readUntilFinal();
      Response fin = rs.get(rs.size() - 1);
      assertThat(fin.status()).as(path).isEqualTo(200);
      assertThat(fin.bodyText()).as(path).isEqualTo("final " + path);
      assertThat(rs.subList(0, rs.size() - 1))
          .as("only interim responses before the final one")
          .allSatisfy(i -> assertThat(i.status()).isBetween(100, 199));
    }
    assertThat(origin.accepted.get()).as("the origin connection stayed usable").isEqualTo(1);
  }

  // ---- 7. keep-alive towards origins

  @Test
  void sequentialRequestsOnOneClientConnectionReuseOneOriginConnection() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
    for (int i = 0; i < 25; i++) {
      c.send("GET /n/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("GET /n/" + i);
    }
    assertThat(origin.seen()).hasSize(25);
    assertThat(origin.accepted.get()).isEqualTo(1);
  }

  @Test
  void originConnectionsAreReusedAcrossClientConnections() throws Exception {
    start(RawOrigin.echo());
    for (int i = 0; i < 12; i++) {
      Client c = connect();
      c.send("GET /c/" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(c.read().bodyText()).isEqualTo("GET /c/" + i);
      assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    }
    // Pools are per event loop; the node has two.
    assertThat(origin.accepted.get()).isBetween(1, 2);
  }

  @Test
  void anOriginConnectionThatSentMoreThanItsResponseIsNotReused() throws Exception {
    // A body after a response to HEAD: bytes the next request on that connection must never see.
    // One origin connection per event loop and a slow origin, so that requests wait in the pool
    // and a released connection would be handed to a waiter at once, stray bytes and all.
    start(
        (req, out) -> {
          Thread.sleep(20);
          if (req.method().equals("HEAD")) {
            out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nSTRAY"));
          } else {
            out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
          }
          return true;
        },
        "routes: [{name: default, upstream: app}]",
        "keepalive: {max-connections: 1, idle-timeout: 60s}");
    List<Client> cs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      cs.add(connect());
    }
    List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(cs.size());
    for (Client c : cs) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<Integer> seen = new ArrayList<>();
                try {
                  for (int i = 0; i < 3; i++) {
                    c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
                    seen.add(c.readHeadResponse().status());
                    c.send("GET /g HTTP/1.1\r\nHost: x\r\n\r\n");
                    Response get = c.read();
                    seen.add(get.bodyText().equals("ok") ? get.status() : -get.status());
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                return seen;
              },
              threads));
    }
    try {
      for (CompletableFuture<List<Integer>> run : runs) {
        assertThat(run.get(30, TimeUnit.SECONDS)).containsOnly(200);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  @Test
  void aClientThatDoesNotReadPausesTheOrigin() throws Exception {
    // 64 MiB from the origin to a client that reads nothing for a while: the gateway must stop
    // reading the origin (backpressure), not hold the response in memory. Loopback socket buffers
    // on the way (client, gateway both sides, origin) hold some MiB, not 40.
    int size = 64 << 20;
    AtomicLong written = new AtomicLong();
    start(
        (req, out) -> {
          out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
          byte[] chunk = new byte[65536];
          for (int sent = 0; sent < size; sent += chunk.length) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
          return true;
        });
    Client c = connect();
    c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= (4 << 20));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> written.get() < (40 << 20));
    // Then the client reads it all, and the origin gets to write the rest.
    Response head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(size));
    byte[] buf = new byte[1 << 16];
    long total = 0;
    while (total < size) {
      int n = c.in.read(buf);
      assertThat(n).as("body bytes after " + total).isPositive();
      total += n;
    }
    assertThat(total).isEqualTo(size);
    assertThat(written.get()).isEqualTo(size);
  }

  @Test
  void aConnectionFieldCannotRemoveTheBodysFraming() throws Exception {
    start(RawOrigin.echo());
    String smuggled = "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n";
    Client c = connect();
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

  @Test
  void anOriginConnectionThatWillCloseIsNotReused() throws Exception {
    start(
        (req, out) -> {
          out.write(
              RawOrigin.ascii(
                  "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nclose"));
          return false;
        });
    Client c = connect();
    for (int i = 0; i < 5; i++) {
      c.send("GET /close/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("close");
      assertThat(r.header("Connection")).as("the origin's Connection is hop-by-hop").isNull();
    }
    assertThat(origin.accepted.get()).isEqualTo(5);

    // An HTTP/1.0 answer without keep-alive means close too, even if the socket stays open a while.
    origin.handler(
        (req, out) -> {
          out.write(RawOrigin.ascii("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nten"));
          return true;
        });
    for (int i = 0; i < 4; i++) {
      c.send("GET /ten/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().bodyText()).isEqualTo("ten");
    }
    assertThat(origin.accepted.get()).isEqualTo(9);
  }

  // ---- 8. graceful drain

  @Test
  void drainLetsASlowRequestFinishClosesIdleConnectionsAndRefusesNewOnes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(
        (req, out) -> {
          if (req.target().equals("/slow")) {
            release.await(20, TimeUnit.SECONDS);
            out.write(RawOrigin.ascii(RawOrigin.response(200, "slow done")));
            return true;
          }
          return RawOrigin.echo().answer(req, out);
        });
    Client idle = connect();
    idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(idle.read().status()).isEqualTo(200);
    Client busy = connect();
    busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.requests.size() == 2);

    int port = h.port;
    stopping = h.node.stop(Duration.ofSeconds(10));
    h.node = null;

    assertThat(idle.closedWithin(Duration.ofSeconds(3)))
        .as("idle keep-alive connection closed")
        .isTrue();
    await().atMost(Duration.ofSeconds(3)).until(() -> refused(port));
    assertThat(stopping.isComplete()).as("still draining the slow request").isFalse();

    release.countDown();
    Response r = busy.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("slow done");
    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(busy.closedWithin(Duration.ofSeconds(3))).isTrue();
    // Done as soon as nothing is in flight, long before the grace period.
    await().atMost(Duration.ofSeconds(4)).until(stopping::isComplete);
    assertThat(stopping.succeeded()).isTrue();
  }

  @Test
  void drainClosesAConnectionWhoseResponseWasStreamingOnceItEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    start(
        (req, out) -> {
          if (!req.target().equals("/stream")) {
            return RawOrigin.echo().answer(req, out);
          }
          out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
          out.flush();
          release.await(20, TimeUnit.SECONDS);
          out.write(RawOrigin.ascii("world"));
          return true;
        });
    Client c = connect();
    c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    Response head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Connection")).isNull();
    assertThat(c.readText(5)).isEqualTo("hello");
    // Idle connections on both event loops: once they are closed, the drain reached every loop.
    List<Client> idle = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Client k = connect();
      k.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(k.read().status()).isEqualTo(200);
      idle.add(k);
    }

    int port = h.port;
    stopping = h.node.stop(Duration.ofSeconds(5));
    h.node = null;
    await().atMost(Duration.ofSeconds(3)).until(() -> refused(port));
    for (Client k : idle) {
      assertThat(k.closedWithin(Duration.ofSeconds(3))).isTrue();
    }
    release.countDown();
    assertThat(c.readText(5)).isEqualTo("world");
    // The response's head went out before the drain, so it could not say Connection: close; the
    // connection must close right after it instead of idling until the grace period ends.
    assertThat(c.closedWithin(Duration.ofSeconds(2)))
        .as("connection closed right after the response that was streaming when the drain began")
        .isTrue();
    await().atMost(Duration.ofSeconds(3)).until(stopping::isComplete);
  }

  // ---- 9. fields a proxy must not forward

  @Test
  void hopByHopRequestFieldsNeverReachTheOriginButForwardingFieldsDo() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
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
  void anOriginsContentLengthMustBeDigitsThatAgree() throws Exception {
    start(
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
      Client c = connect();
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

  @Test
  void fieldsNamedInAnyConnectionLineAreNotForwarded() throws Exception {
    start(RawOrigin.echo());
    Client c = connect();
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

  // ---- helpers

  /** Whether a new connection to {@code port} is refused. */
  private static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  private static String letters(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + (i * 7 + i / 26) % 26));
    }
    return sb.toString();
  }

  /**
   * One response as the client read it.
   *
   * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
   * @param chunked whether the body came chunked (it is decoded)
   * @param closeDelimited whether the body ended with the connection
   */
  record Response(
      String version,
      int status,
      List<Map.Entry<String, String>> fields,
      byte[] body,
      boolean chunked,
      boolean closeDelimited) {
    String header(String name) {
      List<String> all = headers(name);
      return all.isEmpty() ? null : all.get(0);
    }

    List<String> headers(String name) {
      return RawOrigin.values(fields, name);
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  /** A raw client connection to the gateway that reads responses strictly. */
  static final class Client implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Client(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    void send(String bytes) throws IOException {
      out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** A status line and fields, nothing after them. */
    Response readHead() throws IOException {
      String line = RawOrigin.readLine(in, false);
      if (!line.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
        throw new IOException("not a status line: " + line);
      }
      String version = line.substring(0, 8);
      int status = Integer.parseInt(line.substring(9, 12));
      return new Response(version, status, RawOrigin.readFields(in), new byte[0], false, false);
    }

    /** A complete response to a request other than HEAD. */
    Response read() throws IOException {
      return read(false);
    }

    /** A complete response to a HEAD request (no body, whatever its fields say). */
    Response readHeadResponse() throws IOException {
      return read(true);
    }

    private Response read(boolean head) throws IOException {
      Response r = readHead();
      int status = r.status();
      if (head || status < 200 || status == 204 || status == 304) {
        return r;
      }
      String te = r.header("Transfer-Encoding");
      if (te != null) {
        if (!te.trim().equalsIgnoreCase("chunked")) {
          throw new IOException("unexpected Transfer-Encoding: " + te);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RawOrigin.readChunked(in, body);
        return new Response(r.version(), status, r.fields(), body.toByteArray(), true, false);
      }
      String cl = r.header("Content-Length");
      if (cl != null) {
        int n = Integer.parseInt(cl.trim());
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
          throw new EOFException("body cut short: " + body.length + " of " + n);
        }
        return new Response(r.version(), status, r.fields(), body, false, false);
      }
      return new Response(r.version(), status, r.fields(), in.readAllBytes(), false, true);
    }

    /** Responses up to and including the first final (non-1xx) one. */
    List<Response> readUntilFinal() throws IOException {
      List<Response> out = new ArrayList<>();
      Response r;
      do {
        r = read();
        out.add(r);
      } while (r.status() < 200);
      return out;
    }

    String readText(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      return new String(b, StandardCharsets.ISO_8859_1);
    }

    /** Whether the gateway closes the connection within {@code d} (no byte may come first). */
    boolean closedWithin(Duration d) throws IOException {
      socket.setSoTimeout((int) d.toMillis());
      try {
        int b = in.read();
        if (b >= 0) {
          throw new IOException("unexpected byte after the response: " + (char) b);
        }
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException reset) {
        if (reset.getMessage() != null && reset.getMessage().startsWith("unexpected byte")) {
          throw reset;
        }
        return true;
      } finally {
        if (!socket.isClosed()) {
          socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        }
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
