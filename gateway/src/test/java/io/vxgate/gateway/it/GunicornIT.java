package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.gateway.buffer.NodeBuffers;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Buffering in front of real Gunicorn (docs/gunicorn.md): 2 sync workers, each serving one request
 * at a time, so a slow client that reaches a worker holds it. With buffering on, slow uploads and
 * slow downloads never hold a worker and fast requests keep being served at once; with it off, the
 * same load leaves the fast requests waiting. Each test asserts both sides.
 *
 * <p>The app ({@code gunicorn/app.py}): {@code /upload} reads its body and answers its length,
 * {@code /big} answers 32 MiB, {@code /} answers at once. Slow clients pace themselves (8 KiB/s up,
 * 16 KiB/s down); the tests watch them with Awaitility.
 */
class GunicornIT {
  /**
   * A fast request must be answered within this while slow clients hold the line: every one on a
   * quiet machine; on a shared 2-core machine one in twenty may be late by a scheduler stall, never
   * by {@link #HELD_MS}, which a fast request waiting for a worker held by a slow client would
   * take.
   */
  private static final long FAST_MS = 100;

  private static final long HELD_MS = 1500;

  private static final int UPLOAD = 256 * 1024;
  private static final int BIG = 32 * 1024 * 1024;
  private static final int SLOW_CLIENTS = 8;

  private static Gunicorn gunicorn;

  @RegisterExtension final Harness h = new Harness();
  @TempDir Path temp;

  private final List<AutoCloseable> slow = new ArrayList<>();

  /** Responses read whole from Gunicorn (the worker moved on), fast GETs included. */
  private final AtomicInteger originDone = new AtomicInteger();

  @BeforeAll
  static void startGunicorn() throws IOException {
    gunicorn = Gunicorn.start(2);
  }

  @AfterAll
  static void stopGunicorn() {
    if (gunicorn != null) {
      gunicorn.close();
    }
  }

  @AfterEach
  void closeSlowClients() throws Exception {
    for (AutoCloseable c : slow) {
      c.close();
    }
  }

  /** A gateway in front of Gunicorn; {@code buffering} is the upstream's buffering mapping. */
  private void gateway(String buffering) {
    gatewayWithTempDir(buffering, temp);
  }

  private void gatewayWithTempDir(String buffering, Path dir) {
    h.metrics =
        new ProxyMetrics() {
          @Override
          public void attempt(
              String upstream, String server, int status, String failure, long nanos) {
            if (status == 200 && failure == null) {
              originDone.incrementAndGet();
            }
          }
        };
    h.gateway(
        """
        %LISTENER%
        buffering: {temp-dir: "TEMP"}
        upstreams:
          app:
            servers: [{name: g, address: ADDRESS}]
            retries: 0
            timeouts: {connect: 2s, response: 60s, idle: 60s}
            buffering: BUFFERING
        routes: [{name: default, upstream: app}]
        """
            .replace("TEMP", dir.toString())
            .replace("ADDRESS", gunicorn.address())
            .replace("BUFFERING", buffering));
  }

  // ---- uploads

  @Test
  void slowUploadsDoNotHoldWorkersWhenRequestsAreBuffered() throws Exception {
    gateway("{request: on}");
    List<SlowUpload> uploads = startUploads();
    // Fast GETs while every upload is still arriving: none waits for a worker.
    List<Long> latencies = fastGets(Duration.ofSeconds(3));
    assertFast(latencies);
    assertThat(uploads).allMatch(u -> u.sent.get() < UPLOAD);
    // The rest of each body at once: Gunicorn gets every byte.
    uploads.forEach(SlowUpload::hurry);
    for (SlowUpload u : uploads) {
      assertThat(u.answer.get(30, TimeUnit.SECONDS)).isEqualTo("200 " + UPLOAD);
    }
    assertThat(h.node.buffers().spills()).as("bodies over 64k went to temp files").isPositive();
    assertNothingBuffered();
  }

  @Test
  void slowUploadsHoldTheWorkersWithoutRequestBuffering() throws Exception {
    gateway("{request: off}");
    startUploads();
    CompletableFuture<Long> get = CompletableFuture.supplyAsync(this::fastGet);
    assertThatThrownBy(() -> get.get(2, TimeUnit.SECONDS))
        .as("a fast GET waits for a worker held by a slow upload")
        .isInstanceOf(TimeoutException.class);
    closeSlowClients();
    assertThat(get.get(30, TimeUnit.SECONDS)).as("served once the uploads went away").isNotNull();
  }

  // ---- downloads

  @Test
  void slowDownloadsDoNotHoldWorkersWhenResponsesAreBuffered() throws Exception {
    gateway("{response: on}");
    long start = System.nanoTime();
    List<SlowRead> reads = startReads(SLOW_CLIENTS);
    // Every response was read whole from Gunicorn, each worker moved on (about 1.3 s on a loaded
    // 2-core machine; without buffering, 32 MiB at 16 KiB/s would hold a worker for 30 minutes).
    await()
        .atMost(Duration.ofSeconds(5))
        .pollInterval(Duration.ofMillis(20))
        .until(() -> originDone.get() == SLOW_CLIENTS);
    long freedMs = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
    System.out.println("GunicornIT: 8 x 32 MiB read from Gunicorn in " + freedMs + " ms");
    List<Long> latencies = fastGets(Duration.ofSeconds(2));
    assertFast(latencies);
    assertThat(reads).as("still reading").allMatch(r -> r.received.get() < BIG);
    assertThat(h.node.buffers().diskBytes()).as("held in temp files").isPositive();
    closeSlowClients();
    assertNothingBuffered();
  }

  @Test
  void slowDownloadsHoldTheWorkersWithoutResponseBuffering() throws Exception {
    gateway("{response: off}");
    startReads(2); // one per worker; the others wait for one
    CompletableFuture<Long> get = CompletableFuture.supplyAsync(this::fastGet);
    assertThatThrownBy(() -> get.get(2, TimeUnit.SECONDS))
        .as("a fast GET waits for a worker held by a slow download")
        .isInstanceOf(TimeoutException.class);
    assertThat(originDone).hasValue(0);
    closeSlowClients();
    assertThat(get.get(30, TimeUnit.SECONDS)).as("served once the downloads went away").isNotNull();
  }

  // ---- clients that go away

  @Test
  void anAbortedUploadLeavesNoTempFileAndNoHeldWorker() throws Exception {
    gateway("{request: on}");
    try (Socket s = new Socket("127.0.0.1", h.port)) {
      OutputStream out = s.getOutputStream();
      out.write(head("POST /upload", UPLOAD));
      out.write(new byte[UPLOAD / 2]); // past the 64k in memory: into a temp file
      out.flush();
      await().atMost(Duration.ofSeconds(10)).until(() -> h.node.buffers().diskBytes() > 0);
    }
    assertNothingBuffered();
    assertThat(fastGet()).isLessThan(FAST_MS * 10);
  }

  @Test
  void anAbortedDownloadLeavesNoTempFileAndNoHeldWorker() throws Exception {
    gateway("{response: on}");
    SlowRead r = new SlowRead(h.port, 0);
    slow.add(r);
    await().atMost(Duration.ofSeconds(15)).until(() -> diskBytes() > 0);
    r.close();
    assertNothingBuffered();
    assertThat(fastGet()).isLessThan(FAST_MS * 10);
  }

  // ---- a full disk

  @Test
  void aFullDiskFailsThatRequestOnlyWith507Or502() throws Exception {
    Path full = temp.resolve("full");
    Files.createDirectories(full);
    Process mount =
        new ProcessBuilder("mount", "-t", "tmpfs", "-o", "size=1m", "tmpfs", full.toString())
            .redirectErrorStream(true)
            .start();
    boolean mounted = mount.waitFor(10, TimeUnit.SECONDS) && mount.exitValue() == 0;
    org.junit.jupiter.api.Assumptions.assumeTrue(
        mounted, "mounting a tmpfs needs root (bin/test and CI run as root)");
    try {
      gatewayWithTempDir("{request: on, response: on}", full);
      // An upload that does not fit: 507, and nothing reached Gunicorn.
      try (RawHttp.Client c = h.connect()) {
        c.send(new String(head("POST /upload", 2 << 20), StandardCharsets.ISO_8859_1));
        c.send("x".repeat(2 << 20));
        assertThat(c.read().status()).isEqualTo(507);
      }
      assertThat(fastGet()).isLessThan(FAST_MS * 10);
      // A download that does not fit, to a client that does not read: cut off.
      try (Socket s = new Socket()) {
        s.setReceiveBufferSize(16 * 1024);
        s.connect(new InetSocketAddress("127.0.0.1", h.port));
        s.getOutputStream().write(head("GET /big", 0));
        await()
            .atMost(Duration.ofSeconds(20))
            .until(() -> h.node.buffers().spills() > 1 && diskBytes() == 0);
        s.setSoTimeout(20_000);
        assertThat(drain(s.getInputStream())).as("bytes before the cut").isLessThan(BIG);
      }
      assertThat(fastGet()).as("the node keeps serving").isLessThan(FAST_MS * 10);
      assertNothingBuffered();
    } finally {
      h.close();
      new ProcessBuilder("umount", "-l", full.toString()).start().waitFor(10, TimeUnit.SECONDS);
    }
  }

  // ---- helpers

  private long diskBytes() {
    return h.node.buffers().diskBytes();
  }

  /** Nothing held: no memory counted, no bytes on disk, no temp file open or left behind. */
  private void assertNothingBuffered() {
    NodeBuffers b = h.node.buffers();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              assertThat(b.memoryBytes()).as("memory").isZero();
              assertThat(b.diskBytes()).as("disk").isZero();
              assertThat(openTempFiles()).as("open temp files").isZero();
              try (Stream<Path> files = Files.list(b.dir())) {
                assertThat(files.filter(Files::isRegularFile)).as("temp files").isEmpty();
              }
            });
  }

  /** Descriptors of this JVM open on files under the temp directory (unlinked ones included). */
  private long openTempFiles() throws IOException {
    String dir = h.node.buffers().dir().toString();
    long n = 0;
    try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
      for (Path fd : fds.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith(dir)) {
            n++;
          }
        } catch (IOException closedMeanwhile) {
          // the listing's own descriptor
        }
      }
    }
    return n;
  }

  private List<SlowUpload> startUploads() throws IOException {
    List<SlowUpload> uploads = new ArrayList<>();
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      SlowUpload u = new SlowUpload(h.port);
      slow.add(u);
      uploads.add(u);
    }
    // Every upload under way (without buffering, each would be at Gunicorn now).
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> uploads.stream().allMatch(u -> u.sent.get() >= 16 * 1024));
    return uploads;
  }

  /** Starts the slow readers; returns once {@code reading} of them receive bytes. */
  private List<SlowRead> startReads(int reading) throws IOException {
    List<SlowRead> reads = new ArrayList<>();
    for (int i = 0; i < SLOW_CLIENTS; i++) {
      SlowRead r = new SlowRead(h.port, 16 * 1024);
      slow.add(r);
      reads.add(r);
    }
    await()
        .atMost(Duration.ofSeconds(15))
        .until(() -> reads.stream().filter(r -> r.received.get() > 0).count() >= reading);
    return reads;
  }

  /**
   * Sequential GET / on one connection for {@code window} (a new one when the gateway closes it
   * after {@code keepalive-requests}): each one's time in ms.
   */
  private List<Long> fastGets(Duration window) throws IOException {
    List<Long> out = new ArrayList<>();
    long end = System.nanoTime() + window.toNanos();
    RawHttp.Client c = h.connect();
    try {
      while (System.nanoTime() < end) {
        long t0 = System.nanoTime();
        c.send("GET / HTTP/1.1\r\nHost: g\r\n\r\n");
        RawHttp.Response r = c.read();
        long ms = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
        assertThat(r.status()).isEqualTo(200);
        out.add(ms);
        if ("close".equalsIgnoreCase(r.header("Connection"))) {
          c.close();
          c = h.connect();
        }
      }
    } finally {
      c.close();
    }
    return out;
  }

  /** The fast GETs' times: 95% under {@link #FAST_MS}, none near {@link #HELD_MS}. */
  private static void assertFast(List<Long> latencies) {
    assertThat(latencies).hasSizeGreaterThan(10).allMatch(ms -> ms < HELD_MS);
    List<Long> sorted = latencies.stream().sorted().toList();
    long p95 = sorted.get((int) Math.ceil(sorted.size() * 0.95) - 1);
    assertThat(p95).as("95th percentile of %s", latencies).isLessThan(FAST_MS);
  }

  /** One GET / on a new connection: its time in ms. */
  private Long fastGet() {
    try (Socket s = new Socket("127.0.0.1", h.port)) {
      s.setSoTimeout(60_000);
      long t0 = System.nanoTime();
      s.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
      String answer = new String(s.getInputStream().readAllBytes(), StandardCharsets.ISO_8859_1);
      assertThat(answer).startsWith("HTTP/1.0 200").endsWith("ok\n");
      return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - t0);
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  private static byte[] head(String requestLine, int contentLength) {
    String h =
        requestLine
            + " HTTP/1.1\r\nHost: g\r\nConnection: close\r\n"
            + (contentLength > 0 ? "Content-Length: " + contentLength + "\r\n" : "")
            + "\r\n";
    return h.getBytes(StandardCharsets.US_ASCII);
  }

  /** Reads until the end or a reset: how many bytes came. */
  private static long drain(InputStream in) {
    byte[] buf = new byte[64 * 1024];
    long n = 0;
    try {
      int got;
      while ((got = in.read(buf)) >= 0) {
        n += got;
      }
    } catch (IOException reset) {
      // cut off
    }
    return n;
  }

  /**
   * A client uploading {@link #UPLOAD} bytes to {@code /upload} at 8 KiB/s (1 KiB every 125 ms),
   * then reading the answer ({@code "STATUS BODY"}); {@link #hurry()} sends the rest at once.
   */
  private static final class SlowUpload implements AutoCloseable {
    final AtomicLong sent = new AtomicLong();
    final CompletableFuture<String> answer = new CompletableFuture<>();
    private final Socket socket;
    private volatile boolean hurry;

    SlowUpload(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout(60_000);
      Thread t = new Thread(this::run, "slow-upload");
      t.setDaemon(true);
      t.start();
    }

    void hurry() {
      hurry = true;
    }

    private void run() {
      try {
        OutputStream out = socket.getOutputStream();
        out.write(head("POST /upload", UPLOAD));
        byte[] kib = new byte[1024];
        while (sent.get() < UPLOAD) {
          if (hurry) {
            out.write(new byte[(int) (UPLOAD - sent.get())]);
            sent.set(UPLOAD);
            break;
          }
          out.write(kib);
          out.flush();
          sent.addAndGet(kib.length);
          Thread.sleep(125); // the client's own pace: 8 KiB/s
        }
        out.flush();
        String text = new String(socket.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
        // "HTTP/1.1 200 OK ... \r\n\r\nBODY"
        String status = text.substring(9, 12);
        answer.complete(status + " " + text.substring(text.indexOf("\r\n\r\n") + 4));
      } catch (Exception e) {
        answer.completeExceptionally(e);
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }

  /**
   * A client reading {@code /big} at {@code bytesPerSecond} (4 KiB at a time) with a small socket
   * receive buffer, so that the kernel holds little of the response for it; 0: reads nothing.
   */
  private static final class SlowRead implements AutoCloseable {
    final AtomicLong received = new AtomicLong();
    private final Socket socket;

    SlowRead(int port, int bytesPerSecond) throws IOException {
      socket = new Socket();
      socket.setReceiveBufferSize(16 * 1024);
      socket.connect(new InetSocketAddress("127.0.0.1", port));
      socket.setSoTimeout(60_000);
      socket.getOutputStream().write(head("GET /big", 0));
      if (bytesPerSecond > 0) {
        Thread t = new Thread(() -> run(bytesPerSecond), "slow-read");
        t.setDaemon(true);
        t.start();
      }
    }

    private void run(int bytesPerSecond) {
      try {
        InputStream in = socket.getInputStream();
        byte[] buf = new byte[4096];
        long pauseMs = 1000L * buf.length / bytesPerSecond;
        int got;
        while ((got = in.read(buf)) >= 0) {
          received.addAndGet(got);
          Thread.sleep(pauseMs); // the client's own pace
        }
      } catch (IOException | InterruptedException e) {
        // closed by the test
      }
    }

    @Override
    public void close() throws IOException {
      socket.close();
    }
  }
}
