package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A listener's {@code client-timeout} (docs/configuration.md#listeners-node-local): the longest the
 * client may be silent while a request or response is in progress, on a connection.
 */
class ClientTimeoutIT {
  @RegisterExtension final Harness h = new Harness();

  /** Serves {@code size} bytes for every request but {@code /small}; counts what it wrote. */
  private static RawOrigin.Handler big(int size, AtomicLong written) {
    return (req, out) -> {
      if (req.target().equals("/small")) {
        out.write(RawOrigin.response(200, "small").getBytes(StandardCharsets.US_ASCII));
        return true;
      }
      out.write(
          ("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      byte[] chunk = new byte[65536];
      for (int sent = 0; sent < size; sent += chunk.length) {
        out.write(chunk);
        written.addAndGet(chunk.length);
      }
      return true;
    };
  }

  private void start(String listenerKeys, RawOrigin origin) {
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, KEYS}
        upstreams:
          app:
            servers: [{name: o, address: $O}]
            retries: 0
            timeouts: {connect: 2s, response: 60s, idle: 60s}
            buffering: {response: off}
        routes: [{name: default, upstream: app}]
        """
            .replace("KEYS", listenerKeys)
            .replace("$O", origin.address()));
  }

  /** A socket with a small receive buffer, so that the gateway's side fills soon. */
  private Socket slowClient() throws Exception {
    Socket s = new Socket();
    s.setReceiveBufferSize(16 * 1024);
    s.connect(new InetSocketAddress("127.0.0.1", h.port));
    return s;
  }

  @Test
  void aPauseInTheRequestHeadLongerThanTheClientTimeoutGets408() throws Exception {
    start(
        "request-header-timeout: 30s, client-timeout: 500ms",
        h.rawOrigin(big(10, new AtomicLong())));
    long t0 = System.nanoTime();
    try (Socket s = new Socket("127.0.0.1", h.port)) {
      s.setSoTimeout(10_000);
      s.getOutputStream()
          .write("GET / HTTP/1.1\r\nHost: x\r\n".getBytes(StandardCharsets.US_ASCII));
      RawHttp.Result r = RawHttp.readUntilClose(s.getInputStream());
      assertThat(r.statuses()).as(r.text()).containsExactly(408);
    }
    assertThat(Duration.ofNanos(System.nanoTime() - t0))
        .as("well before the 30 s header timeout")
        .isBetween(Duration.ofMillis(400), Duration.ofSeconds(10));
  }

  @Test
  void aPauseInTheRequestBodyLongerThanTheClientTimeoutGets408() throws Exception {
    RawOrigin o = h.rawOrigin(RawOrigin.echo());
    start("request-body-timeout: 30s, client-timeout: 500ms", o);
    long t0 = System.nanoTime();
    RawHttp.Result r =
        RawHttp.exchange(
            h.port,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
            Duration.ofSeconds(10));
    assertThat(r.statuses()).as(r.text()).containsExactly(408);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isLessThan(Duration.ofSeconds(10));
  }

  @Test
  void aClientThatStopsTakingItsResponseIsClosedAfterTheClientTimeout() throws Exception {
    AtomicLong written = new AtomicLong();
    int size = 64 << 20;
    start("client-timeout: 1s", h.rawOrigin(big(size, written)));
    try (Socket s = slowClient()) {
      s.getOutputStream().write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes());
      await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= (1 << 20));
      long t0 = System.nanoTime();
      // It reads nothing: the gateway's side fills, then the gateway gives up on it.
      await()
          .atMost(Duration.ofSeconds(20))
          .pollInterval(Duration.ofMillis(50))
          .until(() -> h.node.openConnections("web") == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofMillis(500));
      assertThat(written.get()).as("the origin was paused, then let go").isLessThan(size);
      s.setSoTimeout(10_000);
      InputStream in = s.getInputStream();
      long got = 0;
      try {
        byte[] buf = new byte[65536];
        int n;
        while ((n = in.read(buf)) > 0) {
          got += n;
        }
      } catch (java.io.IOException reset) {
        // the close may reach the client as a reset
      }
      assertThat(got).isLessThan(size);
    }
    // The node serves on.
    assertThat(h.get("/small").statusCode()).isEqualTo(200);
  }

  @Test
  void aClientThatKeepsTakingItsResponseSlowlyIsServedInFull() throws Exception {
    AtomicLong written = new AtomicLong();
    int size = 4 << 20;
    start("client-timeout: 1s", h.rawOrigin(big(size, written)));
    try (Socket s = slowClient()) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write("GET /big HTTP/1.1\r\nHost: x\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      InputStream in = s.getInputStream();
      String head = RawOrigin.readLine(in, false);
      assertThat(head).startsWith("HTTP/1.1 200");
      RawOrigin.readFields(in);
      // 64 KiB every 50 ms: slower than the gateway could send, but never silent for 1 s.
      byte[] buf = new byte[65536];
      long got = 0;
      while (got < size) {
        int n = in.read(buf);
        assertThat(n).as("cut off after %d bytes", got).isPositive();
        got += n;
        Thread.sleep(n == buf.length ? 50 : 5);
      }
      assertThat(got).isEqualTo(size);
    }
  }
}
