package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.buffer.ByteBufAllocator;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.channel.socket.nio.NioChannelOption;
import io.netty.channel.unix.UnixChannelOption;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.handler.codec.http2.Http2FrameCodecBuilder;
import io.netty.handler.codec.http2.Http2MultiplexHandler;
import io.netty.handler.codec.http2.Http2Settings;
import io.netty.handler.codec.http2.Http2StreamChannel;
import io.netty.handler.codec.http2.Http2StreamFrameToHttpObjectCodec;
import io.netty.handler.flush.FlushConsolidationHandler;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.ApplicationProtocolNegotiationHandler;
import io.netty.handler.ssl.SniHandler;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.handler.timeout.IdleStateEvent;
import io.netty.handler.timeout.IdleStateHandler;
import io.netty.util.DomainWildcardMappingBuilder;
import io.netty.util.Mapping;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vxgate.config.ListenerConfig;
import io.vxgate.config.TlsConfig;
import io.vxgate.gateway.accesslog.AccessLog;
import io.vxgate.gateway.http1.Authority;
import io.vxgate.gateway.vertx.VertxNetty;
import io.vxgate.util.Ticker;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.security.cert.CertificateParsingException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;
import javax.naming.ldap.LdapName;
import javax.naming.ldap.Rdn;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One listener of the node: a server socket per event loop on the same port (SO_REUSEPORT, so the
 * kernel spreads connections over the loops like over nginx's workers), each connection served on
 * its loop by a Netty pipeline: TLS when configured (SNI picks the certificate, ALPN offers h2 then
 * http/1.1), then HTTP/1.x ({@link Http1Front}, which reads and writes the bytes itself) or HTTP/2
 * (Netty's codec, and an {@link Http2Front} per stream).
 */
public final class Listener {
  private static final Logger log = LoggerFactory.getLogger(Listener.class);

  /** Concurrent streams per HTTP/2 connection (nginx's http2_max_concurrent_streams). */
  static final int MAX_CONCURRENT_STREAMS = 128;

  /**
   * RST_STREAM frames an HTTP/2 connection may send per {@link #RESET_WINDOW_SECONDS} before it
   * gets a GOAWAY (ENHANCE_YOUR_CALM); Netty's default is 200 per 30 s.
   */
  static final int MAX_RESETS = 100;

  static final int RESET_WINDOW_SECONDS = 10;

  /** Control frames (PING and SETTINGS acks...) queued for a peer that does not read them. */
  static final int MAX_QUEUED_CONTROL_FRAMES = 1000;

  static final String CODEC = "codec";
  static final String FRONT = "front";

  private final Vertx vertx;
  private volatile ListenerConfig config;
  private final Supplier<ProxySnapshot> snapshots;
  private final AtomicInteger connections;
  private final Ticker ticker;
  private final List<EventLoop> loops;
  private final AccessLog accessLog;
  private final boolean tls;
  private volatile String hsts;

  /** Null for a plain listener. */
  private volatile @Nullable Certificates certificates;

  private final ChannelGroup servers = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final ChannelGroup clients = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private final Promise<Void> stoppedAccepting = Promise.promise();
  private volatile boolean draining;
  private int port;

  /**
   * @param connections the listener's open-connection count
   * @param loops the event loops that serve it (one server socket each)
   * @param accessLog the node's access log
   */
  public Listener(
      Vertx vertx,
      ListenerConfig config,
      Supplier<ProxySnapshot> snapshots,
      AtomicInteger connections,
      Ticker ticker,
      List<EventLoop> loops,
      AccessLog accessLog) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.config = requireNonNull(config, "config");
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.connections = requireNonNull(connections, "connections");
    this.ticker = requireNonNull(ticker, "ticker");
    this.loops = List.copyOf(loops);
    this.accessLog = requireNonNull(accessLog, "accessLog");
    TlsConfig tlsConfig = config.tls();
    this.tls = tlsConfig != null;
    this.hsts = "max-age=" + config.hstsSeconds();
    this.certificates = tlsConfig != null ? Certificates.load(vertx, tlsConfig) : null;
  }

  /** The settings of new connections (a reload may change them: {@link #update}). */
  public ListenerConfig config() {
    return config;
  }

  /**
   * Gives new connections {@code next}'s settings and, for a TLS listener, {@code certificates} for
   * new handshakes (docs/operations.md, "Reloading"). The server sockets stay: the bind address and
   * whether the listener is TLS must not change (such a change is a new listener).
   *
   * @param certificates null for a plain listener
   */
  public void update(ListenerConfig next, @Nullable Certificates certificates) {
    requireNonNull(next, "next");
    if (!next.bind().equals(config.bind()) || (next.tls() != null) != tls) {
      throw new IllegalArgumentException("listener " + next.name() + ": not an update in place");
    }
    if (tls) {
      certificates(requireNonNull(certificates, "certificates"));
    }
    this.hsts = "max-age=" + next.hstsSeconds();
    this.config = next;
  }

  /** Swaps the certificates of new TLS handshakes (a reload, or a watched file that changed). */
  public void certificates(Certificates next) {
    if (!tls) {
      throw new IllegalStateException("listener " + config.name() + " has no TLS");
    }
    this.certificates = requireNonNull(next, "next");
  }

  /** The certificates of new TLS handshakes (null for a plain listener). */
  public @Nullable Certificates certificates() {
    return certificates;
  }

  /** The Strict-Transport-Security value of this listener's responses. */
  String hsts() {
    return hsts;
  }

  ProxySnapshot snapshot() {
    return snapshots.get();
  }

  Ticker ticker() {
    return ticker;
  }

  AccessLog accessLog() {
    return accessLog;
  }

  boolean tls() {
    return tls;
  }

  /** The listener's open-connection count. */
  public AtomicInteger connections() {
    return connections;
  }

  /** Completes once {@link #shutdown} or {@link #close} closed the server sockets. */
  public Future<Void> stoppedAccepting() {
    return stoppedAccepting.future();
  }

  /** The bound port. */
  public int actualPort() {
    return port;
  }

  /** Binds one server socket per event loop. */
  public Future<Void> start() {
    ChannelFactory<? extends ServerChannel> factory = VertxNetty.serverChannelFactory(vertx);
    boolean reusePort = reusePortSupported();
    List<EventLoop> acceptors = reusePort ? loops : loops.subList(0, 1);
    Promise<Void> bound = Promise.promise();
    bind(factory, acceptors, 0, reusePort, config.bind().port(), bound);
    return bound.future();
  }

  /**
   * Serves server sockets that are bound and listening already (taken over from another process:
   * docs/operations.md, "Upgrading without downtime"), spread over the event loops, instead of
   * binding. Every one of them is served, whatever their number: with SO_REUSEPORT the kernel
   * queues connections on each.
   */
  public Future<Void> adopt(List<ServerChannel> sockets) {
    if (sockets.isEmpty()) {
      return Future.failedFuture(new IllegalArgumentException("no sockets to adopt"));
    }
    List<Future<Void>> registered = new ArrayList<>();
    for (int i = 0; i < sockets.size(); i++) {
      ServerChannel ch = sockets.get(i);
      EventLoop loop = loops.get(i % loops.size());
      Promise<Void> p = Promise.promise();
      serverBootstrap(loop)
          .channelFactory(() -> ch)
          .register()
          .addListener(
              (ChannelFuture f) -> {
                if (f.isSuccess()) {
                  servers.add(f.channel());
                  port = ((java.net.InetSocketAddress) f.channel().localAddress()).getPort();
                  p.complete();
                } else {
                  p.fail(f.cause());
                }
              });
      registered.add(p.future());
    }
    return Future.all(registered).<Void>mapEmpty().onFailure(t -> servers.close());
  }

  /** The server sockets (one per event loop, or those adopted). */
  public List<ServerChannel> serverChannels() {
    List<ServerChannel> out = new ArrayList<>();
    servers.forEach(c -> out.add((ServerChannel) c));
    return out;
  }

  private void bind(
      ChannelFactory<? extends ServerChannel> factory,
      List<EventLoop> acceptors,
      int i,
      boolean reusePort,
      int bindPort,
      Promise<Void> bound) {
    if (i == acceptors.size()) {
      bound.complete();
      return;
    }
    EventLoop loop = acceptors.get(i);
    ServerBootstrap b =
        serverBootstrap(loop)
            .channelFactory(factory)
            .option(ChannelOption.SO_BACKLOG, 4096)
            .option(ChannelOption.SO_REUSEADDR, true);
    if (reusePort) {
      if (vertx.isNativeTransportEnabled()) {
        b.option(UnixChannelOption.SO_REUSEPORT, true);
      } else {
        b.option(NioChannelOption.of(StandardSocketOptions.SO_REUSEPORT), true);
      }
    }
    b.bind(config.bind().host(), bindPort)
        .addListener(
            (ChannelFuture f) -> {
              if (!f.isSuccess()) {
                servers.close();
                bound.tryFail(f.cause());
                return;
              }
              servers.add(f.channel());
              int actual = ((java.net.InetSocketAddress) f.channel().localAddress()).getPort();
              port = actual;
              bind(factory, acceptors, i + 1, reusePort, actual, bound);
            });
  }

  /** A server socket of {@code loop} whose connections are served on it. */
  private ServerBootstrap serverBootstrap(EventLoop loop) {
    ServerBootstrap b =
        new ServerBootstrap()
            .group(loop, loop)
            .childHandler(
                new ChannelInitializer<>() {
                  @Override
                  protected void initChannel(Channel ch) {
                    accepted(ch);
                  }
                });
    if (!vertx.isNativeTransportEnabled()) {
      // Netty's native transports set TCP_NODELAY on accepted sockets by themselves.
      b.childOption(ChannelOption.TCP_NODELAY, true);
    }
    return b;
  }

  private boolean reusePortSupported() {
    if (loops.size() < 2) {
      return false;
    }
    if (vertx.isNativeTransportEnabled()) {
      return true;
    }
    try (ServerSocketChannel probe = ServerSocketChannel.open()) {
      return probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
    } catch (java.io.IOException e) {
      return false;
    }
  }

  /** A new client connection: counted, refused over the limit, then given its pipeline. */
  private void accepted(Channel ch) {
    int max = config.maxConnections();
    int open = connections.incrementAndGet();
    ch.closeFuture().addListener(f -> connections.decrementAndGet());
    if (max > 0 && open > max) {
      ch.close();
      return;
    }
    clients.add(ch);
    ChannelPipeline p = ch.pipeline();
    Certificates certificates = this.certificates; // null: a plain listener
    if (certificates == null) {
      http1(p);
      return;
    }
    p.addLast("tls", new Sni(certificates.mapping));
    p.addLast(
        "alpn",
        new ApplicationProtocolNegotiationHandler(ApplicationProtocolNames.HTTP_1_1) {
          @Override
          protected void configurePipeline(ChannelHandlerContext ctx, String protocol) {
            if (ApplicationProtocolNames.HTTP_2.equals(protocol)) {
              http2(ctx.pipeline());
            } else {
              http1(ctx.pipeline());
            }
          }

          @Override
          protected void handshakeFailure(ChannelHandlerContext ctx, Throwable cause) {
            log.debug(
                "TLS handshake with {} failed: {}",
                ctx.channel().remoteAddress(),
                cause.toString());
            ctx.close();
          }
        });
  }

  private void http1(ChannelPipeline p) {
    Duration headerTimeout = config.requestHeaderTimeout();
    ConnectionGuard guard =
        headerTimeout.isZero()
            ? null
            : new ConnectionGuard(
                headerTimeout,
                config.requestBodyTimeout(),
                config.keepaliveTimeout(),
                config.clientTimeout());
    Http1Front front = new Http1Front(this, guard);
    p.addLast(FRONT, front);
    if (draining) {
      // accepted while the listener drains (its socket's queue was served to the end): one
      // request, then closed
      p.channel().eventLoop().execute(front::drain);
    }
  }

  private void http2(ChannelPipeline p) {
    int maxHeaderListSize = Math.max(config.maxHeaderSize(), 4096);
    Http2FrameCodec codec =
        Http2FrameCodecBuilder.forServer()
            .initialSettings(
                Http2Settings.defaultSettings()
                    .maxConcurrentStreams(MAX_CONCURRENT_STREAMS)
                    .maxHeaderListSize(maxHeaderListSize))
            .validateHeaders(true)
            // Floods (docs/reliability.md#http2-attacks): resets (rapid reset), control frames
            // queued for a peer that does not read, DATA frames without data.
            .decoderEnforceMaxRstFramesPerWindow(MAX_RESETS, RESET_WINDOW_SECONDS)
            .encoderEnforceMaxQueuedControlFrames(MAX_QUEUED_CONTROL_FRAMES)
            .decoderEnforceMaxConsecutiveEmptyDataFrames(2)
            .build();
    // An HTTP/2 connection with no frame either way for the keep-alive timeout is closed (GOAWAY);
    // without keep-alive, it serves one stream and is given the header timeout to send it.
    Duration idle = config.keepAlive() ? config.keepaliveTimeout() : config.requestHeaderTimeout();
    p.addLast("idle", new IdleStateHandler(0, 0, idle.toNanos(), TimeUnit.NANOSECONDS));
    // keepalive-requests bounds the streams of a connection (Http2FrameBudget: then a graceful
    // GOAWAY); without keep-alive, one stream.
    int maxStreams = config.keepAlive() ? config.keepaliveRequests() : 1;
    // Streams end one by one, each with a flush; their responses usually complete together (the
    // origins' answers read in one pass of the event loop). Deferred to the end of that pass, the
    // flushes become one TLS record batch and one write instead of one per stream.
    p.addLast("flush", new FlushConsolidationHandler(256, true));
    p.addLast("h2-budget", new Http2FrameBudget(maxStreams, maxHeaderListSize));
    p.addLast("h2", codec);
    p.addLast(
        "idle-close",
        new io.netty.channel.ChannelInboundHandlerAdapter() {
          @Override
          public void userEventTriggered(ChannelHandlerContext ctx, Object evt) {
            if (evt instanceof IdleStateEvent) {
              ctx.close();
            } else {
              ctx.fireUserEventTriggered(evt);
            }
          }
        });
    if (draining) {
      // accepted while the listener drains: GOAWAY before any stream (clients retry elsewhere)
      p.channel().eventLoop().execute(() -> p.channel().close());
    }
    p.addLast(
        "streams",
        new Http2MultiplexHandler(
            new ChannelInitializer<Http2StreamChannel>() {
              @Override
              protected void initChannel(Http2StreamChannel stream) {
                stream
                    .pipeline()
                    .addLast(CODEC, new Http2StreamFrameToHttpObjectCodec(true))
                    .addLast(FRONT, new Http2Front(Listener.this));
              }
            }));
  }

  /** SNI: the certificate whose name the client asked for; the TLS handshake must end in 10 s. */
  private static final class Sni extends SniHandler {
    Sni(Mapping<String, SslContext> mapping) {
      super(mapping, TimeUnit.SECONDS.toMillis(10));
    }

    @Override
    protected SslHandler newSslHandler(SslContext context, ByteBufAllocator allocator) {
      SslHandler h = super.newSslHandler(context, allocator);
      h.setHandshakeTimeoutMillis(TimeUnit.SECONDS.toMillis(10));
      return h;
    }
  }

  /**
   * A TLS listener's loaded certificates: its TLS contexts by certificate name (exact or {@code
   * *.suffix}, in any case, with or without the root label's dot); the first certificate answers
   * clients without SNI or with an unknown name. BoringSSL when it loads. Immutable: a new pair is
   * a new instance, swapped in whole.
   */
  public static final class Certificates {
    private final Mapping<String, SslContext> mapping;
    private final List<X509Certificate> leaves;
    private final List<FileStamp> files;

    private Certificates(
        Mapping<String, SslContext> mapping, List<X509Certificate> leaves, List<FileStamp> files) {
      this.mapping = mapping;
      this.leaves = List.copyOf(leaves);
      this.files = files;
    }

    /**
     * The certificate and key files as they were on disk just before they were read (each pair's
     * certificate, then its key): what {@link CertificateWatcher} compares the disk with.
     */
    List<FileStamp> files() {
      return files;
    }

    /** The leaf certificate of each pair, in the order of the config. */
    public List<X509Certificate> leaves() {
      return leaves;
    }

    /**
     * Loads every pair of {@code tls}: each certificate file must parse and its key must be the
     * private key of its leaf certificate.
     *
     * @throws IllegalStateException naming the file and what is wrong
     */
    public static Certificates load(Vertx vertx, TlsConfig tls) {
      List<FileStamp> files = FileStamp.of(CertificateWatcher.paths(tls));
      List<SslContext> contexts = new ArrayList<>();
      List<Set<String>> names = new ArrayList<>();
      List<X509Certificate> leaves = new ArrayList<>();
      for (TlsConfig.Certificate c : tls.certificates()) {
        KeyPairs.Loaded pair = KeyPairs.load(vertx, c.cert(), c.key());
        contexts.add(serverContext(pair, c, tls));
        names.add(names(pair.leaf()));
        leaves.add(pair.leaf());
      }
      DomainWildcardMappingBuilder<SslContext> mapping =
          new DomainWildcardMappingBuilder<>(contexts.get(0));
      for (int i = contexts.size() - 1; i >= 0; i--) {
        for (String n : names.get(i)) {
          mapping.add(n, contexts.get(i));
        }
      }
      Mapping<String, SslContext> byName = mapping.build();
      // The SNI name normalised as a Host is (Authority.normalizeName): "Example.COM." is
      // example.com.
      return new Certificates(
          name -> byName.map(name == null ? null : Authority.normalizeName(name)), leaves, files);
    }
  }

  private static SslContext serverContext(
      KeyPairs.Loaded pair, TlsConfig.Certificate c, TlsConfig tls) {
    try {
      return ServerTls.context(c.cert(), pair.keyManagers(), tls);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot load the certificate " + c.cert() + ": " + e.getMessage(), e);
    }
  }

  /** The DNS names of a certificate: its subjectAltName DNS entries, else its CN. */
  private static Set<String> names(X509Certificate leaf) {
    Set<String> out = new LinkedHashSet<>();
    try {
      var alt = leaf.getSubjectAlternativeNames();
      if (alt != null) {
        for (List<?> entry : alt) {
          if (entry.size() >= 2 && Integer.valueOf(2).equals(entry.get(0))) {
            out.add(String.valueOf(entry.get(1)).toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
      if (out.isEmpty()) {
        for (Rdn rdn : new LdapName(leaf.getSubjectX500Principal().getName()).getRdns()) {
          if (rdn.getType().equalsIgnoreCase("CN")) {
            out.add(String.valueOf(rdn.getValue()).toLowerCase(java.util.Locale.ROOT));
          }
        }
      }
    } catch (CertificateParsingException | javax.naming.InvalidNameException e) {
      log.warn("cannot read the names of {}: {}", leaf.getSubjectX500Principal(), e.toString());
    }
    return out;
  }

  /**
   * Stops accepting connections and waits up to {@code grace} for open ones to finish their
   * requests: idle keep-alive connections close at once, busy ones after their response (which says
   * {@code Connection: close}); HTTP/2 connections get a GOAWAY. What is still open after {@code
   * grace} is closed.
   */
  public Future<Void> shutdown(Duration grace) {
    draining = true;
    Promise<Void> done = Promise.promise();
    servers
        .close()
        .addListener(
            f -> {
              stoppedAccepting.tryComplete();
              for (Channel ch : clients) {
                ch.eventLoop().execute(() -> drain(ch, grace));
              }
              awaitClosed(done, System.nanoTime() + grace.toNanos());
            });
    return done.future();
  }

  private static void drain(Channel ch, Duration grace) {
    Http1Front front = ch.pipeline().get(Http1Front.class);
    if (front != null) {
      front.drain();
      return;
    }
    Http2FrameCodec h2 = ch.pipeline().get(Http2FrameCodec.class);
    if (h2 != null) {
      h2.gracefulShutdownTimeoutMillis(grace.toMillis());
      ch.close();
      return;
    }
    // Not yet HTTP (a TLS handshake in progress): it drains once its protocol is known.
  }

  private void awaitClosed(Promise<Void> done, long forceAt) {
    if (clients.isEmpty()) {
      done.tryComplete();
    } else if (System.nanoTime() - forceAt >= 0) {
      clients.close().addListener(f -> done.tryComplete());
    } else {
      GlobalEventExecutor.INSTANCE.schedule(
          () -> awaitClosed(done, forceAt), 20, TimeUnit.MILLISECONDS);
    }
  }

  /** Closes the server sockets and every connection now. */
  public Future<Void> close() {
    draining = true;
    Promise<Void> done = Promise.promise();
    servers
        .close()
        .addListener(
            f -> {
              stoppedAccepting.tryComplete();
              clients.close().addListener(g -> done.tryComplete());
            });
    return done.future();
  }
}
