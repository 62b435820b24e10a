package io.vxgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerResponse;
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
 *   <li>while a request body is being received, two successive reads may be at most {@code
 *       request-body-timeout} apart (nginx's {@code client_body_timeout}), else the client gets
 *       {@code 408} (or, when the response has started, the connection is just closed);
 *   <li>an idle keep-alive connection with no byte of a next request is closed silently after
 *       {@code keepAliveTimeout};
 *   <li>once the gateway refused a request as malformed ({@link #stopReading}), nothing more is
 *       read from the connection: a request the client pipelined (or smuggled in a body the
 *       decoder framed differently) never reaches the proxy;
 *   <li>a body the decoder cannot parse (a bad chunk size) is answered {@code 400} when no response
 *       has started.
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
  private static final byte[] BAD_REQUEST =
      ("HTTP/1.1 400 Bad Request\r\nContent-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: 16\r\nConnection: close\r\n\r\n400 Bad Request\n")
          .getBytes(StandardCharsets.US_ASCII);
  private static final String BYTES = "vxgate-bytes";
  private static final String MESSAGES = "vxgate-messages";

  private enum Phase {
    /** Waiting for (the rest of) a request head. */
    HEADERS,
    /** The head is decoded, the body is not complete. */
    BODY,
    /** The request is complete; its response is on its way. */
    REQUEST,
    /** Between requests. */
    IDLE
  }

  private final ContextInternal context;
  private final long headerTimeoutNanos;
  private final long keepAliveNanos;
  private final long bodyTimeoutNanos;
  private ChannelHandlerContext bytesCtx;
  /** Whether the response to the current request has started (a non-1xx head was written). */
  private boolean responseStarted;
  /** Set once a request was refused as malformed: inbound messages are dropped from then on. */
  private boolean stopped;
  private Phase phase = Phase.HEADERS;
  /** When the current phase started (System.nanoTime); the deadline follows from the phase. */
  private long phaseStart = System.nanoTime();
  /** The one pending timer of this connection, or -1. */
  private long timer = -1;
  /** When the pending timer fires (System.nanoTime). */
  private long timerDeadline;
  private boolean closed;

  private ConnectionGuard(
      ContextInternal context, Duration headerTimeout, Duration bodyTimeout, Duration keepAlive) {
    this.context = context;
    this.headerTimeoutNanos = Math.max(1, headerTimeout.toNanos());
    this.bodyTimeoutNanos = Math.max(1, bodyTimeout.toNanos());
    this.keepAliveNanos = Math.max(1, keepAlive.toNanos());
  }

  /** Installs the guard on an HTTP/1.x server connection; other connections are left alone. */
  static void install(
      HttpConnection connection, Duration headerTimeout, Duration bodyTimeout, Duration keepAlive) {
    if (!(connection instanceof ConnectionBase base) || headerTimeout.isZero()) {
      return;
    }
    Channel ch = base.channel();
    ChannelPipeline p = ch.pipeline();
    if (p.get("httpDecoder") == null || p.get("httpEncoder") == null) {
      return;
    }
    ConnectionGuard guard =
        new ConnectionGuard(base.context(), headerTimeout, bodyTimeout, keepAlive);
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
    if (closed) {
      return;
    }
    long budget = next == Phase.REQUEST ? headerTimeoutNanos : budget(next);
    if (timer < 0) {
      arm(Math.min(budget, headerTimeoutNanos));
    } else if (phaseStart + budget < timerDeadline) {
      // A phase with a shorter budget than the pending check (request-body-timeout below
      // request-header-timeout): check at its deadline instead.
      context.owner().cancelTimer(timer);
      arm(budget);
    }
  }

  /**
   * Stops reading from {@code connection} (HTTP/1.x with a guard): every request or body part
   * decoded after this call is dropped. Called when a request is refused as malformed, before the
   * connection is closed, so that nothing pipelined behind it is proxied.
   */
  static void stopReading(HttpConnection connection) {
    if (connection instanceof ConnectionBase base
        && base.channel().pipeline().get(MESSAGES) instanceof Messages m) {
      m.guard().stopped = true;
    }
  }
  /**
   * Ends an answer the gateway gives itself. With {@code closeAfter} (an HTTP/1.x connection whose
   * request body was not read, or whose request was malformed): announces {@code Connection:
   * close}, drops everything decoded after this request, and closes once the answer is written
   * (Vert.x would otherwise wait for the unread body).
   *
   * @param closeAfter nullable: keep the connection
   */
  static void end(HttpServerResponse resp, Buffer body, HttpConnection closeAfter) {
    if (closeAfter == null) {
      resp.end(body);
      return;
    }
    resp.putHeader(HttpHeaders.CONNECTION, "close");
    stopReading(closeAfter);
    resp.end(body).onComplete(ar -> closeAfter.close());
  }


  private long budget(Phase p) {
    return switch (p) {
      case HEADERS -> headerTimeoutNanos;
      case BODY -> bodyTimeoutNanos;
      default -> keepAliveNanos;
    };
  }

  private void arm(long nanos) {
    long ms = Math.max(1, nanos / 1_000_000);
    timerDeadline = System.nanoTime() + ms * 1_000_000;
    timer = context.setTimer(ms, id -> fired());
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
    } else if (phase == Phase.HEADERS || phase == Phase.BODY && !responseStarted) {
      answerAndClose(REQUEST_TIMEOUT);
    } else {
      closed = true;
      bytesCtx.close();
    }
  }

  /** Writes a fixed answer below Vert.x and closes; Vert.x then sees the connection close. */
  private void answerAndClose(byte[] answer) {
    closed = true;
    stopped = true;
    bytesCtx.writeAndFlush(Unpooled.wrappedBuffer(answer)).addListener(ChannelFutureListener.CLOSE);
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
      } else if (phase == Phase.BODY) {
        phaseStart = System.nanoTime();
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
    ConnectionGuard guard() {
      return ConnectionGuard.this;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (stopped) {
        ReferenceCountUtil.release(msg);
        return;
      }
      if (msg instanceof HttpRequest) {
        responseStarted = false;
        enter(msg instanceof LastHttpContent ? Phase.REQUEST : Phase.BODY);
      } else if (msg instanceof HttpContent c) {
        if (c.decoderResult().isFailure() && phase == Phase.BODY && !responseStarted) {
          // A body Vert.x would only see as a reset: answer 400 while we still can.
          ReferenceCountUtil.release(msg);
          answerAndClose(BAD_REQUEST);
          return;
        }
        if (msg instanceof LastHttpContent && phase == Phase.BODY) {
          enter(Phase.REQUEST);
        }
      }
      ctx.fireChannelRead(msg);
    }

    @Override
    public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
      if (msg instanceof HttpResponse r) {
        if (r.status().code() == 101) {
          uninstall(ctx.pipeline());
        } else if (r.status().code() >= 200) {
          responseStarted = true;
        }
      }
      if (msg instanceof LastHttpContent && (phase == Phase.REQUEST || phase == Phase.BODY)) {
        enter(Phase.IDLE);
      }
      ctx.write(msg, promise);
    }
  }
}
