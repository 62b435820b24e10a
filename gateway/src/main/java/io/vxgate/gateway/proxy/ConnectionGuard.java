package io.vxgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.internal.ContextInternal;
import io.vertx.core.net.impl.ConnectionBase;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

/**
 * Per-connection timeouts that Vert.x's HTTP server does not have (HAProxy's
 * {@code timeout http-request} and {@code timeout http-keep-alive}):
 *
 * <ul>
 *   <li>a request's header must be complete within {@code request-header-timeout} of its first
 *       byte (of the connection's opening, for the first request), else the client gets
 *       {@code 408} and the connection is closed (slowloris);
 *   <li>an idle keep-alive connection with no byte of a next request is closed silently after
 *       {@code keepAliveTimeout}.
 * </ul>
 *
 * Installed as two small Netty handlers: one before the HTTP decoder sees raw bytes arrive, one
 * after the encoder sees request heads decoded and responses completed. Removed on a WebSocket
 * upgrade. All state is confined to the channel's event loop.
 */
final class ConnectionGuard {
  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: 20\r\nConnection: close\r\n\r\n408 Request Timeout\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final String BYTES = "vxgate-bytes";
  private static final String MESSAGES = "vxgate-messages";

  private enum Phase {
    HEADERS,
    REQUEST,
    IDLE
  }

  private final ContextInternal context;
  private final long headerTimeoutNanos;
  private final long keepAliveNanos;
  private ChannelHandlerContext bytesCtx;
  private Phase phase = Phase.HEADERS;
  /** When the current phase started (System.nanoTime); the deadline follows from the phase. */
  private long phaseStart = System.nanoTime();
  /** The one pending timer of this connection, or -1. */
  private long timer = -1;
  private boolean closed;

  private ConnectionGuard(ContextInternal context, Duration headerTimeout, Duration keepAlive) {
    this.context = context;
    this.headerTimeoutNanos = Math.max(1, headerTimeout.toNanos());
    this.keepAliveNanos = Math.max(1, keepAlive.toNanos());
  }

  /** Installs the guard on an HTTP/1.x server connection; other connections are left alone. */
  static void install(HttpConnection connection, Duration headerTimeout, Duration keepAlive) {
    if (!(connection instanceof ConnectionBase base) || headerTimeout.isZero()) {
      return;
    }
    Channel ch = base.channel();
    ChannelPipeline p = ch.pipeline();
    if (p.get("httpDecoder") == null || p.get("httpEncoder") == null) {
      return;
    }
    ConnectionGuard guard = new ConnectionGuard(base.context(), headerTimeout, keepAlive);
    p.addBefore("httpDecoder", BYTES, guard.new Bytes());
    p.addAfter("httpEncoder", MESSAGES, guard.new Messages());
    guard.enter(Phase.HEADERS);
  }

  /**
   * Moves to a phase. Timers are lazy (as in Netty's IdleStateHandler): a phase change only records
   * the time. One timer per connection checks the current phase's deadline at least every
   * request-header-timeout and re-arms itself, for exactly the time left when a deadline is near.
   * So a request costs no timer operation.
   */
  private void enter(Phase next) {
    phase = next;
    phaseStart = System.nanoTime();
    if (timer < 0 && !closed) {
      arm(headerTimeoutNanos);
    }
  }

  private long budget(Phase p) {
    return p == Phase.HEADERS ? headerTimeoutNanos : keepAliveNanos;
  }

  private void arm(long nanos) {
    timer = context.setTimer(Math.max(1, nanos / 1_000_000), id -> fired());
  }

  private void fired() {
    timer = -1;
    if (closed || bytesCtx == null) {
      return;
    }
    if (phase == Phase.REQUEST) {
      arm(headerTimeoutNanos);
      return;
    }
    long left = budget(phase) - (System.nanoTime() - phaseStart);
    if (left > 1_000_000) {
      arm(Math.min(left, headerTimeoutNanos));
    } else if (phase == Phase.HEADERS) {
      closed = true;
      bytesCtx
          .writeAndFlush(Unpooled.wrappedBuffer(REQUEST_TIMEOUT))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      closed = true;
      bytesCtx.close();
    }
  }

  private void uninstall(ChannelPipeline p) {
    closed = true;
    if (p.get(BYTES) != null) {
      p.remove(BYTES);
    }
    if (p.get(MESSAGES) != null) {
      p.remove(MESSAGES);
    }
  }

  /** Sees raw bytes: the first byte of a request on an idle connection starts the header clock. */
  private final class Bytes extends ChannelInboundHandlerAdapter {
    @Override
    public void handlerAdded(ChannelHandlerContext ctx) {
      bytesCtx = ctx;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (phase == Phase.IDLE) {
        enter(Phase.HEADERS);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      closed = true;
      ctx.fireChannelInactive();
    }
  }

  /** Sees decoded request heads and outgoing responses. */
  private final class Messages extends ChannelDuplexHandler {
    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (msg instanceof HttpRequest) {
        enter(Phase.REQUEST);
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse r && r.status().code() == 101) {
        uninstall(ctx.pipeline());
      } else if (msg instanceof LastHttpContent && phase == Phase.REQUEST) {
        enter(Phase.IDLE);
      }
      ctx.write(msg, promise);
    }
  }
}
