package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.PemKeyCertOptions;
import io.vxgate.config.TlsConfig;
import io.vxgate.config.ListenerConfig;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
  private ProxyHandler handler;

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
            // A body chunk as large as a socket read: one write to the origin per read, not per 8 KiB
            .setMaxChunkSize(64 * 1024)
            .setReuseAddress(true)
            .setAcceptBacklog(4096);
    if (config.tls() != null) {
      tls(options, config.tls());
    }
    if (vertx.isNativeTransportEnabled()) {
      options.setReusePort(true).setTcpQuickAck(true);
    }
    handler = new ProxyHandler(vertx, config, snapshots, ticker);
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
          ConnectionGuard.install(
              conn, config.requestHeaderTimeout(), config.requestBodyTimeout(), KEEPALIVE_TIMEOUT);
        });
    server.requestHandler(handler);
    return server.listen();
  }

  /**
   * TLS termination: every certificate/key pair in one key manager, the one whose name matches the
   * client's SNI is chosen (the first without SNI); protocols from {@code min-version} up to
   * TLSv1.3; ALPN offers h2 then http/1.1.
   */
  static void tls(HttpServerOptions options, TlsConfig tls) {
    PemKeyCertOptions keys = new PemKeyCertOptions();
    for (TlsConfig.Certificate c : tls.certificates()) {
      keys.addCertPath(c.cert()).addKeyPath(c.key());
    }
    Set<String> protocols =
        "TLSv1.3".equals(tls.minVersion()) ? Set.of("TLSv1.3") : Set.of("TLSv1.2", "TLSv1.3");
    options
        .setSsl(true)
        .setKeyCertOptions(keys)
        .setSni(true)
        .setEnabledSecureTransportProtocols(protocols)
        .setUseAlpn(true)
        .setAlpnVersions(List.of(HttpVersion.HTTP_2, HttpVersion.HTTP_1_1))
        .setSslHandshakeTimeout(10)
        .setSslHandshakeTimeoutUnit(TimeUnit.SECONDS);
    if (io.netty.handler.ssl.OpenSsl.isAvailable()) {
      // BoringSSL (netty-tcnative) terminates TLS several times faster than the JDK's engine.
      options.setSslEngineOptions(new io.vertx.core.net.OpenSSLEngineOptions());
    }
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
    Future<Void> closed = server == null ? Future.succeededFuture() : server.close();
    return handler == null ? closed : closed.eventually(() -> handler.close());
  }
}
