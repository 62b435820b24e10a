package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelPipeline;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.concurrent.ScheduledFuture;
import io.vxgate.config.RetryOn;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.upstream.OriginConnection;
import io.vxgate.gateway.upstream.OriginListener;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.UpstreamPool;
import io.vxgate.gateway.upstream.UpstreamSelector;
import io.vxgate.util.Ticker;
import java.util.Locale;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied WebSocket: the upgrade is first done with the origin (the client's handshake headers,
 * minus hop-by-hop ones, so extensions and subprotocols are negotiated end to end); a refusal (any
 * status but 101) goes back to the client as it is; on 101 the client connection is upgraded too
 * and raw bytes are tunnelled both ways, so frames and close codes pass unchanged.
 *
 * <p>The tunnel keeps no buffer of its own: each direction writes into the other socket and stops
 * reading its source while that socket is not writable. It closes both sides when either closes or
 * fails, or when no byte went either way for {@code timeouts.idle}. The server counts as in flight
 * for the socket's whole life. Origin connections of tunnels are never pooled. Runs on the client
 * connection's event loop.
 */
final class WebSocketTunnel implements FrontConnection.Active, OriginListener, UpstreamPool.Acquirer {
  private static final Logger log = LoggerFactory.getLogger(WebSocketTunnel.class);
  private static final int STATE_HANDSHAKE = 0;
  private static final int STATE_REFUSED = 1;
  private static final int STATE_OPEN = 2;
  private static final int STATE_DONE = 3;

  private final FrontConnection front;
  private final ProxySnapshot snapshot;
  private final RequestInfo view;
  private final HttpRequest req;
  private final String requestId;
  private final String uri;
  private final UpstreamSelector selector;
  private final UpstreamConfig upstream;
  private final RouteConfig route;
  private final StickySessions.Table sticky;
  private final Ticker ticker;
  private final Attempts attempts;
  private final String upgrade;
  private int state = STATE_HANDSHAKE;
  private boolean rewritten;
  private UpstreamFailure lastFailure;
  private ServerState server;
  private OriginConnection origin;
  private Channel client;
  private ScheduledFuture<?> idleCheck;
  private long lastActivityNanos;

  WebSocketTunnel(
      FrontConnection front,
      ProxySnapshot snapshot,
      RequestInfo view,
      String requestId,
      String uri,
      UpstreamSelector selector,
      RouteConfig route,
      StickySessions.Table sticky) {
    this.front = front;
    this.snapshot = snapshot;
    this.view = view;
    this.req = view.request();
    this.requestId = requestId;
    this.uri = uri;
    this.selector = selector;
    this.upstream = selector.upstream().config();
    this.route = route;
    this.sticky = sticky;
    this.ticker = front.listener().ticker();
    this.attempts = new Attempts(selector, view, view.path(), sticky, ticker);
    this.upgrade = req.headers().get(HttpHeaderNames.UPGRADE);
  }

  /**
   * Whether {@code req} is an HTTP/1.1 upgrade request (the gateway tunnels no other kind; over
   * HTTP/2 a WebSocket is not offered).
   */
  static boolean isUpgrade(HttpRequest req, boolean http2) {
    if (http2 || req.protocolVersion() != HttpVersion.HTTP_1_1 || req.method() != HttpMethod.GET) {
      return false;
    }
    String connection = req.headers().get(HttpHeaderNames.CONNECTION);
    if (connection == null) {
      return false;
    }
    for (String token : connection.split(",")) {
      if (token.trim().toLowerCase(Locale.ROOT).equals("upgrade")) {
        return true;
      }
    }
    return false;
  }

  void start() {
    attempt();
  }

  // ---- handshake with the origin

  private void attempt() {
    ServerState s = attempts.next();
    if (s == null) {
      fail(lastFailure != null ? lastFailure : UpstreamFailure.NO_SERVER);
      return;
    }
    server = s;
    s.requestStarted();
    selector.upstream().pool().connectTunnel(front.channel().eventLoop(), s, this);
  }

  @Override
  public void acquired(OriginConnection c) {
    if (state != STATE_HANDSHAKE) {
      c.close();
      return;
    }
    origin = c;
    c.bind(this);
    if (!rewritten) {
      rewritten = true;
      OriginRequests.rewrite(view, snapshot, front.tls(), requestId, uri, route, false);
      HttpHeaders out = req.headers();
      out.set(HttpHeaderNames.CONNECTION, HttpHeaderNames.UPGRADE);
      out.set(HttpHeaderNames.UPGRADE, upgrade);
    }
    c.write(req);
    c.writeAndFlush(LastHttpContent.EMPTY_LAST_CONTENT);
    c.expectResponse(upstream.timeouts().response().toMillis(), 0);
  }

  @Override
  public void failed(Throwable cause) {
    if (state == STATE_HANDSHAKE) {
      onFailure(UpstreamFailure.ofConnect(cause), cause);
    }
  }

  @Override
  public void onResponseHead(HttpResponse r) {
    if (r.status().code() == 101) {
      upgrade(r);
    } else {
      refused(r);
    }
  }

  @Override
  public void onResponseContent(HttpContent content) {
    if (state == STATE_REFUSED) {
      front.writeContent(content);
    } else {
      content.release();
    }
  }

  @Override
  public void onResponseEnd(LastHttpContent last) {
    if (state != STATE_REFUSED) {
      last.release();
      return;
    }
    state = STATE_DONE;
    endAttempt();
    // The handshake request stays unfinished for the origin: its connection is not reused.
    OriginConnection c = origin;
    origin = null;
    c.close();
    front.writeLast(last);
  }

  @Override
  public void onReadComplete() {
    if (state == STATE_REFUSED) {
      front.flush();
    }
  }

  @Override
  public void onOriginFailure(Throwable cause) {
    origin = null;
    if (state == STATE_HANDSHAKE) {
      onFailure(UpstreamFailure.ofExchange(cause), cause);
    } else if (state == STATE_REFUSED) {
      state = STATE_DONE;
      endAttempt();
      front.reset();
    } else {
      close();
    }
  }

  private void onFailure(UpstreamFailure failure, Throwable cause) {
    if (failure.countsAgainstServer()) {
      server.passive().recordFailure();
    }
    log.debug(
        "websocket attempt {} of {} to {} failed: {} ({})",
        attempts.count(),
        requestId,
        server,
        failure.tag(),
        cause.toString());
    lastFailure = failure;
    endAttempt();
    OriginConnection c = origin;
    origin = null;
    if (c != null) {
      c.close();
    }
    // An upgrade is a GET without a body: any failure before the 101 may be retried.
    RetryOn condition = failure.retryOn();
    if (condition != null
        && attempts.count() <= upstream.retries()
        && upstream.retryOn().contains(condition)) {
      attempt();
    } else {
      fail(failure);
    }
  }

  private void fail(UpstreamFailure failure) {
    state = STATE_DONE;
    endAttempt();
    front.detach(this);
    snapshot.errorPages().send(front, failure.status(), requestId, false);
  }

  /** The origin refused the upgrade: its answer goes back to the client as it is. */
  private void refused(HttpResponse r) {
    if (r.status().code() < 500) {
      server.passive().recordSuccess();
    }
    state = STATE_REFUSED;
    HttpHeaders h = r.headers();
    HopByHop.strip(h);
    if (!h.contains(RequestIds.HEADER)) {
      h.set(RequestIds.HEADER, requestId);
    }
    RouteActions.apply(route.responseHeaders(), h);
    front.writeResponseHead(r);
  }

  private void upgrade(HttpResponse r) {
    server.passive().recordSuccess();
    state = STATE_OPEN;
    HttpResponse answer =
        new DefaultHttpResponse(HttpVersion.HTTP_1_1, r.status(), r.headers().copy());
    HttpHeaders h = answer.headers();
    if (sticky != null && server != attempts.cookieServer()) {
      String cookie = sticky.setCookie(server, front.tls());
      if (cookie != null) {
        h.add(HttpHeaderNames.SET_COOKIE, cookie);
      }
    }
    RouteActions.apply(route.responseHeaders(), h);
    OriginConnection o = origin;
    o.expectResponse(0, 0);
    client = front.channel();
    front.upgraded();
    // The 101 goes out through the HTTP encoder, which then leaves both pipelines with the decoders.
    client.writeAndFlush(answer, client.voidPromise());
    Channel originChannel = o.channel();
    Relay toOrigin = new Relay(originChannel);
    Relay toClient = new Relay(client);
    ChannelPipeline cp = client.pipeline();
    cp.addLast("tunnel", toOrigin);
    removeIfPresent(cp, Listener.FRONT);
    removeIfPresent(cp, Listener.GUARD);
    removeIfPresent(cp, Listener.CODEC);
    ChannelPipeline op = originChannel.pipeline();
    op.addLast("tunnel", toClient);
    removeIfPresent(op, "codec");
    lastActivityNanos = ticker.nanoTime();
    scheduleIdleCheck(upstream.timeouts().idle().toMillis());
    if (!client.isActive() || !originChannel.isActive()) {
      close();
    }
  }

  private static void removeIfPresent(ChannelPipeline p, String name) {
    if (p.get(name) != null) {
      p.remove(name);
    }
  }

  // ---- tunnel

  /** Copies what its channel reads into {@code to}, pausing while {@code to} is not writable. */
  private final class Relay extends ChannelInboundHandlerAdapter {
    private final Channel to;

    Relay(Channel to) {
      this.to = to;
    }

    @Override
    public void channelRead(ChannelHandlerContext ctx, Object msg) {
      if (state != STATE_OPEN || !(msg instanceof ByteBuf)) {
        ReferenceCountUtil.release(msg);
        return;
      }
      lastActivityNanos = ticker.nanoTime();
      to.write(msg, to.voidPromise());
      if (!to.isWritable()) {
        // Flushing may drain it at once (and fire its writability event right here).
        to.flush();
        if (!to.isWritable()) {
          ctx.channel().config().setAutoRead(false);
        }
      }
    }

    @Override
    public void channelReadComplete(ChannelHandlerContext ctx) {
      to.flush();
    }

    @Override
    public void channelWritabilityChanged(ChannelHandlerContext ctx) {
      // This channel drained (or filled up): the other side, which writes into it, reads again.
      if (state == STATE_OPEN) {
        to.config().setAutoRead(ctx.channel().isWritable());
      }
      ctx.fireChannelWritabilityChanged();
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      close();
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("websocket {}: {}", requestId, cause.toString());
      close();
    }
  }

  private void scheduleIdleCheck(long ms) {
    idleCheck =
        client.eventLoop().schedule(this::idleCheck, Math.max(1, ms), TimeUnit.MILLISECONDS);
  }

  private void idleCheck() {
    idleCheck = null;
    if (state != STATE_OPEN) {
      return;
    }
    long idleMs = upstream.timeouts().idle().toMillis();
    long quietMs = (ticker.nanoTime() - lastActivityNanos) / 1_000_000;
    if (quietMs >= idleMs) {
      log.debug("websocket {} idle for {} ms: closing", requestId, quietMs);
      close();
    } else {
      scheduleIdleCheck(idleMs - quietMs);
    }
  }

  /** Closes both sides (after what is queued is written) and releases the server. */
  private void close() {
    if (state == STATE_DONE) {
      return;
    }
    state = STATE_DONE;
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
    if (client != null) {
      client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    }
    OriginConnection o = origin;
    origin = null;
    if (o != null) {
      Channel oc = o.channel();
      oc.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> o.close());
    }
    endAttempt();
  }

  // ---- the client side

  @Override
  public void requestContent(HttpContent content) {
    // The handshake request has no body; frames sent before the 101 are not part of it.
    content.release();
  }

  @Override
  public void clientGone() {
    if (state == STATE_DONE) {
      return;
    }
    if (state == STATE_OPEN) {
      close();
      return;
    }
    state = STATE_DONE;
    endAttempt();
    OriginConnection c = origin;
    origin = null;
    if (c != null) {
      c.close();
    }
  }

  private void endAttempt() {
    if (server != null) {
      server.requestEnded();
      server = null;
    }
  }
}
