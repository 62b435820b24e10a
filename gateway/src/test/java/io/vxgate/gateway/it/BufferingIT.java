package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Request and response buffering (docs/architecture.md#buffering) end to end, against scripted
 * origins: what the origin receives, when it is let go, what is never buffered, retries that send a
 * buffered body again, and the limits past which the origin waits for the client after all.
 */
class BufferingIT {
  /**
   * The body an origin writes to a client that does not read: more than loopback's socket buffers
   * on the way can hold (receive buffers autotune up to net.ipv4.tcp_rmem's maximum, 32 MiB on
   * these machines, so a 64 MiB body could pass through whole while the gateway held 1 MiB).
   */
  private static final int PAUSED_BODY = 256 << 20;

  @RegisterExtension final Harness h = new Harness();
  @TempDir Path temp;

  private final AtomicInteger freedEarly = new AtomicInteger();

  /** The listener's {@code client-timeout}. */
  private String clientTimeout = "60s";

  /** A gateway to {@code origins} (one upstream {@code app}) with these upstream keys. */
  private void gateway(String upstreamKeys, RawOrigin... origins) {
    StringBuilder servers = new StringBuilder();
    for (int i = 0; i < origins.length; i++) {
      servers
          .append(i == 0 ? "" : ", ")
          .append("{name: o")
          .append(i)
          .append(", address: ")
          .append(origins[i].address())
          .append("}");
    }
    h.metrics =
        new ProxyMetrics() {
          @Override
          public void originFreedEarly(String upstream, long aheadNanos) {
            freedEarly.incrementAndGet();
          }
        };
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, request-header-timeout: 1s, max-request-body: 2g,
             client-timeout: CLIENT}
        buffering: {temp-dir: "TEMP"}
        upstreams:
          app:
            balance: roundrobin
            servers: [SERVERS]
            KEYS
        routes: [{name: default, upstream: app}]
        """
            .replace("CLIENT", clientTimeout)
            .replace("TEMP", temp.toString())
            .replace("SERVERS", servers)
            .replace("KEYS", upstreamKeys));
  }

  // ---- request buffering

  @Test
  void aChunkedBodyReachesTheOriginWholeWithItsLength() throws Exception {
    RawOrigin o = h.rawOrigin(RawOrigin.echo());
    gateway("retries: 0", o);
    Client c = h.connect();
    String part = "x".repeat(50_000); // three parts: past the 64k held in memory
    StringBuilder req =
        new StringBuilder("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n");
    for (int i = 0; i < 3; i++) {
      req.append(Integer.toHexString(part.length())).append("\r\n").append(part).append("\r\n");
    }
    c.send(req.append("0\r\n\r\n").toString());
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("POST /up " + part.repeat(3));
    RawOrigin.Request seen = o.seen().get(0);
    assertThat(seen.chunked()).isFalse();
    assertThat(seen.header("Content-Length")).isEqualTo("150000");
    assertThat(seen.header("Transfer-Encoding")).isNull();
    assertThat(h.node.buffers().spills()).isOne();
    await().untilAsserted(() -> assertThat(h.node.buffers().diskBytes()).isZero());
  }

  @Test
  void expectContinueIsAnsweredByTheGatewayBeforeAnyServerIsContacted() throws Exception {
    RawOrigin o = h.rawOrigin(RawOrigin.echo());
    gateway("retries: 0", o);
    Client c = h.connect();
    c.send("PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 5\r\n\r\n");
    assertThat(c.readHead().status()).isEqualTo(100);
    assertThat(o.accepted).as("no origin contacted yet").hasValue(0);
    c.send("hello");
    Response r = c.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("PUT /x hello");
    assertThat(o.seen().get(0).header("Expect")).isNull();
    // A declared length over max-request-body (2g here) gets 413 instead of 100.
    Client big = h.connect();
    big.send(
        "PUT /x HTTP/1.1\r\nHost: a\r\nExpect: 100-continue\r\nContent-Length: 3221225472\r\n\r\n");
    assertThat(big.readHead().status()).isEqualTo(413);
    assertThat(o.accepted).hasValue(1);
  }

  @Test
  void aBufferedBodyIsSentAgainWhenAnIdempotentRequestIsRetried() throws Exception {
    // The first server reads the whole request, then closes without an answer (a reset).
    RawOrigin dropping = h.rawOrigin((req, out) -> false);
    RawOrigin answering = h.rawOrigin(RawOrigin.echo());
    gateway("retries: 1\n    retry-on: [reset]\n    passive: {max-fails: 0}", dropping, answering);
    String body = "y".repeat(100_000);
    for (int i = 0; i < 2; i++) { // round robin: at least one starts with the dropping server
      Client c = h.connect();
      c.send("PUT /p HTTP/1.1\r\nHost: a\r\nContent-Length: 100000\r\n\r\n" + body);
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("PUT /p " + body);
    }
    assertThat(dropping.seen()).isNotEmpty().allMatch(r -> r.body().length == 100_000);
    assertThat(answering.seen()).hasSize(2);
    // A POST is not sent twice, buffered or not: it may have acted.
    int before = dropping.seen().size() + answering.seen().size();
    int failed = 0;
    for (int i = 0; i < 2; i++) {
      Client c = h.connect();
      c.send("POST /p HTTP/1.1\r\nHost: a\r\nContent-Length: 5\r\n\r\nhello");
      failed += c.read().status() == 502 ? 1 : 0;
    }
    assertThat(failed).isOne();
    assertThat(dropping.seen().size() + answering.seen().size()).isEqualTo(before + 2);
  }

  @Test
  void withoutRequestBufferingTheBodyStreamsAsItComes() throws Exception {
    RawOrigin o = h.rawOrigin(RawOrigin.echo());
    gateway("retries: 0\n    buffering: {request: off}", o);
    Client c = h.connect();
    c.send("POST /up HTTP/1.1\r\nHost: a\r\nTransfer-Encoding: chunked\r\n\r\n5\r\nhello\r\n");
    await().until(() -> o.accepted.get() == 1); // contacted before the body ended
    c.send("0\r\n\r\n");
    assertThat(c.read().bodyText()).isEqualTo("POST /up hello");
    assertThat(o.seen().get(0).chunked()).isTrue();
  }

  // ---- response buffering

  @Test
  void aResponseTheClientDoesNotTakeIsReadWholeAndTheOriginLetGo() throws Exception {
    int size = 8 << 20;
    try (Socket s = getWhileNotReading(size, "retries: 0")) {
      assertThat(h.node.buffers().diskBytes()).as("held in a temp file").isPositive();
      // The origin connection went back to the pool: the next request reuses it.
      Client c = h.connect();
      c.send("GET /small HTTP/1.1\r\nHost: a\r\n\r\n");
      assertThat(c.read().status()).isEqualTo(200);
      assertThat(freedEarly).as("the slow client is not done yet").hasValue(0);
      assertThat(readPattern(s.getInputStream(), size)).isEqualTo(size);
    }
    await().until(() -> freedEarly.get() == 1);
    await().untilAsserted(() -> assertThat(h.node.buffers().diskBytes()).isZero());
    assertThat(h.node.buffers().memoryBytes()).isZero();
  }

  @Test
  void anEventStreamIsNeverBuffered() throws Exception {
    assertOriginWaitsForTheClient("Content-Type: text/event-stream\r\n", "retries: 0");
  }

  @Test
  void anOriginCanTurnBufferingOffWithXAccelBufferingNo() throws Exception {
    Response head = assertOriginWaitsForTheClient("X-Accel-Buffering: no\r\n", "retries: 0");
    assertThat(head.header("X-Accel-Buffering")).as("consumed, as by nginx").isNull();
  }

  @Test
  void withoutResponseBufferingAClientThatDoesNotReadPausesTheOrigin() throws Exception {
    // Backpressure: the gateway stops reading the origin instead of holding the response.
    Response head = assertOriginWaitsForTheClient("", "buffering: {response: off}");
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(PAUSED_BODY));
    assertThat(h.node.buffers().spills()).isZero();
  }

  @Test
  void pastMaxTempFileTheOriginWaitsForTheClient() throws Exception {
    assertOriginWaitsForTheClient("", "retries: 0\n    buffering: {max-temp-file: 1m}");
    assertThat(h.node.buffers().spills()).isOne();
  }

  @Test
  void aClientThatTakesNothingWhileFedIsCutOffAfterTheClientTimeout() throws Exception {
    int size = 8 << 20;
    clientTimeout = "1s";
    try (Socket s = getWhileNotReading(size, "timeouts: {connect: 2s, response: 5s, idle: 60s}")) {
      // Nothing read for client-timeout: the buffer goes, the connection is closed.
      await()
          .atMost(Duration.ofSeconds(10))
          .untilAsserted(() -> assertThat(h.node.buffers().diskBytes()).isZero());
      s.setSoTimeout(10_000);
      assertThat(readPattern(s.getInputStream(), size)).isLessThan(size);
    }
  }

  // ---- helpers

  /**
   * A {@link #PAUSED_BODY} response with {@code extraFields} to a client that reads nothing for a
   * while: the origin is paused, not read into the gateway's memory or disk (its writes stop short
   * of the whole body while the gateway holds at most a few MiB), then the client reads it all, and
   * the origin gets to write the rest. Returns the response head.
   */
  private Response assertOriginWaitsForTheClient(String extraFields, String upstreamKeys)
      throws Exception {
    int size = PAUSED_BODY;
    AtomicLong written = new AtomicLong();
    RawOrigin o = h.rawOrigin(pattern(size, written, extraFields));
    gateway(upstreamKeys, o);
    Client c = h.connect();
    c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= (4 << 20));
    // Paused: what the origin wrote stops growing, short of the whole body. Kernel socket buffers
    // on the way hold some MiB (receive buffers autotune up to net.ipv4.tcp_rmem's maximum, 32 MiB
    // here), the gateway itself no more than its buffer limits.
    AtomicLong last = new AtomicLong(-1);
    await()
        .atMost(Duration.ofSeconds(30))
        .pollInterval(Duration.ofSeconds(1))
        .until(() -> written.get() == last.getAndSet(written.get()));
    assertThat(written.get()).as("written by the origin while paused").isLessThan(size);
    assertThat(h.node.buffers().memoryBytes()).as("held in memory").isLessThan(4 << 20);
    assertThat(h.node.buffers().diskBytes()).as("held on disk").isLessThanOrEqualTo(2 << 20);
    Response head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    byte[] buf = new byte[1 << 16];
    long total = 0;
    while (total < size) {
      int n = c.readSome(buf);
      assertThat(n).as("body bytes after " + total).isPositive();
      total += n;
    }
    assertThat(written.get()).isEqualTo(size);
    return head;
  }

  /** An origin answering {@code size} bytes of a known pattern, counting what it wrote. */
  private static RawOrigin.Handler pattern(int size, AtomicLong written, String extraFields) {
    return (req, out) -> {
      if (req.target().equals("/small")) {
        out.write(ascii(RawOrigin.response(200, "small")));
        return true;
      }
      out.write(
          ascii("HTTP/1.1 200 OK\r\n" + extraFields + "Content-Length: " + size + "\r\n\r\n"));
      byte[] chunk = new byte[65536];
      for (int sent = 0; sent < size; sent += chunk.length) {
        for (int i = 0; i < chunk.length; i++) {
          chunk[i] = (byte) ((sent + i) * 31);
        }
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
      return true;
    };
  }

  /** Reads a response to {@link #pattern} and checks its bytes: how many body bytes came. */
  private static long readPattern(InputStream in, int size) throws IOException {
    String head = RawOrigin.readLine(in, false);
    assertThat(head).startsWith("HTTP/1.1 200");
    RawOrigin.readFields(in);
    byte[] buf = new byte[65536];
    long total = 0;
    try {
      int n;
      while (total < size && (n = in.read(buf)) > 0) {
        for (int i = 0; i < n; i++) {
          if (buf[i] != (byte) ((total + i) * 31)) {
            throw new AssertionError("wrong byte at " + (total + i));
          }
        }
        total += n;
      }
    } catch (IOException reset) {
      // cut off
    }
    return total;
  }

  /**
   * A gateway with {@code upstreamKeys} in front of a {@link #pattern} origin of {@code size}
   * bytes, and a client that asks for it and reads nothing: returns the client once the origin
   * wrote the whole response.
   */
  private Socket getWhileNotReading(int size, String upstreamKeys) throws IOException {
    AtomicLong written = new AtomicLong();
    RawOrigin o = h.rawOrigin(pattern(size, written, ""));
    gateway(upstreamKeys, o);
    Socket s = slowClient();
    s.getOutputStream().write(ascii("GET /big HTTP/1.1\r\nHost: a\r\n\r\n"));
    await().atMost(Duration.ofSeconds(20)).until(() -> written.get() == size);
    return s;
  }

  /** A client socket with a small receive buffer, so that the kernel holds little for it. */
  private Socket slowClient() throws IOException {
    Socket s = new Socket();
    s.setReceiveBufferSize(16 * 1024);
    s.connect(new InetSocketAddress("127.0.0.1", h.port));
    s.setSoTimeout(20_000);
    return s;
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }
}
