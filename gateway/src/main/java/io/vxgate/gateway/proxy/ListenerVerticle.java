package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vxgate.config.ListenerConfig;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

/**
 * One instance of a listener on one event loop. A listener is deployed once per event loop; the
 * instances share the port (Vert.x balances accepted connections across them, like nginx workers).
 */
public final class ListenerVerticle extends VerticleBase {
  /** How long an idle keep-alive client connection is kept (nginx's keepalive_timeout). */
  public static final Duration KEEPALIVE_TIMEOUT = Duration.ofSeconds(75);

  private final ListenerConfig config;
  private final Supplier<ProxySnapshot> snapshots;
  private final AtomicInteger connections;
  private final Ticker ticker;
  private HttpServer server;

  /**
   * @param connections the listener's open-connection count, shared by its instances
   */
  public ListenerVerticle(
      ListenerConfig config,
      Supplier<ProxySnapshot> snapshots,
      AtomicInteger connections,
      Ticker ticker) {
    this.config = requireNonNull(config, "config");
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.connections = requireNonNull(connections, "connections");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  @Override
  public Future<?> start() {
    HttpServerOptions options =
        new HttpServerOptions()
            .setHost(config.bind().host())
            .setPort(config.bind().port())
            .setMaxHeaderSize(config.maxHeaderSize())
            .setMaxInitialLineLength(Math.max(4096, Math.min(config.maxHeaderSize(), 65536)))
            .setHandle100ContinueAutomatically(true)
            // No cleartext HTTP/2 (h2c): it makes Vert.x defer the connection until the first
            // request head is decoded, which would hide slow headers from ConnectionGuard.
            .setHttp2ClearTextEnabled(false)
            .setCompressionSupported(false)
            .setDecompressionSupported(false)
            .setTcpNoDelay(true)
            .setReuseAddress(true)
            .setAcceptBacklog(4096);
    if (vertx.isNativeTransportEnabled()) {
      options.setReusePort(true).setTcpQuickAck(true);
    }
    ProxyHandler handler = new ProxyHandler(vertx, config, snapshots, ticker);
    server = vertx.createHttpServer(options);
    server.connectionHandler(
        conn -> {
          int max = config.maxConnections();
          int open = connections.incrementAndGet();
          conn.closeHandler(v -> connections.decrementAndGet());
          if (max > 0 && open > max) {
            conn.close();
            return;
          }
          ConnectionGuard.install(conn, config.requestHeaderTimeout(), KEEPALIVE_TIMEOUT);
        });
    server.requestHandler(handler);
    return server.listen();
  }

  /** The bound port (useful with port 0 in tests). */
  public int actualPort() {
    return server.actualPort();
  }

  /**
   * Stops accepting connections and waits up to {@code grace} for open ones to finish their
   * requests (Vert.x sends {@code Connection: close} on keep-alive connections meanwhile).
   */
  public Future<Void> shutdown(Duration grace) {
    return server == null ? Future.succeededFuture() : server.shutdown(grace);
  }

  @Override
  public Future<?> stop() {
    return server == null ? Future.succeededFuture() : server.close();
  }
}
