package io.vxgate.gateway.upstream;

import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpObject;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

/**
 * One HTTP/1.1 connection to an origin server, pooled by {@link UpstreamPool}. While a request holds
 * it, everything the origin sends goes to that request's {@link OriginListener}; in the pool it
 * expects nothing (an idle connection the origin writes to, or closes, is dropped).
 *
 * <p>Timeouts are lazy, as in Netty's IdleStateHandler: {@link #expectResponse} and every read only
 * move a deadline; one scheduled check per connection re-arms itself while the deadline moves, so
 * a request costs no timer operation. Interim (1xx) responses other than 101 are read and dropped
 * here: the listener sees the final response only.
 *
 * <p>Confined to the connection's event loop.
 */
public final class OriginConnection extends ChannelInboundHandlerAdapter {
  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSED = 2;

  private final UpstreamPool.ServerPool pool;
  private Channel channel;
  private ChannelHandlerContext ctx;
  private OriginListener listener;
  private int state = BUSY;
  /** When the pending deadline passes (System.nanoTime), 0 when none. */
  private long deadline;
  /** The read timeout while a response is streaming, 0 for none. */
  private long readTimeoutNanos;
  private ScheduledFuture<?> check;
  private long checkAt;
  /** Whether the response of the current request is complete and allows reuse. */
  private boolean reusable;
  /** Whether the current response is an interim (1xx) one being skipped. */
  private boolean interim;
  /** When this connection went back to the pool (System.nanoTime). */
  long idleSince;

  OriginConnection(UpstreamPool.ServerPool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
  }

  /** The underlying channel. */
  public Channel channel() {
    return channel;
  }

  /** Sends the origin's events to {@code l} until released or closed. */
  public void bind(OriginListener l) {
    listener = l;
    reusable = false;
    interim = false;
  }

  /** Writes a message without flushing. */
  public void write(Object msg) {
    ctx.write(msg, ctx.voidPromise());
  }

  /** Writes a message and flushes. */
  public void writeAndFlush(Object msg) {
    ctx.writeAndFlush(msg, ctx.voidPromise());
  }

  public void flush() {
    ctx.flush();
  }

  public boolean isWritable() {
    return channel.isWritable();
  }

  /** Stops or resumes reading from the origin (backpressure from a slow client). */
  public void autoRead(boolean on) {
    channel.config().setAutoRead(on);
  }

  /**
   * The request is sent: the response head must arrive within {@code responseTimeoutMs}, and
   * then every read within {@code readTimeoutMs} of the previous one (0: no limit).
   */
  public void expectResponse(long responseTimeoutMs, long readTimeoutMs) {
    readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
    if (responseTimeoutMs > 0) {
      setDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(responseTimeoutMs));
    }
  }

  /**
   * The holder is done with a complete exchange: back to the pool when the response allowed it,
   * closed otherwise.
   */
  public void release() {
    listener = null;
    deadline = 0;
    if (state != BUSY) {
      return;
    }
    if (reusable && channel.isActive()) {
      state = IDLE;
      channel.config().setAutoRead(true);
      pool.released(this);
    } else {
      close();
    }
  }

  /** Closes the connection (never reused); the listener, if any, is detached first. */
  public void close() {
    listener = null;
    if (state != CLOSED) {
      state = CLOSED;
      deadline = 0;
      channel.close();
      pool.closed(this);
    }
  }

  /** Takes an idle connection out of the pool for a request. */
  boolean acquire() {
    if (state != IDLE || !channel.isActive()) {
      return false;
    }
    state = BUSY;
    return true;
  }

  boolean idle() {
    return state == IDLE;
  }

  // ---- events from the channel

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    OriginListener l = listener;
    if (l == null) {
      // Nothing is expected from an idle connection: the origin is closing it or misbehaving.
      ReferenceCountUtil.release(msg);
      close();
      return;
    }
    if (readTimeoutNanos > 0) {
      long at = System.nanoTime() + readTimeoutNanos;
      if (check != null && at - checkAt >= 0) {
        deadline = at;
      } else {
        setDeadline(at);
      }
    } else {
      deadline = 0;
    }
    if (msg instanceof HttpObject o && o.decoderResult().isFailure()) {
      ReferenceCountUtil.release(msg);
      fail(new IOException("malformed response from the origin", o.decoderResult().cause()));
      return;
    }
    if (msg instanceof HttpResponse head) {
      int code = head.status().code();
      if (code < 200 && code != 101) {
        interim = true;
        ReferenceCountUtil.release(msg);
        return;
      }
      reusable = HttpUtil.isKeepAlive(head);
      l.onResponseHead(head);
      if (msg instanceof HttpContent c && listener == l) {
        deliverContent(l, c);
      }
      return;
    }
    if (msg instanceof HttpContent c) {
      if (interim) {
        if (msg instanceof LastHttpContent) {
          interim = false;
        }
        ReferenceCountUtil.release(msg);
        return;
      }
      deliverContent(l, c);
      return;
    }
    // Raw bytes after a 101: the tunnel takes them.
    ctx.fireChannelRead(msg);
  }

  private void deliverContent(OriginListener l, HttpContent c) {
    if (c instanceof LastHttpContent last) {
      deadline = 0;
      l.onResponseEnd(last);
    } else {
      l.onResponseContent(c);
    }
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    OriginListener l = listener;
    if (l != null) {
      l.onReadComplete();
    }
    ctx.fireChannelReadComplete();
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    OriginListener l = listener;
    if (l != null) {
      l.onOriginWritability(channel.isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    fail(new IOException("the origin closed the connection"));
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    fail(cause);
  }

  private void fail(Throwable cause) {
    OriginListener l = listener;
    close();
    if (l != null) {
      l.onOriginFailure(cause);
    }
  }

  // ---- the lazy deadline check

  private void setDeadline(long at) {
    deadline = at;
    if (check == null) {
      schedule(at);
    } else if (at - checkAt < 0) {
      check.cancel(false);
      schedule(at);
    }
  }

  private void schedule(long at) {
    checkAt = at;
    long delay = Math.max(0, at - System.nanoTime());
    check = ctx.executor().schedule(this::checkDeadline, delay, TimeUnit.NANOSECONDS);
  }

  private void checkDeadline() {
    check = null;
    if (deadline == 0 || state != BUSY) {
      return;
    }
    if (deadline - System.nanoTime() > 0) {
      schedule(deadline);
      return;
    }
    fail(new TimeoutException("no response from the origin in time"));
  }
}
