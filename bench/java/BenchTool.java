// bench/java/BenchTool.java: the WebSocket echo origin and the load clients that wrk and h2load cannot
// play, for bench/run. One source file, run by the JDK's source launcher with Vert.x from the shaded
// jar on the class path (no build step):
//
//   java -cp deploy/target/vxgate.jar bench/java/BenchTool.java MODE ARGS...
//
//   ws-echo PORT
//       WebSocket echo server on 127.0.0.1:PORT, one event loop (like the 1-worker nginx origin).
//       Every message is sent back as it came; a plain HTTP request is answered 200 "ws echo".
//   ws-load URL CONNECTIONS DURATION_S WARMUP_S SIZE
//       CONNECTIONS WebSockets to URL (ws://HOST:PORT/PATH), one event loop (like wrk -t1). Each one
//       sends a SIZE-byte binary message, waits for its echo, and sends the next, for WARMUP_S seconds
//       unrecorded, then DURATION_S seconds recorded. Prints one line bench/run parses:
//         BENCH_RESULT requests=N duration_us=.. rps=MSGS_PER_S p50_us=.. p99_us=.. p999_us=.. errors=..
//       (a round trip is a "request"; errors = failed connects + connections closed early + wrong echoes).
//   idle HOST PORT N
//       Opens N TCP connections (at most 256 connecting at once), sends `GET / HTTP/1.1` on each and
//       reads the whole response, then keeps every connection open and idle until killed. Prints
//         BENCH_IDLE opened=OK failed=F seconds=S
//       once every connection has been tried, and BENCH_IDLE_CLOSED n when the peer closes some.
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.http.WebSocketClientOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.NetSocket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

public class BenchTool {
  public static void main(String[] args) throws Exception {
    if (args.length == 0) usage();
    switch (args[0]) {
      case "ws-echo" -> wsEcho(Integer.parseInt(args[1]));
      case "ws-load" -> wsLoad(URI.create(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]),
          Integer.parseInt(args[4]), Integer.parseInt(args[5]));
      case "idle" -> idle(args[1], Integer.parseInt(args[2]), Integer.parseInt(args[3]));
      default -> usage();
    }
  }

  static void usage() {
    System.err.println("usage: BenchTool ws-echo PORT | ws-load URL CONNECTIONS DURATION_S WARMUP_S SIZE | idle HOST PORT N");
    System.exit(2);
  }

  static Vertx oneLoop() {
    return Vertx.vertx(new VertxOptions().setEventLoopPoolSize(1).setWorkerPoolSize(1));
  }

  // ------------------------------------------------------------------ ws-echo
  static void wsEcho(int port) throws Exception {
    Vertx vertx = oneLoop();
    vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port).setAcceptBacklog(4096)
            .setMaxWebSocketMessageSize(1 << 20))
        .webSocketHandler(ws -> ws.handler(ws::write))
        .requestHandler(req -> req.response().end("ws echo\n"))
        .listen().await();
    System.out.println("ws-echo listening on 127.0.0.1:" + port);
    new CountDownLatch(1).await();
  }

  // ------------------------------------------------------------------ ws-load
  static final class Recorder {            // touched only from the client's single event loop
    long[] lat = new long[1 << 20];
    int n;
    boolean recording;
    void add(long nanos) {
      if (!recording) return;
      if (n == lat.length) lat = Arrays.copyOf(lat, n * 2);
      lat[n++] = nanos;
    }
  }

  static void wsLoad(URI uri, int conns, int durationS, int warmupS, int size) throws Exception {
    Vertx vertx = oneLoop();
    WebSocketClient client = vertx.createWebSocketClient(new WebSocketClientOptions()
        .setMaxConnections(conns).setConnectTimeout(5000).setMaxMessageSize(1 << 20));
    Recorder rec = new Recorder();
    AtomicInteger errors = new AtomicInteger();
    Buffer payload = Buffer.buffer("x".repeat(size));
    String path = uri.getRawPath() == null || uri.getRawPath().isEmpty() ? "/" : uri.getRawPath();
    int port = uri.getPort();
    String host = uri.getHost();
    boolean[] stop = {false};
    CountDownLatch connected = new CountDownLatch(conns);
    WebSocket[] sockets = new WebSocket[conns];
    vertx.runOnContext(v -> {
      for (int i = 0; i < conns; i++) {
        int idx = i;
        client.connect(port, host, path).onComplete(ar -> {
          if (ar.failed()) {
            errors.incrementAndGet();
            System.err.println("connect failed: " + ar.cause());
            connected.countDown();
            return;
          }
          WebSocket ws = ar.result();
          sockets[idx] = ws;
          long[] sent = {0};
          ws.closeHandler(x -> { if (!stop[0]) errors.incrementAndGet(); });
          ws.exceptionHandler(t -> { if (!stop[0]) errors.incrementAndGet(); });
          ws.handler(buf -> {
            long now = System.nanoTime();
            if (buf.length() != size) errors.incrementAndGet();
            rec.add(now - sent[0]);
            if (stop[0]) return;
            sent[0] = System.nanoTime();
            ws.write(payload);
          });
          connected.countDown();
          sent[0] = System.nanoTime();
          ws.write(payload);
        });
      }
    });
    if (!connected.await(30, TimeUnit.SECONDS)) {
      System.err.println("not every WebSocket connected within 30 s");
    }
    Thread.sleep(warmupS * 1000L);
    long[] start = new long[1];
    runOn(vertx, () -> { rec.recording = true; start[0] = System.nanoTime(); });
    Thread.sleep(durationS * 1000L);
    long[] end = new long[1];
    int[] count = new int[1];
    runOn(vertx, () -> { rec.recording = false; stop[0] = true; end[0] = System.nanoTime(); count[0] = rec.n; });
    long[] lat = Arrays.copyOf(rec.lat, count[0]);
    Arrays.sort(lat);
    double seconds = (end[0] - start[0]) / 1e9;
    System.out.printf("BENCH_RESULT requests=%d duration_us=%d rps=%.1f p50_us=%d p99_us=%d p999_us=%d max_us=%d errors=%d connections=%d%n",
        lat.length, (end[0] - start[0]) / 1000, lat.length / seconds, pct(lat, 50), pct(lat, 99), pct(lat, 99.9),
        lat.length == 0 ? 0 : lat[lat.length - 1] / 1000, errors.get(), conns);
    System.out.flush();
    System.exit(0);
  }

  static long pct(long[] sorted, double p) {
    if (sorted.length == 0) return 0;
    int i = (int) Math.ceil(p / 100.0 * sorted.length) - 1;
    return sorted[Math.max(0, Math.min(sorted.length - 1, i))] / 1000;
  }

  static void runOn(Vertx vertx, Runnable r) throws InterruptedException {
    CountDownLatch l = new CountDownLatch(1);
    vertx.runOnContext(v -> { r.run(); l.countDown(); });
    l.await();
  }

  // ------------------------------------------------------------------ idle
  static void idle(String host, int port, int n) throws Exception {
    Vertx vertx = oneLoop();
    NetClient client = vertx.createNetClient(new NetClientOptions().setConnectTimeout(10000));
    AtomicInteger next = new AtomicInteger(), ok = new AtomicInteger(), failed = new AtomicInteger(),
        closed = new AtomicInteger();
    CountDownLatch done = new CountDownLatch(n);
    Buffer request = Buffer.buffer("GET / HTTP/1.1\r\nHost: " + host + ":" + port + "\r\n\r\n");
    long t0 = System.nanoTime();
    Runnable[] launch = new Runnable[1];
    launch[0] = () -> {
      if (next.getAndIncrement() >= n) return;
      client.connect(port, host).onComplete(ar -> {
        if (ar.failed()) {
          failed.incrementAndGet();
          done.countDown();
          launch[0].run();
          return;
        }
        NetSocket so = ar.result();
        Buffer acc = Buffer.buffer();
        boolean[] finished = {false};
        Runnable finish = () -> {
          if (finished[0]) return;
          finished[0] = true;
          done.countDown();
          launch[0].run();
        };
        so.closeHandler(x -> {
          if (!finished[0]) { failed.incrementAndGet(); finish.run(); } else closed.incrementAndGet();
        });
        so.exceptionHandler(t -> { });
        so.handler(buf -> {
          if (finished[0]) return;
          acc.appendBuffer(buf);
          if (responseComplete(acc)) {
            if (acc.getString(0, Math.min(12, acc.length())).startsWith("HTTP/1.1 200")) ok.incrementAndGet();
            else failed.incrementAndGet();
            finish.run();
          }
        });
        so.write(request);
      });
    };
    vertx.runOnContext(v -> { for (int i = 0; i < Math.min(256, n); i++) launch[0].run(); });
    done.await();
    System.out.printf("BENCH_IDLE opened=%d failed=%d seconds=%.1f%n", ok.get(), failed.get(),
        (System.nanoTime() - t0) / 1e9);
    System.out.flush();
    int reported = 0;
    while (true) {                         // hold the connections until killed
      Thread.sleep(1000);
      int c = closed.get();
      if (c != reported) { System.out.println("BENCH_IDLE_CLOSED " + c); System.out.flush(); reported = c; }
    }
  }

  // A complete HTTP/1.1 response head with Content-Length (or chunked, ending in 0\r\n\r\n).
  static boolean responseComplete(Buffer acc) {
    String s = acc.toString(StandardCharsets.ISO_8859_1);
    int head = s.indexOf("\r\n\r\n");
    if (head < 0) return false;
    String h = s.substring(0, head).toLowerCase();
    int cl = h.indexOf("content-length:");
    if (cl >= 0) {
      int eol = h.indexOf("\r\n", cl);
      int len = Integer.parseInt(h.substring(cl + 15, eol < 0 ? h.length() : eol).trim());
      return s.length() - head - 4 >= len;
    }
    if (h.contains("transfer-encoding: chunked")) return s.endsWith("0\r\n\r\n");
    return true;
  }
}
