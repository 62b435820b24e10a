package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Resource limits: connections per listener and per origin, storms, many idle clients. */
class LimitsIT {
  @RegisterExtension final Harness h = new Harness();
  private TestOrigin origin;

  private void start(String listener, String upstreamExtra) {
    origin = h.origin("o");
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, LISTENER}
        upstreams:
          app: {servers: [{name: o, address: $O}], EXTRA}
        routes: [{name: default, upstream: app}]
        """
            .replace("LISTENER", listener)
            .replace("EXTRA", upstreamExtra)
            .replace("$O", origin.address()));
  }

  @Test
  void aStalledRequestBodyGets408() throws Exception {
    start("request-body-timeout: 500ms, request-header-timeout: 10s", "retries: 0");
    long t0 = System.nanoTime();
    RawHttp.Result r =
        RawHttp.exchange(
            h.port,
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 10\r\n\r\nabc",
            Duration.ofSeconds(5));
    long ms = (System.nanoTime() - t0) / 1_000_000;
    assertThat(r.statuses()).as(r.text()).containsExactly(408);
    assertThat(r.closed()).isTrue();
    assertThat(ms).isBetween(400L, 4000L);
    assertThat(origin.seen).as("no complete request reached the origin").isEmpty();
    assertThat(h.get("/after").statusCode()).isEqualTo(200);
  }

  @Test
  void aClientStillSendingARefusedBodyReadsTheAnswer() throws Exception {
    // Like curl uploading a file: the whole body is written before the answer is read. The 413
    // leaves right after the head, so the gateway must keep reading (and dropping) what the client
    // still sends: a socket closed with unread bytes resets the connection, and the reset destroys
    // the 413 waiting in the client's buffer (nginx's lingering_close).
    start("max-request-body: 1k, request-header-timeout: 10s", "retries: 0");
    byte[] body = new byte[64 << 20];
    try (Socket s = new Socket("127.0.0.1", h.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      out.write(
          ("POST /upload HTTP/1.1\r\nHost: x\r\nContent-Length: " + body.length + "\r\n\r\n")
              .getBytes(StandardCharsets.US_ASCII));
      out.flush();
      // Nothing about the answer is known yet: the client goes on with its body, 64 KiB at a time.
      for (int off = 0; off < body.length; off += 65536) {
        out.write(body, off, 65536);
      }
      out.flush();
      RawHttp.Result r = RawHttp.readUntilClose(s.getInputStream());
      assertThat(r.statuses()).as(r.text()).containsExactly(413);
      // The client neither sends nor closes: the gateway stops lingering after 5 s of silence.
      long t0 = System.nanoTime();
      await()
          .atMost(Duration.ofSeconds(15))
          .pollInterval(Duration.ofMillis(100))
          .until(() -> h.node.openConnections("web") == 0);
      assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThan(Duration.ofSeconds(3));
    }
    assertThat(origin.seen).isEmpty();
  }

  @Test
  void connectionsOverMaxConnectionsAreClosedOthersKeepWorking() throws Exception {
    start("max-connections: 20, request-header-timeout: 10s", "retries: 0");
    List<Socket> held = new ArrayList<>();
    try {
      for (int i = 0; i < 20; i++) {
        held.add(new Socket("127.0.0.1", h.port));
      }
      await().atMost(Duration.ofSeconds(5)).until(() -> h.node.openConnections("web") == 20);
      try (Socket extra = new Socket("127.0.0.1", h.port)) {
        extra.setSoTimeout(5000);
        assertThat(extra.getInputStream().read()).as("closed at once").isEqualTo(-1);
      }
      Socket first = held.get(0);
      first.setSoTimeout(5000);
      OutputStream out = first.getOutputStream();
      out.write(
          "GET /x HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
      assertThat(RawHttp.readUntilClose(first.getInputStream()).statuses()).containsExactly(200);
    } finally {
      for (Socket s : held) {
        s.close();
      }
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> h.node.openConnections("web") == 0);
    assertThat(h.get("/after").statusCode()).isEqualTo(200);
  }

  @Test
  void aFullOriginQueueAnswers503Quickly() throws Exception {
    // Pool of 2 connections over the gateway's 2 event loops: 1 each, and a wait queue of 32 each.
    // Client connections spread over the loops by the kernel (SO_REUSEPORT), not evenly: 100
    // hanging requests fill both loops' connection and queue (33 each) but for a tiny chance.
    start(
        "request-header-timeout: 10s",
        "retries: 0, keepalive: {max-connections: 2}, timeouts: {connect: 5s, response: 3s}");
    origin.mode = TestOrigin.Mode.HANG;
    List<CompletableFuture<HttpResponse<String>>> waiting = new ArrayList<>();
    for (int i = 0; i < 100; i++) {
      waiting.add(async("/hang" + i, Duration.ofSeconds(20)));
    }
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.requests.get() == 2);
    AtomicInteger fastMs = new AtomicInteger(-1);
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(50))
        .until(
            () -> {
              long t0 = System.nanoTime();
              try {
                HttpResponse<String> r =
                    async("/probe", Duration.ofMillis(800)).get(1, TimeUnit.SECONDS);
                fastMs.set((int) ((System.nanoTime() - t0) / 1_000_000));
                return r.statusCode() == 503;
              } catch (Exception queuedOrTimedOut) {
                return false;
              }
            });
    assertThat(fastMs.get()).as("503 without waiting").isLessThan(800);
    assertThat(origin.requests.get()).as("the origin never saw more than the pool").isEqualTo(2);
    origin.mode = TestOrigin.Mode.OK;
    List<Integer> statuses = new ArrayList<>();
    for (CompletableFuture<HttpResponse<String>> f : waiting) {
      statuses.add(f.get(20, TimeUnit.SECONDS).statusCode());
    }
    // The two in flight time out (504); the queued ones get a connection or time out in the queue.
    assertThat(statuses).allMatch(s -> s == 200 || s == 503 || s == 504);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.get("/after").statusCode() == 200);
  }

  private CompletableFuture<HttpResponse<String>> async(String path, Duration timeout) {
    return h.http.sendAsync(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port + path))
            .timeout(timeout)
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  @Test
  void aConnectionStormLeavesTheNodeServing() throws Exception {
    start("request-header-timeout: 10s", "retries: 0");
    int n = 2000;
    ExecutorService pool = Executors.newFixedThreadPool(8);
    AtomicInteger opened = new AtomicInteger();
    long t0 = System.nanoTime();
    List<CompletableFuture<Void>> all = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      int k = i;
      all.add(
          CompletableFuture.runAsync(
              () -> {
                try (Socket s = new Socket("127.0.0.1", h.port)) {
                  opened.incrementAndGet();
                  if (k % 2 == 0) {
                    s.getOutputStream()
                        .write("GET / HTTP/1.1\r\nHo".getBytes(StandardCharsets.US_ASCII));
                  }
                  if (k % 10 == 0) {
                    s.setSoLinger(true, 0); // RST instead of FIN
                  }
                } catch (Exception refused) {
                  // counted by the assertion below
                }
              },
              pool));
    }
    CompletableFuture.allOf(all.toArray(CompletableFuture[]::new)).get(60, TimeUnit.SECONDS);
    pool.shutdown();
    long ms = (System.nanoTime() - t0) / 1_000_000;
    System.out.printf("storm: %d connections opened and closed in %d ms%n", opened.get(), ms);
    assertThat(opened.get()).isEqualTo(n);
    await().atMost(Duration.ofSeconds(10)).until(() -> h.node.openConnections("web") == 0);
    assertThat(h.get("/after").statusCode()).isEqualTo(200);
  }

  @Test
  void tenThousandIdleConnectionsSurvive() throws Exception {
    int n = 10_000;
    start("request-header-timeout: 60s, max-connections: 12000", "retries: 0");
    System.gc();
    long rssBefore = rssKb();
    long heapBefore = heapUsed();
    String java = ProcessHandle.current().info().command().orElse("java");
    Process child =
        new ProcessBuilder(
                java,
                "-Xmx128m",
                "-cp",
                System.getProperty("java.class.path"),
                IdleClients.class.getName(),
                String.valueOf(h.port),
                String.valueOf(n))
            .redirectError(ProcessBuilder.Redirect.INHERIT)
            .start();
    try {
      long t0 = System.nanoTime();
      BufferedReader out = new BufferedReader(new InputStreamReader(child.getInputStream()));
      assertThat(out.readLine()).isEqualTo("open " + n);
      await().atMost(Duration.ofSeconds(30)).until(() -> h.node.openConnections("web") >= n);
      long openMs = (System.nanoTime() - t0) / 1_000_000;
      assertThat(h.get("/while-idle").statusCode()).isEqualTo(200);
      System.gc();
      long rssAfter = rssKb();
      long heapAfter = heapUsed();
      System.out.printf(
          "idle: %d connections open in %d ms; test JVM RSS %d -> %d MiB (+%d KiB/conn, both the"
              + " gateway and the origin live in it), heap after GC %d -> %d MiB%n",
          n,
          openMs,
          rssBefore / 1024,
          rssAfter / 1024,
          (rssAfter - rssBefore) / n,
          heapBefore >> 20,
          heapAfter >> 20);
      assertThat(h.node.openConnections("web"))
          .as("the HTTP client keeps one more")
          .isBetween(n, n + 1);
    } finally {
      child.getOutputStream().close();
      if (!child.waitFor(20, TimeUnit.SECONDS)) {
        child.destroyForcibly();
      }
    }
    await().atMost(Duration.ofSeconds(20)).until(() -> h.node.openConnections("web") <= 1);
    assertThat(h.get("/after").statusCode()).isEqualTo(200);
  }

  private static long rssKb() throws Exception {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static long heapUsed() {
    Runtime rt = Runtime.getRuntime();
    return rt.totalMemory() - rt.freeMemory();
  }
}
