package io.vxgate.gateway.it;

import io.vertx.core.MultiMap;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpServerRequest;
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
  volatile boolean healthy = true;

  TestOrigin(Vertx vertx, String name) {
    this.vertx = vertx;
    this.name = name;
  }

  TestOrigin start() {
    server =
        vertx.createHttpServer(new HttpServerOptions().setHost("127.0.0.1").setPort(port));
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

  private void handle(HttpServerRequest req) {
    if (req.path().equals("/health")) {
      healthChecks.incrementAndGet();
      req.response().setStatusCode(healthy ? 200 : 503).end();
      return;
    }
    requests.incrementAndGet();
    lastHeaders.set(MultiMap.caseInsensitiveMultiMap().addAll(req.headers()));
    lastUri.set(req.uri());
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
    req.handler(b -> bodyBytes.addAndGet(b.length()));
    req.endHandler(
        v -> {
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
