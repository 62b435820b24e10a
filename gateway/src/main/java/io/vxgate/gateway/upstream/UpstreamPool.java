package io.vxgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.ChannelFuture;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.ChannelOption;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.EventLoop;
import io.netty.channel.group.ChannelGroup;
import io.netty.channel.group.DefaultChannelGroup;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslHandler;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.GlobalEventExecutor;
import io.netty.util.concurrent.ScheduledFuture;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vxgate.gateway.vertx.VertxNetty;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import org.jspecify.annotations.Nullable;

/**
 * The keep-alive connections of one upstream on this node, kept per event loop like nginx's
 * per-worker {@code keepalive} pools: a request always takes a connection of its own event loop,
 * opened from that loop, so it never leaves its thread.
 *
 * <p>Per server and loop: idle connections are reused newest first (the oldest ones age out after
 * {@code keepalive.idle-timeout}); at most {@code ceil(max-connections / loops)} are open; a
 * request beyond that waits in a queue ({@code queueFactor} times the loop's limit) for up to its
 * connect timeout (the route's, or its upstream's), and fails fast when the queue is full.
 * Connections are plain HTTP/1.1 ({@link OriginConnection}), or TLS to {@code https://} servers.
 *
 * <p>The per-loop state is touched only from its loop; {@link #shutdown} is thread-safe.
 */
public final class UpstreamPool {
  /**
   * How the pool connects.
   *
   * @param maxConnections the node's total per server, split over the event loops
   * @param queueFactor waiting requests per loop and server, as a multiple of the loop's limit
   * @param idleTimeoutMs how long an idle connection is kept
   * @param tls the client TLS context for {@code https://} servers (null: none)
   * @param verifyHost whether TLS checks the server's name against its certificate
   */
  public record Settings(
      int maxConnections,
      int queueFactor,
      long idleTimeoutMs,
      @Nullable SslContext tls,
      boolean verifyHost) {}

  /** What asked for a connection hears back through this, on its event loop. */
  public interface Acquirer {
    void acquired(OriginConnection connection);

    void failed(Throwable cause);
  }

  /** The loop's connections to the server and its queue are full. */
  public static final class PoolFullException extends Exception {
    public PoolFullException(String message) {
      super(message, null, false, false);
    }
  }

  /** No connection became free within the connect timeout. */
  public static final class PoolTimeoutException extends Exception {
    public PoolTimeoutException(String message) {
      super(message, null, false, false);
    }
  }

  private final Settings settings;
  private final ChannelFactory<? extends Channel> channelFactory;
  private final AddressResolverGroup<InetSocketAddress> resolver;
  private final EventLoop[] loops;
  private final List<Map<ServerState, ServerPool>> pools;
  private final List<Map<ServerState, ServerPool>> tunnels;
  private final int perLoopMax;
  private final ChannelGroup channels = new DefaultChannelGroup(GlobalEventExecutor.INSTANCE);
  private volatile boolean closing;

  private UpstreamPool(Vertx vertx, Settings settings, List<EventLoop> serving) {
    this.settings = requireNonNull(settings, "settings");
    this.channelFactory = VertxNetty.channelFactory(vertx);
    this.resolver = VertxNetty.resolver(vertx);
    this.loops = serving.toArray(EventLoop[]::new);
    this.pools = new ArrayList<>(loops.length);
    this.tunnels = new ArrayList<>(loops.length);
    for (int i = 0; i < loops.length; i++) {
      pools.add(new IdentityHashMap<>());
      tunnels.add(new IdentityHashMap<>());
    }
    this.perLoopMax = Math.max(1, (settings.maxConnections() + loops.length - 1) / loops.length);
  }

  /**
   * A pool for requests served on {@code loops} (the listeners' event loops): the limit per server
   * is split over them.
   */
  public static UpstreamPool create(Vertx vertx, Settings settings, List<EventLoop> loops) {
    if (loops.isEmpty()) {
      throw new IllegalArgumentException("no event loop");
    }
    return new UpstreamPool(vertx, settings, List.copyOf(loops));
  }

  /** A pool over all of {@code vertx}'s event loops. */
  public static UpstreamPool create(Vertx vertx, Settings settings) {
    return create(vertx, settings, VertxNetty.eventLoops(vertx));
  }

  /**
   * Hands {@code cb} a connection to {@code server} on {@code loop} (the caller's loop): an idle
   * one at once, a new one once connected, or one freed by another request within the connect
   * timeout.
   *
   * @param connectTimeoutMs the TCP (and TLS handshake) connect timeout, also the longest wait for
   *     a free connection
   */
  public void acquire(EventLoop loop, ServerState server, int connectTimeoutMs, Acquirer cb) {
    serverPool(pools, loop, server, perLoopMax).acquire(cb, connectTimeoutMs);
  }

  /**
   * Hands {@code cb} a new connection of its own to {@code server} (a WebSocket tunnel): not
   * counted against the pool's limit, never reused.
   */
  public void connectTunnel(EventLoop loop, ServerState server, int connectTimeoutMs, Acquirer cb) {
    serverPool(tunnels, loop, server, Integer.MAX_VALUE).acquire(cb, connectTimeoutMs);
  }

  private ServerPool serverPool(
      List<Map<ServerState, ServerPool>> all, EventLoop loop, ServerState server, int max) {
    int i = 0;
    while (i < loops.length && loops[i] != loop) {
      i++;
    }
    if (i == loops.length) {
      throw new IllegalStateException("not an event loop of this node: " + loop);
    }
    Map<ServerState, ServerPool> m = all.get(i);
    ServerPool p = m.get(server);
    if (p == null) {
      p = new ServerPool(loop, server, max, m);
      m.put(server, p);
    }
    return p;
  }

  /**
   * Stops handing out connections, closes the idle ones, and closes the rest once their requests
   * end or {@code grace} passed.
   */
  public Future<Void> shutdown(Duration grace) {
    closing = true;
    for (int i = 0; i < loops.length; i++) {
      Map<ServerState, ServerPool> m = pools.get(i);
      loops[i].execute(() -> List.copyOf(m.values()).forEach(ServerPool::closeIdle));
    }
    Promise<Void> done = Promise.promise();
    long forceAt = System.nanoTime() + grace.toNanos();
    awaitClosed(done, forceAt);
    return done.future();
  }

  /** Completes {@code done} once every connection closed, closing the rest at {@code forceAt}. */
  private void awaitClosed(Promise<Void> done, long forceAt) {
    if (channels.isEmpty()) {
      done.tryComplete();
    } else if (System.nanoTime() - forceAt >= 0) {
      channels.close().addListener(f -> done.tryComplete());
    } else {
      GlobalEventExecutor.INSTANCE.schedule(
          () -> awaitClosed(done, forceAt), 50, TimeUnit.MILLISECONDS);
    }
  }

  /** The connections of one server on one event loop. Confined to that loop. */
  final class ServerPool {
    private final EventLoop loop;
    private final ServerState server;
    private final int max;
    private final Map<ServerState, ServerPool> owner;
    private final ArrayDeque<OriginConnection> idle = new ArrayDeque<>();
    private final ArrayDeque<Waiter> waiters = new ArrayDeque<>();
    private int open;

    /**
     * Connections released during a read pass, back at its end ({@link OriginConnection#release}):
     * as many requests wait for them as there are, rather than open connections of their own.
     */
    private int parked;

    private @Nullable ScheduledFuture<?> idleSweep;
    private @Nullable ScheduledFuture<?> waitSweep;

    /** When {@link #waitSweep} runs (System.nanoTime). */
    private long waitSweepAt;

    private record Waiter(Acquirer cb, int connectTimeoutMs, long deadline) {}

    ServerPool(EventLoop loop, ServerState server, int max, Map<ServerState, ServerPool> owner) {
      this.loop = loop;
      this.server = server;
      this.max = max;
      this.owner = owner;
    }

    void acquire(Acquirer cb, int connectTimeoutMs) {
      if (closing) {
        cb.failed(new PoolFullException("the upstream's pool is shut down"));
        return;
      }
      OriginConnection c;
      while ((c = idle.pollLast()) != null) {
        if (c.acquire()) {
          cb.acquired(c);
          return;
        }
      }
      if (open < max && waiters.size() >= parked) {
        connect(cb, connectTimeoutMs);
        return;
      }
      if (waiters.size() >= Math.max(1, max * settings.queueFactor())) {
        cb.failed(new PoolFullException("connection pool to " + server + " full"));
        return;
      }
      long deadline = System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(connectTimeoutMs);
      waiters.addLast(new Waiter(cb, connectTimeoutMs, deadline));
      if (waitSweep == null || deadline - waitSweepAt < 0) {
        scheduleWaitSweep(deadline);
      }
    }

    private void connect(Acquirer cb, int connectTimeoutMs) {
      open++;
      OriginConnection conn = new OriginConnection(this);
      var address = server.config().address();
      SslContext tls = server.config().tls() ? settings.tls() : null; // null: plain
      Bootstrap b =
          new Bootstrap()
              .group(loop)
              .channelFactory(channelFactory)
              .resolver(resolver)
              .option(ChannelOption.CONNECT_TIMEOUT_MILLIS, connectTimeoutMs)
              .option(ChannelOption.TCP_NODELAY, true)
              .handler(
                  new ChannelInitializer<>() {
                    @Override
                    protected void initChannel(Channel ch) {
                      ChannelPipeline p = ch.pipeline();
                      if (tls != null) {
                        SSLEngine engine =
                            tls.newEngine(ch.alloc(), address.host(), address.port());
                        if (settings.verifyHost()) {
                          SSLParameters params = engine.getSSLParameters();
                          params.setEndpointIdentificationAlgorithm("HTTPS");
                          engine.setSSLParameters(params);
                        }
                        SslHandler ssl = new SslHandler(engine);
                        ssl.setHandshakeTimeoutMillis(connectTimeoutMs);
                        p.addLast("tls", ssl);
                      }
                      p.addLast("origin", conn);
                    }
                  });
      long started = System.nanoTime();
      ChannelFuture f =
          b.connect(InetSocketAddress.createUnresolved(address.host(), address.port()));
      channels.add(f.channel());
      f.addListener(
          done -> {
            if (!done.isSuccess()) {
              conn.close();
              cb.failed(done.cause());
              return;
            }
            SslHandler ssl = f.channel().pipeline().get(SslHandler.class);
            if (ssl == null) {
              conn.connectNanos = System.nanoTime() - started;
              cb.acquired(conn);
              return;
            }
            ssl.handshakeFuture()
                .addListener(
                    hs -> {
                      if (hs.isSuccess()) {
                        conn.connectNanos = System.nanoTime() - started;
                        cb.acquired(conn);
                      } else {
                        conn.close();
                        cb.failed(hs.cause());
                      }
                    });
          });
    }

    /**
     * A connection was parked until the end of a read pass ({@code +1}), or left it ({@code -1}).
     */
    void parked(int change) {
      parked += change;
    }

    /** A connection is free again. */
    void released(OriginConnection c) {
      if (closing) {
        c.close();
        return;
      }
      Waiter w = waiters.peekFirst();
      if (w != null && c.acquire()) {
        waiters.pollFirst();
        w.cb().acquired(c);
        return;
      }
      c.idleSince = System.nanoTime();
      idle.addLast(c);
      if (idleSweep == null) {
        scheduleIdleSweep(settings.idleTimeoutMs());
      }
    }

    /** A connection closed (counted once). */
    void closed(OriginConnection c) {
      open--;
      idle.remove(c);
      Waiter w;
      if (open < max && !closing && (w = waiters.pollFirst()) != null) {
        connect(w.cb(), w.connectTimeoutMs());
      }
      if (open == 0 && waiters.isEmpty() && owner.get(server) == this) {
        owner.remove(server);
      }
    }

    void closeIdle() {
      OriginConnection c;
      while ((c = idle.pollFirst()) != null) {
        c.close();
      }
    }

    private void scheduleIdleSweep(long ms) {
      idleSweep = loop.schedule(this::idleSweep, Math.max(1, ms), TimeUnit.MILLISECONDS);
    }

    private void idleSweep() {
      idleSweep = null;
      long timeout = TimeUnit.MILLISECONDS.toNanos(settings.idleTimeoutMs());
      long now = System.nanoTime();
      OriginConnection c;
      while ((c = idle.peekFirst()) != null && now - c.idleSince >= timeout) {
        idle.pollFirst();
        c.close();
      }
      if (c != null) {
        scheduleIdleSweep(TimeUnit.NANOSECONDS.toMillis(c.idleSince + timeout - now) + 1);
      }
    }

    /** Checks the waiters at {@code deadline} (replacing a later check). */
    private void scheduleWaitSweep(long deadline) {
      if (waitSweep != null) {
        waitSweep.cancel(false);
      }
      waitSweepAt = deadline;
      long delay = Math.max(0, deadline - System.nanoTime());
      waitSweep = loop.schedule(this::waitSweep, delay, TimeUnit.NANOSECONDS);
    }

    /**
     * Fails the waiters whose connect timeout passed. Routes may set their own connect timeouts, so
     * the queue is not in deadline order: every waiter is looked at, and the next check is at the
     * earliest deadline left. The failed ones hear it last, as they may ask again at once.
     */
    private void waitSweep() {
      waitSweep = null;
      long now = System.nanoTime();
      List<Waiter> expired = null;
      long next = 0;
      boolean any = false;
      for (java.util.Iterator<Waiter> it = waiters.iterator(); it.hasNext(); ) {
        Waiter w = it.next();
        if (now - w.deadline() >= 0) {
          it.remove();
          if (expired == null) {
            expired = new ArrayList<>(2);
          }
          expired.add(w);
        } else if (!any || w.deadline() - next < 0) {
          next = w.deadline();
          any = true;
        }
      }
      if (any) {
        scheduleWaitSweep(next);
      }
      if (expired != null) {
        for (Waiter w : expired) {
          w.cb()
              .failed(
                  new PoolTimeoutException(
                      "no free connection to " + server + " within the connect timeout"));
        }
      }
    }

    @Override
    public String toString() {
      return server.toString();
    }
  }
}
