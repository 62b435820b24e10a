package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import io.vxgate.testing.FixedOrigin;
import io.vxgate.testing.FreePorts;
import io.vxgate.testing.NodeProcess;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedDeque;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code --takeover} under load (docs/operations.md, "Upgrading without downtime"): a clustered
 * node JVM serves a steady 200 requests/s, half from clients that open a connection per request,
 * half from keep-alive clients that behave like browsers (an idempotent request whose idle
 * connection was closed before any byte of a response is sent again on a new connection); a second
 * JVM with the same node id takes the listening socket over in the middle. Every request is
 * counted: none may fail and no connection may be refused; the old JVM drains and exits 0.
 */
class TakeoverIT {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir Path dir;
  private final Vertx vertx = Vertx.vertx();
  private Process old;
  private Process next;
  private final ScheduledExecutorService ticker = Executors.newScheduledThreadPool(2);
  private final ExecutorService workers = Executors.newFixedThreadPool(64);

  private final AtomicInteger ok = new AtomicInteger();
  private final AtomicInteger failed = new AtomicInteger();
  private final AtomicInteger refused = new AtomicInteger();
  private final AtomicInteger retried = new AtomicInteger();
  private final Queue<String> failures = new ConcurrentLinkedQueue<>();
  private final ConcurrentLinkedDeque<Socket> idle = new ConcurrentLinkedDeque<>();
  private int port;

  @AfterEach
  void tearDown() throws Exception {
    ticker.shutdownNow();
    workers.shutdownNow();
    idle.forEach(TakeoverIT::closeQuietly);
    for (Process p : new Process[] {old, next}) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    vertx.close().await();
  }

  @Test
  void takeoverUnderLoadLosesNoRequestAndRefusesNoConnection() throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "the takeover needs Linux epoll");
    int origin = FixedOrigin.start(vertx, "ok");
    String id = "tk-" + UUID.randomUUID().toString().substring(0, 8);
    int hz = FreePorts.pick();
    port = FreePorts.pick();
    Path file = dir.resolve("gw.yaml");
    Files.writeString(
        file,
        """
        node: {id: %s}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [127.0.0.1:%d]}
        listeners: [{name: web, bind: 127.0.0.1:%d}]
        upstreams:
          app: {servers: [{name: o, address: 127.0.0.1:%d}]}
        routes: [{name: default, upstream: app}]
        """
            .formatted(id, id, hz, hz, port, origin));
    old = NodeProcess.launch(file, dir.resolve("old.log"));
    await().atMost(STARTUP).until(() -> oneShot(false));

    long t0 = System.nanoTime();
    ticker.scheduleAtFixedRate(
        () -> workers.execute(() -> oneShot(true)), 0, 10, TimeUnit.MILLISECONDS);
    ticker.scheduleAtFixedRate(
        () -> workers.execute(this::keepAlive), 5, 10, TimeUnit.MILLISECONDS);

    Thread.sleep(6000);
    int before = ok.get();
    long launched = System.nanoTime();
    next = NodeProcess.launch(file, dir.resolve("new.log"), List.of("--takeover"));
    assertThat(old.waitFor(90, TimeUnit.SECONDS)).as("the old process drains and exits").isTrue();
    long done = System.nanoTime();
    assertThat(old.exitValue()).isZero();
    assertThat(next.isAlive()).isTrue();
    // the load goes on for 20 s in all and at least 3 s after the old process is gone
    long end =
        Math.max(t0 + Duration.ofSeconds(20).toNanos(), done + Duration.ofSeconds(3).toNanos());
    Thread.sleep(Math.max(0, (end - System.nanoTime()) / 1_000_000));
    ticker.shutdown();
    ticker.awaitTermination(5, TimeUnit.SECONDS);
    workers.shutdown();
    assertThat(workers.awaitTermination(30, TimeUnit.SECONDS)).isTrue();

    double seconds = (System.nanoTime() - t0) / 1e9;
    System.out.printf(
        "takeover under load: %d answered in %.1f s (%d before the new process started), %d"
            + " keep-alive requests sent again, %d failed, %d refused; old process gone %.1f s"
            + " after the new one was launched%n",
        ok.get(),
        seconds,
        before,
        retried.get(),
        failed.get(),
        refused.get(),
        (done - launched) / 1e9);
    Files.readAllLines(dir.resolve("old.log")).stream()
        .filter(l -> l.contains("takeover") || l.contains("taken over"))
        .forEach(l -> System.out.println("old: " + l));
    Files.readAllLines(dir.resolve("new.log")).stream()
        .filter(l -> l.contains("takeover") || l.contains("vxgate started"))
        .forEach(l -> System.out.println("new: " + l));
    assertThat(failures).as("failed requests").isEmpty();
    assertThat(failed.get()).isZero();
    assertThat(refused.get()).as("refused connections").isZero();
    assertThat(before).as("requests before the takeover").isPositive();
    assertThat(ok.get())
        .as("requests answered at 200/s over %.1f s (%d retried)", seconds, retried.get())
        .isGreaterThan((int) (seconds * 200 * 0.8));
    assertThat(Files.readString(dir.resolve("new.log"))).contains("takeover done");
    assertThat(Files.readString(dir.resolve("old.log"))).contains("taken over: drained, exiting");
    assertThat(oneShot(false)).as("the new process serves").isTrue();
  }

  @Test
  void withoutEpollTakeoverSaysItIsUnsupportedAndExits1() throws Exception {
    Path file = dir.resolve("gw.yaml");
    Files.writeString(file, "node: {id: tk-nio}\nlisteners: [{name: web, bind: 127.0.0.1:0}]\n");
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    Process p =
        new ProcessBuilder(
                java,
                "-Dio.netty.transport.noNative=true",
                "-cp",
                System.getProperty("java.class.path"),
                "io.vxgate.gateway.Main",
                "--config",
                file.toString(),
                "--takeover")
            .redirectErrorStream(true)
            .start();
    String out = new String(p.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
    assertThat(p.waitFor(60, TimeUnit.SECONDS)).isTrue();
    assertThat(p.exitValue()).isEqualTo(1);
    assertThat(out).contains("--takeover is not supported here");
  }

  /** A request on a connection of its own. */
  private boolean oneShot(boolean count) {
    Socket s = new Socket();
    try {
      s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    } catch (ConnectException e) {
      if (count) {
        refused.incrementAndGet();
        failures.add("refused: " + e);
      }
      closeQuietly(s);
      return false;
    } catch (IOException e) {
      if (count) {
        failed.incrementAndGet();
        failures.add("connect: " + e);
      }
      closeQuietly(s);
      return false;
    }
    try {
      s.setSoTimeout(10_000);
      Reply r = exchange(s, "Connection: close\r\n");
      boolean good = r != null && r.status == 200 && r.body.equals("ok");
      if (count) {
        (good ? ok : failed).incrementAndGet();
        if (!good) {
          failures.add("one-shot: " + (r == null ? "closed before a response" : r.status));
        }
      }
      return good;
    } catch (IOException e) {
      if (count) {
        failed.incrementAndGet();
        failures.add("one-shot: " + e);
      }
      return false;
    } finally {
      closeQuietly(s);
    }
  }

  /** A request on an idle keep-alive connection, sent again on a new one as a browser does. */
  private void keepAlive() {
    Socket s = idle.pollFirst();
    boolean reused = s != null;
    for (int attempt = 0; attempt < 2; attempt++) {
      try {
        if (s == null) {
          s = new Socket();
          s.connect(new InetSocketAddress("127.0.0.1", port), 5000);
          s.setSoTimeout(10_000);
        }
        Reply r = exchange(s, "");
        if (r == null && reused && attempt == 0) {
          // the idle connection was closed before any byte of a response: send it again
          retried.incrementAndGet();
          closeQuietly(s);
          s = null;
          continue;
        }
        if (r == null || r.status != 200 || !r.body.equals("ok")) {
          failed.incrementAndGet();
          failures.add("keep-alive: " + (r == null ? "closed before a response" : r.status));
          closeQuietly(s);
          return;
        }
        ok.incrementAndGet();
        if (r.close) {
          closeQuietly(s);
        } else {
          idle.addLast(s);
        }
        return;
      } catch (ConnectException e) {
        refused.incrementAndGet();
        failures.add("keep-alive refused: " + e);
        closeQuietly(s);
        return;
      } catch (IOException e) {
        if (reused && attempt == 0 && e.getMessage() != null && e.getMessage().contains("reset")) {
          retried.incrementAndGet();
          closeQuietly(s);
          s = null;
          continue;
        }
        failed.incrementAndGet();
        failures.add("keep-alive: " + e);
        closeQuietly(s);
        return;
      }
    }
  }

  private record Reply(int status, String body, boolean close) {}

  /** Sends a GET and reads the response; null when the connection closed before any byte of one. */
  private static Reply exchange(Socket s, String extra) throws IOException {
    OutputStream out = s.getOutputStream();
    out.write(
        ("GET / HTTP/1.1\r\nHost: x\r\n" + extra + "\r\n").getBytes(StandardCharsets.US_ASCII));
    out.flush();
    InputStream in = s.getInputStream();
    ByteArrayOutputStream head = new ByteArrayOutputStream();
    int b;
    int got = 0;
    while ((b = in.read()) >= 0) {
      got++;
      head.write(b);
      byte[] h = head.toByteArray();
      int n = h.length;
      if (n >= 4 && h[n - 4] == '\r' && h[n - 3] == '\n' && h[n - 2] == '\r' && h[n - 1] == '\n') {
        break;
      }
    }
    if (got == 0) {
      return null;
    }
    String text = head.toString(StandardCharsets.ISO_8859_1);
    if (b < 0) {
      throw new IOException("closed in the middle of a response head: " + text);
    }
    int status = Integer.parseInt(text.substring(9, 12));
    int length = 0;
    boolean close = false;
    for (String line : text.split("\r\n")) {
      String l = line.toLowerCase(java.util.Locale.ROOT);
      if (l.startsWith("content-length:")) {
        length = Integer.parseInt(l.substring(15).trim());
      } else if (l.startsWith("connection:") && l.contains("close")) {
        close = true;
      }
    }
    byte[] body = in.readNBytes(length);
    if (body.length < length) {
      throw new IOException("closed in the middle of a response body");
    }
    return new Reply(status, new String(body, StandardCharsets.ISO_8859_1), close);
  }

  private static void closeQuietly(Socket s) {
    if (s == null) {
      return;
    }
    try {
      s.close();
    } catch (IOException e) {
      // closing anyway
    }
  }
}
