package io.vxgate.gateway.it;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.SelfSignedCertificate;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

/**
 * A real HTTP origin on an ephemeral port whose behaviour a test switches at run time: answer
 * normally, answer a status, delay, hang, or reset the connection. It can be stopped and started
 * again on the same port (an origin dying and coming back).
 */
final class TestOrigin {
  enum Mode {
    OK,
    STATUS,
    HANG,
    RESET,
    DELAY,
    /** Sends the head and half the body, then nothing. */
    STALL_BODY
  }

  final String name;
  private final Vertx vertx;
  private HttpServer server;
  private int port;
  volatile Mode mode = Mode.OK;
  volatile int status = 200;
  volatile long delayMs;
  final AtomicInteger requests = new AtomicInteger();
  final AtomicInteger healthChecks = new AtomicInteger();
  final AtomicLong bodyBytes = new AtomicLong();
  final AtomicReference<MultiMap> lastHeaders = new AtomicReference<>();
  final AtomicReference<String> lastUri = new AtomicReference<>();

  /** Every request (but health checks) as the origin saw it, once its body was complete. */
  final Queue<Seen> seen = new ConcurrentLinkedQueue<>();

  /** One request as the origin saw it. */
  record Seen(String method, String uri, MultiMap headers, String body) {
    @Override
    public String toString() {
      return method + " " + uri + " " + headers.entries() + " body=" + body;
    }
  }

  volatile boolean healthy = true;

  /** WebSockets: the close code the origin last saw from the other side (or -1). */
  final AtomicInteger lastCloseCode = new AtomicInteger(-1);

  /** Requests whose response has not ended, and the most there were at once. */
  final AtomicInteger inFlight = new AtomicInteger();

  final AtomicInteger maxInFlight = new AtomicInteger();

  final AtomicInteger openSockets = new AtomicInteger();
  final AtomicInteger socketsClosed = new AtomicInteger();
  private SelfSignedCertificate tls;

  TestOrigin(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  /** Serves HTTPS with {@code cert} (call before {@link #start}). */
  TestOrigin tls(SelfSignedCertificate cert) {
    this.tls = cert;
    return this;
  }

  TestOrigin start() {
    HttpServerOptions options = new HttpServerOptions().setHost("127.0.0.1").setPort(port);
    if (tls != null) {
      options.setSsl(true).setKeyCertOptions(tls.keyCertOptions());
    }
    server = vertx.createHttpServer(options);
    server.requestHandler(this::handle);
    server.listen().await();
    port = server.actualPort();
    return this;
  }

  void stop() {
    if (server != null) {
      server.close().await();
      server = null;
    }
  }

  int port() {
    return port;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /**
   * Echoes text and binary frames; the text {@code who} is answered with the origin's name, and
   * {@code close:CODE} makes the origin close with that code.
   */
  private void webSocket(HttpServerRequest req) {
    req.toWebSocket()
        .onSuccess(
            ws -> {
              openSockets.incrementAndGet();
              ws.textMessageHandler(
                  t -> {
                    if (t.equals("who")) {
                      ws.writeTextMessage(name);
                    } else if (t.startsWith("close:")) {
                      ws.close((short) Integer.parseInt(t.substring(6)), "bye");
                    } else {
                      ws.writeTextMessage(t);
                    }
                  });
              ws.binaryMessageHandler(ws::writeBinaryMessage);
              ws.closeHandler(
                  v -> {
                    Short code = ws.closeStatusCode();
                    lastCloseCode.set(code == null ? -1 : code);
                    openSockets.decrementAndGet();
                    socketsClosed.incrementAndGet();
                  });
            });
  }

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/health")) {
      healthChecks.incrementAndGet();
      req.response().setStatusCode(healthy ? 200 : 503).end();
      return;
    }
    requests.incrementAndGet();
    lastHeaders.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
    lastUri.set(req.uri());
    if ("websocket".equalsIgnoreCase(req.getHeader("Upgrade")) && mode != Mode.STATUS) {
      webSocket(req);
      return;
    }
    maxInFlight.accumulateAndGet(inFlight.incrementAndGet(), Math::max);
    req.response().endHandler(v -> inFlight.decrementAndGet());
    switch (mode) {
      case HANG -> {
        return;
      }
      case RESET -> {
        req.connection().close();
        return;
      }
      case STALL_BODY -> {
        req.response().putHeader("Content-Length", "10").write("half.");
        return;
      }
      default -> {}
    }
    MultiMap headers = lastHeaders.get();
    if (req.path().equals("/echo")) {
      req.body()
          .onSuccess(
              body -> {
                seen.add(new Seen(req.method().name(), req.uri(), headers, body.toString()));
                req.response()
                    .putHeader("X-Origin", name)
                    .putHeader("X-Proto", req.version().name())
                    .end(body);
              });
      return;
    }
    Buffer received = Buffer.buffer();
    req.handler(
        b -> {
          bodyBytes.addAndGet(b.length());
          if (received.length() < 1 << 20) {
            received.appendBuffer(b);
          }
        });
    req.endHandler(
        v -> {
          seen.add(new Seen(req.method().name(), req.uri(), headers, received.toString()));
          Runnable answer =
              () ->
                  req.response()
                      .setStatusCode(mode == Mode.STATUS ? status : 200)
                      .putHeader("X-Origin", name)
                      .putHeader("Connection", "keep-alive, X-Hop")
                      .putHeader("X-Hop", "must-be-removed")
                      .end(name);
          if (mode == Mode.DELAY) {
            vertx.setTimer(delayMs, id -> answer.run());
          } else {
            answer.run();
          }
        });
  }
}
