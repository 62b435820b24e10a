package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpContent;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.EmptyHttpHeaders;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpHeadersFactory;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.http1.ResponseHead;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.Iterator;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One HTTP/2 stream, as HTTP/1 messages from Netty's stream codec: a request becomes a {@link
 * RequestHead} (the {@code :authority} arrives as Host) and goes the same way as an HTTP/1.x one;
 * the response goes back through the codec, which frames it. Connection-specific fields never cross
 * (HTTP/2 forbids them). One request per stream; closing the stream resets it.
 *
 * <p>A request starts at the end of the read pass that brought its HEADERS: a stream reset in the
 * same pass (rapid reset) costs no origin request and no origin connection.
 *
 * <p>A request body must keep coming: two DATA frames of a stream may be at most {@code
 * request-body-timeout} apart (nginx's {@code client_body_timeout}), else the stream gets {@code
 * 408} (or, once the response has started, a reset) and its origin connection is let go. Without
 * it, streams that announce a body and never send it would each hold an origin connection.
 */
final class Http2Front extends FrontConnection {
  /** The fields come from our own strict HTTP/1 parser: Netty does not check them again. */
  private static final HttpHeadersFactory UNVALIDATED =
      DefaultHttpHeadersFactory.headersFactory().withValidation(false);

  private final long bodyTimeoutNanos;

  /** When the last piece of the request body arrived (System.nanoTime). */
  private long lastBodyAt;

  private @Nullable ScheduledFuture<?> bodyTimer;

  /** A request read in this read pass, started at its end ({@link #channelReadComplete}). */
  private @Nullable RequestHead deferred;

  private int deferredFraming;
  private long deferredLength;
  private long deferredArrival;

  /** Body parts read before the deferred request started (null: none). */
  private @Nullable ArrayDeque<HttpContent> early;

  Http2Front(Listener listener) {
    super(listener);
    this.bodyTimeoutNanos = Math.max(1, config.requestBodyTimeout().toNanos());
  }

  @Override
  boolean http2() {
    return true;
  }

  @Override
  @Nullable InetSocketAddress remoteAddress() {
    Channel c = channel.parent() != null ? channel.parent() : channel;
    return c.remoteAddress() instanceof InetSocketAddress a ? a : null;
  }

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (msg instanceof HttpRequest r && !responseOpen() && active == null) {
      boolean last = r instanceof LastHttpContent;
      if (r instanceof FullHttpRequest full) {
        full.content().release();
      }
      HeaderFields fields = new HeaderFields(r.headers().size() + 4);
      Iterator<Map.Entry<CharSequence, CharSequence>> it = r.headers().iteratorCharSequence();
      while (it.hasNext()) {
        Map.Entry<CharSequence, CharSequence> e = it.next();
        String name = e.getKey().toString();
        if (!name.regionMatches(true, 0, "x-http2-", 0, 8)) {
          fields.add(name, e.getValue().toString());
        }
      }
      method = r.method().name();
      version = 11;
      response = Response.WAITING;
      requestOpen = !last;
      String cl = fields.get("Content-Length");
      long length = cl == null ? -1 : HeaderFields.parseLength(cl.trim());
      int framing = cl != null && (length < 0 || fields.count("Content-Length") > 1) ? 400 : 0;
      if (requestOpen) {
        lastBodyAt = System.nanoTime();
        armBodyTimer(bodyTimeoutNanos);
      }
      // Started at the end of this read pass: a stream the client resets in the same pass (rapid
      // reset, CVE-2023-44487) never reaches an origin.
      deferred = new RequestHead(method, r.uri(), 11, fields);
      deferredFraming = framing;
      deferredLength = length;
      deferredArrival = listener.ticker().nanoTime();
      return;
    }
    if (msg instanceof HttpContent c && requestOpen && deferred != null) {
      // Body read in the pass of its HEADERS: passed on once the request started.
      if (early == null) {
        early = new ArrayDeque<>(2);
      }
      early.add(c);
      return;
    }
    if (msg instanceof HttpContent c && requestOpen) {
      lastBodyAt = System.nanoTime();
      ByteBuf data = c.content();
      Active a = active;
      if (a != null && data.isReadable()) {
        a.requestData(data.retain());
      }
      c.release();
      if (c instanceof LastHttpContent) {
        requestOpen = false;
        cancelBodyTimer();
        if (active != null) {
          active.requestEnd();
        }
      }
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  @Override
  public void channelReadComplete(ChannelHandlerContext ctx) {
    RequestHead r = deferred;
    if (r != null) {
      deferred = null;
      if (channel.isActive()) {
        onRequest(r, deferredFraming, deferredLength, deferredArrival);
      }
      ArrayDeque<HttpContent> body = early;
      early = null;
      HttpContent c;
      while (body != null && (c = body.poll()) != null) {
        channelRead(ctx, c);
      }
    }
    ctx.fireChannelReadComplete();
  }

  private void armBodyTimer(long nanos) {
    bodyTimer = ctx.executor().schedule(this::bodyTimerFired, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelBodyTimer() {
    ScheduledFuture<?> t = bodyTimer;
    bodyTimer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void bodyTimerFired() {
    bodyTimer = null;
    if (!requestOpen || !channel.isActive()) {
      return;
    }
    long left = bodyTimeoutNanos - (System.nanoTime() - lastBodyAt);
    if (left > 1_000_000) {
      armBodyTimer(left);
      return;
    }
    // The body stalled: the origin's side goes, the client gets 408 unless its response began.
    requestOpen = false;
    clientGone(headWritten() ? 0 : 408, Termination.CLIENT_TIMEOUT);
    if (!headWritten()) {
      // The fixed answer of HTTP/1.x's body timeout (ConnectionGuard), framed by respond().
      HeaderFields f = new HeaderFields(2);
      f.add("Content-Type", "text/plain; charset=utf-8");
      respond(
          408,
          f,
          io.netty.buffer.Unpooled.copiedBuffer(
              ConnectionGuard.TIMEOUT_BODY, java.nio.charset.StandardCharsets.US_ASCII),
          true);
    }
    // Closing the stream resets it: the client stops sending, the stream's window returns.
    response = Response.SENT;
    ctx.close();
  }

  private static HttpHeaders headers(HeaderFields fields) {
    HttpHeaders h = UNVALIDATED.newHeaders();
    for (int i = 0; i < fields.size(); i++) {
      String name = fields.name(i).toLowerCase(Locale.ROOT);
      switch (name) {
        case "connection", "keep-alive", "proxy-connection", "transfer-encoding", "upgrade" -> {}
        default -> h.add(name, fields.value(i));
      }
    }
    return h;
  }

  @Override
  void respond(int status, HeaderFields fields, ByteBuf body, boolean close) {
    if (status != 204 && status != 304) {
      fields.set("Content-Length", Integer.toString(body.readableBytes()));
    }
    boolean bodyless = bodyless(status);
    if (bodyless) {
      body.release();
    }
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(status),
            bodyless ? io.netty.buffer.Unpooled.EMPTY_BUFFER : body,
            headers(fields),
            EmptyHttpHeaders.INSTANCE);
    ended();
    ctx.writeAndFlush(r, ctx.voidPromise());
  }

  @Override
  void writeResponseHead(ResponseHead head) {
    response = Response.STREAMING;
    ctx.write(
        new DefaultHttpResponse(
            HttpVersion.HTTP_1_1,
            HttpResponseStatus.valueOf(head.status()),
            headers(head.fields())),
        ctx.voidPromise());
  }

  @Override
  void writeBody(ByteBuf data) {
    ctx.write(new DefaultHttpContent(data), ctx.voidPromise());
  }

  @Override
  void writeEnd() {
    ended();
    ctx.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT, ctx.voidPromise());
  }

  private void ended() {
    response = Response.SENT;
    active = null;
    if (requestOpen) {
      // Answered before the body ended: read the rest and drop it, so that the stream closes
      // and its flow-control window returns to the connection.
      channel.config().setAutoRead(true);
    }
  }

  @Override
  void writeContinue() {
    // HTTP/2 clients do not wait for 100 Continue before sending DATA.
  }

  @Override
  void autoRead(boolean on) {
    channel.config().setAutoRead(on);
    if (on) {
      // The pause was the gateway's (origin not ready or not reading): not the client's delay.
      lastBodyAt = System.nanoTime();
    }
  }

  @Override
  void reset() {
    active = null;
    response = Response.SENT;
    ctx.close();
  }

  @Override
  void drain() {
    // The connection's GOAWAY (Listener) lets streams in flight finish.
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    ArrayDeque<HttpContent> body = early;
    early = null;
    if (body != null) {
      body.forEach(ReferenceCountUtil::release);
    }
    cancelBodyTimer();
    clientGone(0, Termination.CLIENT_CLOSED);
    ctx.fireChannelInactive();
  }
}
