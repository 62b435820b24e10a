package io.vxgate.testing;

import io.vertx.core.Vertx;

/** An HTTP origin on loopback answering every request with the same body (node JVM tests). */
public final class FixedOrigin {
  private FixedOrigin() {}

  /** Starts it on {@code vertx} at a free port of 127.0.0.1; returns the port. */
  public static int start(Vertx vertx, String body) {
    return vertx
        .createHttpServer()
        .requestHandler(r -> r.response().end(body))
        .listen(0, "127.0.0.1")
        .await()
        .actualPort();
  }
}
