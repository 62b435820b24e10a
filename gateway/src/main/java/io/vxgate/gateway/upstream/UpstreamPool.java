package io.vxgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.internal.VertxInternal;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The keep-alive connection pool of one upstream on this node: one Vert.x HTTP client per event
 * loop, like nginx's per-worker {@code keepalive} pools.
 *
 * <p>Why per loop: a Vert.x client pool is shared by every event loop, and a pooled connection
 * lives on the loop that opened it. A request from another loop then crosses threads twice (the
 * request is queued to the connection's loop, the response back to the request's loop): measured
 * at about half of all the proxy's work under load, with a wake-up per hop. A request here always
 * takes the client of its own loop, whose connections were all opened from that loop, so it
 * never leaves its thread.
 *
 * <p>The configured {@code keepalive.max-connections} is the node's total per server: each loop
 * gets {@code ceil(max / loops)}.
 */
public final class UpstreamPool {
  private final EventLoop[] loops;
  private final HttpClientAgent[] clients;

  private UpstreamPool(EventLoop[] loops, HttpClientAgent[] clients) {
    this.loops = loops;
    this.clients = clients;
  }

  /**
   * A pool of {@code maxConnections} per server in all, split over {@code vertx}'s event loops,
   * each waiting-queue {@code queueFactor} times its loop's size.
   */
  public static UpstreamPool create(
      Vertx vertx, HttpClientOptions options, int maxConnections, int queueFactor) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : ((VertxInternal) vertx).nettyEventLoopGroup()) {
      loops.add((EventLoop) e);
    }
    int perLoop = Math.max(1, (maxConnections + loops.size() - 1) / loops.size());
    HttpClientAgent[] clients = new HttpClientAgent[loops.size()];
    for (int i = 0; i < clients.length; i++) {
      clients[i] =
          vertx
              .httpClientBuilder()
              .with(new HttpClientOptions(options))
              .with(new PoolOptions().setHttp1MaxSize(perLoop).setMaxWaitQueueSize(perLoop * queueFactor))
              .build();
    }
    return new UpstreamPool(loops.toArray(EventLoop[]::new), clients);
  }

  /** A pool of one client, whatever the calling thread (tests). */
  public static UpstreamPool of(HttpClientAgent client) {
    return new UpstreamPool(new EventLoop[0], new HttpClientAgent[] {requireNonNull(client)});
  }

  /**
   * The client of the calling event loop; off an event loop (tests, tools), the first one. Costs a
   * thread comparison per loop.
   */
  public HttpClientAgent client() {
    EventLoop[] l = loops;
    for (int i = 0; i < l.length; i++) {
      if (l[i].inEventLoop()) {
        return clients[i];
      }
    }
    return clients[0];
  }

  /** Closes every loop's client after at most {@code grace} for the requests in flight. */
  public Future<Void> shutdown(Duration grace) {
    List<Future<Void>> closing = new ArrayList<>(clients.length);
    for (HttpClientAgent c : clients) {
      closing.add(c.shutdown(grace));
    }
    return Future.join(closing).mapEmpty();
  }
}
