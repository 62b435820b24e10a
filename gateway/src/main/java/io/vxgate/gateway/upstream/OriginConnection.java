package io.vxgate.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vxgate.gateway.http1.BodyDecoder;
import io.vxgate.gateway.http1.Chunks;
import io.vxgate.gateway.http1.HeadParser;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.Http1Exception;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.http1.ResponseHead;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/1.1 connection to an origin server, pooled by {@link UpstreamPool}, read and written as
 * bytes: request heads are written as the exchange built them, responses are read with {@link
 * HeadParser} and {@link BodyDecoder}. While a request holds the connection, the response goes to
 * its {@link OriginListener}; in the pool it expects nothing (an idle connection the origin writes
 * to, or closes, is dropped). Interim (1xx) responses other than 101 are read and dropped; after a
 * 101 the connection carries raw bytes both ways (a WebSocket tunnel).
 *
 * <p>Timeouts are lazy, as in Netty's IdleStateHandler: {@link #expectResponse} and every read only
 * move a deadline; one scheduled check per connection re-arms itself while the deadline moves, so a
 * request costs no timer operation.
 *
 * <p>Confined to the connection's event loop.
 */
public final class OriginConnection extends ChannelInboundHandlerAdapter
    implements BodyDecoder.Sink {
  private static final int IDLE = 0;
  private static final int BUSY = 1;
  private static final int CLOSED = 2;
  private static final int MAX_HEAD = 64 * 1024;

  private final UpstreamPool.ServerPool pool;
  private final HeadParser parser = new HeadParser(false, MAX_HEAD, MAX_HEAD);
  private final BodyDecoder body = new BodyDecoder(502, MAX_HEAD);

  // Both set in handlerAdded, which Netty calls when the pool's bootstrap registers the channel,
  // before the connection is connected and handed to a request.
  @SuppressWarnings("NullAway.Init")
  private Channel channel;

  @SuppressWarnings("NullAway.Init")
  private ChannelHandlerContext ctx;

  /** The request that holds this connection (null: idle, parked or closed). */
  private @Nullable OriginListener listener;

  private int state = BUSY;

  /** When the pending deadline passes (System.nanoTime), 0 when none. */
  private long deadline;

  /** The read timeout while a response is streaming, 0 for none. */
  private long readTimeoutNanos;

  private @Nullable ScheduledFuture<?> check;
  private long checkAt;

  /** Whether the response of the current request is complete and allows reuse. */
  private boolean reusable;

  private boolean headRequest;

  /** The current response has no body (HEAD, 204, 304, Content-Length: 0). */
  private boolean noBody;

  /** A read pass is on: channelRead was called, channelReadComplete not yet. */
  private boolean reading;

  /**
   * Released during a read pass after a response without a body: back to the pool only at the end
   * of the pass, if no byte arrived meanwhile (see {@link #release}).
   */
  private boolean parked;

  private boolean readingBody;
  private boolean chunkedOut;
  private boolean tunnel;

  /** When this connection went back to the pool (System.nanoTime). */
  long idleSince;

  /** How long opening this connection took, until its first user took it (then 0). */
  long connectNanos;

  OriginConnection(UpstreamPool.ServerPool pool) {
    this.pool = pool;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
  }

  /**
   * How long opening this connection took (TCP and TLS), for its first user; 0 for a connection
   * used before (the access log's {@code Tc}).
   */
  public long takeConnectNanos() {
    long n = connectNanos;
    connectNanos = 0;
    return n;
  }

  /** The underlying channel. */
  public Channel channel() {
    return channel;
  }

  /**
   * Sends the origin's events to {@code l} until released or closed.
   *
   * @param head whether the request about to be written is a HEAD (its response has no body)
   */
  public void bind(OriginListener l, boolean head) {
    listener = l;
    reusable = false;
    headRequest = head;
    readingBody = false;
    chunkedOut = false;
    parser.reset();
  }

  /**
   * Writes a request head (not flushed).
   *
   * @param chunked frame the body that follows as chunked (its length is unknown)
   */
  public void writeHead(RequestHead head, boolean chunked) {
    chunkedOut = chunked;
    ByteBuf out = ctx.alloc().buffer(head.encodedLength());
    head.writeTo(out);
    ctx.write(out, ctx.voidPromise());
  }

  /** Writes a part of the request body (not flushed); takes ownership of {@code data}. */
  public void writeBody(ByteBuf data) {
    if (!data.isReadable()) {
      data.release();
      return;
    }
    if (chunkedOut) {
      ctx.write(Chunks.sizeLine(ctx.alloc(), data.readableBytes()), ctx.voidPromise());
      ctx.write(data, ctx.voidPromise());
      ctx.write(Chunks.CRLF.duplicate(), ctx.voidPromise());
    } else {
      ctx.write(data, ctx.voidPromise());
    }
  }

  /** Ends the request body (the last chunk when chunked) and flushes. */
  public void writeEnd() {
    if (chunkedOut) {
      ctx.write(Chunks.LAST.duplicate(), ctx.voidPromise());
    }
    ctx.flush();
  }

  /** Writes raw bytes (a tunnel), not flushed. */
  public void writeRaw(ByteBuf data) {
    ctx.write(data, ctx.voidPromise());
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
   * The request is sent: the response head must arrive within {@code responseTimeoutMs}, and then
   * every read within {@code readTimeoutMs} of the previous one (0: no limit).
   */
  public void expectResponse(long responseTimeoutMs, long readTimeoutMs) {
    readTimeoutNanos = TimeUnit.MILLISECONDS.toNanos(readTimeoutMs);
    if (responseTimeoutMs > 0) {
      setDeadline(System.nanoTime() + TimeUnit.MILLISECONDS.toNanos(responseTimeoutMs));
    } else {
      deadline = 0;
    }
  }

  /**
   * The holder is done with a complete exchange: back to the pool when the response allowed it,
   * closed otherwise.
   *
   * <p>After a response without a body, bytes the origin sends behind it (a body after a HEAD
   * answer, a 204 with content) cannot be told from the next response. Those in the same read are
   * seen at once ({@link #responseEnded}); for those of the same read pass, a connection released
   * while the pass is on goes back to the pool only when it ends ({@link #channelReadComplete}),
   * and is closed if any byte came first. Bytes that arrive in a later pass find it idle (then it
   * is closed) or serving the next request (then they are read as its response):
   * docs/reliability.md#principles.
   */
  public void release() {
    listener = null;
    deadline = 0;
    if (state != BUSY) {
      return;
    }
    if (reusable && !readingBody && !tunnel && channel.isActive()) {
      if (reading && noBody) {
        parked = true;
        pool.parked(1);
        return;
      }
      toPool();
    } else {
      close();
    }
  }

  private void toPool() {
    state = IDLE;
    channel.config().setAutoRead(true);
    pool.released(this);
  }

  /** Closes the connection (never reused); the listener, if any, is detached first. */
  public void close() {
    listener = null;
    if (parked) {
      parked = false;
      pool.parked(-1);
    }
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

  // ---- reading the response

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    reading = true;
    if (!(msg instanceof ByteBuf in)) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (listener == null) {
      // Nothing is expected from an idle (or parked) connection: the origin is closing it or
      // misbehaving.
      in.release();
      close();
      return;
    }
    touch();
    if (tunnel) {
      listener.onResponseData(in);
      return;
    }
    try {
      while (in.isReadable()) {
        OriginListener l = listener;
        if (l == null) {
          // Bytes after the response: the origin misbehaves.
          close();
          return;
        }
        if (readingBody) {
          if (body.decode(in, this)) {
            readingBody = false;
            responseEnded(l, in);
          }
          continue;
        }
        if (!parser.feed(in)) {
          return;
        }
        ResponseHead head = parser.response();
        if (head == null) {
          // never: feed returned true, so a whole head was read
          throw new Http1Exception(502, "no response head");
        }
        parser.reset();
        if (!onHead(l, head, in)) {
          return;
        }
      }
    } catch (Http1Exception e) {
      fail(new IOException("malformed response from the origin: " + e.getMessage()));
    } finally {
      in.release();
    }
  }

  /** Handles a response head; false when the rest of {@code in} is no longer HTTP. */
  private boolean onHead(OriginListener l, ResponseHead head, ByteBuf in) throws Http1Exception {
    int status = head.status();
    if (status < 200 && status != 101) {
      return true; // an interim response: the final one follows
    }
    HeaderFields f = head.fields();
    if (status == 101) {
      // Neither field may be sent with a 1xx (RFC 9110 8.6, RFC 9112 6.1).
      f.remove("Content-Length");
      f.remove("Transfer-Encoding");
      tunnel = true;
      reusable = false;
      l.onResponseHead(head);
      if (in.isReadable() && listener == l) {
        l.onResponseData(in.readRetainedSlice(in.readableBytes()));
      }
      return false;
    }
    BodyDecoder.Framing framing;
    long length = 0;
    boolean framingConflict = false;
    boolean te = f.contains("Transfer-Encoding");
    if (te) {
      framing = transferCoding(f);
    } else if (f.contains("Content-Length")) {
      length = contentLength(f);
      framing = length == 0 ? BodyDecoder.Framing.NONE : BodyDecoder.Framing.LENGTH;
    } else {
      framing = BodyDecoder.Framing.UNTIL_CLOSE;
    }
    if (te && f.contains("Content-Length")) {
      // Both framings: chunked wins (RFC 9112 6.3), but the connection is not trusted again.
      contentLength(f);
      f.remove("Content-Length");
      framingConflict = true;
    }
    if (status == 204) {
      // Must not be sent (RFC 9110 8.6, RFC 9112 6.1); checked above all the same.
      f.remove("Content-Length");
      f.remove("Transfer-Encoding");
    }
    if (headRequest || status == 204 || status == 304) {
      // No body, whatever the fields say; they were checked as for any response.
      framing = BodyDecoder.Framing.NONE;
    }
    noBody = framing == BodyDecoder.Framing.NONE;
    reusable =
        framing != BodyDecoder.Framing.UNTIL_CLOSE
            && !framingConflict
            && (head.version() == 11
                ? !f.containsToken("Connection", "close")
                : f.containsToken("Connection", "keep-alive"));
    readingBody = framing != BodyDecoder.Framing.NONE;
    if (readingBody) {
      body.start(framing, length);
    }
    l.onResponseHead(head);
    if (!readingBody && listener == l) {
      responseEnded(l, in);
    }
    return true;
  }

  /** The response is complete; {@code in} holds what was read after it. */
  private void responseEnded(OriginListener l, ByteBuf in) {
    deadline = 0;
    if (in.isReadable()) {
      // More than the response: the connection is out of step with the origin.
      reusable = false;
    }
    l.onResponseEnd();
  }

  /**
   * The framing a Transfer-Encoding gives a response: chunked when {@code chunked} is the last
   * coding, else the close ends the body (RFC 9112 6.3). 502 when {@code chunked} is named twice or
   * not last (RFC 9112 6.1 forbids both): which of them framed the body would be a guess.
   */
  private static BodyDecoder.Framing transferCoding(HeaderFields f) throws Http1Exception {
    int chunked = 0;
    boolean last = false;
    for (int i = f.indexOf("Transfer-Encoding", 0);
        i >= 0;
        i = f.indexOf("Transfer-Encoding", i + 1)) {
      for (String coding : f.value(i).split(",", -1)) {
        String c = coding.trim();
        if (!c.isEmpty()) {
          last = c.equalsIgnoreCase("chunked");
          if (last) {
            chunked++;
          }
        }
      }
    }
    if (chunked > 1 || (chunked == 1 && !last)) {
      throw new Http1Exception(502, "chunked named twice or not last in Transfer-Encoding");
    }
    return last ? BodyDecoder.Framing.CHUNKED : BodyDecoder.Framing.UNTIL_CLOSE;
  }

  /** The Content-Length of a response: one value, or a list of equal ones; else 502. */
  private static long contentLength(HeaderFields f) throws Http1Exception {
    long value = -1;
    for (int i = f.indexOf("Content-Length", 0); i >= 0; i = f.indexOf("Content-Length", i + 1)) {
      long n = HeaderFields.parseLength(f.value(i).trim());
      if (n < 0 || (value >= 0 && n != value)) {
        throw new Http1Exception(502, "invalid Content-Length");
      }
      value = n;
    }
    return value;
  }

  @Override
  public void data(ByteBuf slice) {
    OriginListener l = listener;
    if (l != null) {
      l.onResponseData(slice);
    } else {
      slice.release();
    }
  }

  private void touch() {
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
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    reading = false;
    if (parked) {
      parked = false;
      pool.parked(-1);
      if (state == BUSY && channel.isActive()) {
        toPool();
      } else {
        close();
      }
    }
    OriginListener l = listener;
    if (l != null) {
      l.onReadComplete();
    }
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    OriginListener l = listener;
    if (l != null) {
      l.onOriginWritability(channel.isWritable());
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    OriginListener l = listener;
    if (l != null && readingBody && body.framing() == BodyDecoder.Framing.UNTIL_CLOSE) {
      // The close ends a response without framing.
      readingBody = false;
      reusable = false;
      l.onResponseEnd();
    }
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
