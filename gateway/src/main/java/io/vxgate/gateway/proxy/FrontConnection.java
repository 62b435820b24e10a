package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.channel.Channel;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.handler.codec.TooLongFrameException;
import io.netty.handler.codec.http.DefaultFullHttpResponse;
import io.netty.handler.codec.http.DefaultHttpRequest;
import io.netty.handler.codec.http.DefaultHttpResponse;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaderValues;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpMethod;
import io.netty.handler.codec.http.HttpRequest;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.netty.handler.codec.http.HttpUtil;
import io.netty.handler.codec.http.HttpVersion;
import io.netty.handler.codec.http.LastHttpContent;
import io.netty.handler.codec.http.TooLongHttpHeaderException;
import io.netty.handler.codec.http.TooLongHttpLineException;
import io.netty.util.ReferenceCountUtil;
import io.vertx.core.net.HostAndPort;
import io.vxgate.config.ListenerConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.gateway.route.PathNormalizer;
import io.vxgate.gateway.route.Route;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamSelector;
import java.net.InetSocketAddress;
import java.util.ArrayDeque;
import java.util.HashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway end of one client HTTP/1.x connection, or of one HTTP/2 stream (turned into HTTP/1
 * messages by Netty's codec). It checks and routes each request, hands it to an {@link Exchange}
 * (or a {@link WebSocketTunnel}), and writes the response: HTTP/1.x keep-alive and pipelining
 * (requests that arrive while a response is on its way wait their turn), {@code Connection: close}
 * after an error or when the node drains.
 *
 * <p>A request is refused before any origin sees it when its head is malformed (400, 414, 431),
 * its authority is missing or ambiguous (400), its framing is ambiguous (400/501), its body too
 * large (413), or no route matches (404). After a refusal of a malformed request, nothing more is
 * read from the connection: a request pipelined (or smuggled in a body the decoder framed
 * differently) behind it never reaches an origin.
 *
 * <p>Reads the node's current {@link ProxySnapshot} with one volatile read per request. Confined to
 * the connection's event loop.
 */
final class FrontConnection extends ChannelDuplexHandler {
  private static final Logger log = LoggerFactory.getLogger(FrontConnection.class);
  /** Pipelined messages held while a response is on its way, before reading stops. */
  private static final int MAX_QUEUED = 16;

  /** The request currently served: receives its body parts and the client's events. */
  interface Active {
    /** A body part of the request (owned by the callee). */
    void requestContent(HttpContent content);

    /** The client connection (or stream) closed before the response ended. */
    void clientGone();

    /** The client connection became writable again, or stopped being so. */
    default void clientWritability(boolean writable) {}
  }

  private final Listener listener;
  private final ListenerConfig config;
  private final boolean h2;
  private final ConnectionGuard guard;
  private ChannelHandlerContext ctx;
  private Channel channel;
  private Active active;
  private boolean requestOpen;
  /** Whether the current request announced a body (Content-Length > 0, chunked, an HTTP/2 stream). */
  private boolean bodyExpected;
  private boolean responseOpen;
  private boolean headWritten;
  private boolean keepAlive = true;
  private boolean closeAfterResponse;
  private boolean stopped;
  private boolean draining;
  private HttpVersion version = HttpVersion.HTTP_1_1;
  private HttpMethod method;
  private ArrayDeque<Object> queued;
  private ProxySnapshot stickySnapshot;
  private Map<String, StickySessions.Table> stickyTables = Map.of();

  /**
   * @param guard nullable: no header/body/keep-alive timeouts (HTTP/2 streams)
   */
  FrontConnection(Listener listener, boolean h2, ConnectionGuard guard) {
    this.listener = listener;
    this.config = listener.config();
    this.h2 = h2;
    this.guard = guard;
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    this.ctx = ctx;
    this.channel = ctx.channel();
  }

  Listener listener() {
    return listener;
  }

  Channel channel() {
    return channel;
  }

  boolean tls() {
    return listener.tls();
  }

  boolean http2() {
    return h2;
  }

  HttpVersion version() {
    return version;
  }

  /** The client's address (for an HTTP/2 stream, that of its connection). */
  InetSocketAddress remoteAddress() {
    Channel c = h2 && channel.parent() != null ? channel.parent() : channel;
    return c.remoteAddress() instanceof InetSocketAddress a ? a : null;
  }

  // ---- inbound

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (stopped) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (queued != null) {
      queue(msg);
      return;
    }
    dispatch(msg);
  }

  private void dispatch(Object msg) {
    if (msg instanceof HttpRequest r) {
      if (responseOpen) {
        queue(msg);
        return;
      }
      onRequest(r);
      return;
    }
    if (msg instanceof HttpContent c) {
      onContent(c);
      return;
    }
    ReferenceCountUtil.release(msg);
  }

  private void queue(Object msg) {
    if (queued == null) {
      queued = new ArrayDeque<>(4);
    }
    queued.add(msg);
    if (queued.size() >= MAX_QUEUED) {
      channel.config().setAutoRead(false);
    }
  }

  /** Serves what was pipelined behind the response that just ended. */
  private void drainQueue() {
    ArrayDeque<Object> q = queued;
    if (q == null) {
      return;
    }
    queued = null;
    Object msg;
    while ((msg = q.poll()) != null) {
      if (stopped) {
        ReferenceCountUtil.release(msg);
      } else if (queued != null) {
        queued.add(msg);
      } else if (responseOpen && msg instanceof HttpRequest) {
        queued = q;
        q.addFirst(msg);
        return;
      } else {
        dispatch(msg);
      }
    }
    if (!stopped && !channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
  }

  private void onContent(HttpContent c) {
    if (!requestOpen) {
      c.release();
      return;
    }
    boolean last = c instanceof LastHttpContent;
    if (c.decoderResult().isFailure()) {
      // A body the decoder cannot parse (a bad chunk size): 400 while no response started.
      c.release();
      badBody();
      return;
    }
    if (last) {
      requestOpen = false;
      if (guard != null) {
        guard.requestComplete();
      }
    }
    Active a = active;
    if (a != null) {
      a.requestContent(c);
    } else {
      c.release();
    }
    if (last && !responseOpen) {
      drainQueue();
    }
  }

  private void badBody() {
    requestOpen = false;
    stopped = true;
    Active a = active;
    active = null;
    if (a != null) {
      a.clientGone();
    }
    if (headWritten || !responseOpen) {
      ctx.close();
      return;
    }
    respondStatus(HttpResponseStatus.BAD_REQUEST, RequestIds.generate(), true);
  }

  private void onRequest(HttpRequest r) {
    requestOpen = !(r instanceof LastHttpContent);
    responseOpen = true;
    headWritten = false;
    closeAfterResponse = false;
    version = r.protocolVersion();
    method = r.method();
    if (r instanceof FullHttpRequest full) {
      // An HTTP/2 request without a body: a plain head, so that it is written to origins as one.
      r = new DefaultHttpRequest(full.protocolVersion(), full.method(), full.uri(), full.headers());
      r.setDecoderResult(full.decoderResult());
      full.release();
    }
    bodyExpected = requestOpen && (h2 || hasBodyHeaders(r.headers()));
    if (guard != null) {
      guard.requestHead(!bodyExpected);
    }
    if (r.decoderResult().isFailure()) {
      Throwable cause = r.decoderResult().cause();
      HttpResponseStatus status =
          cause instanceof TooLongHttpLineException
              ? HttpResponseStatus.REQUEST_URI_TOO_LONG
              : cause instanceof TooLongHttpHeaderException || cause instanceof TooLongFrameException
                  ? HttpResponseStatus.REQUEST_HEADER_FIELDS_TOO_LARGE
                  : HttpResponseStatus.BAD_REQUEST;
      keepAlive = false;
      respondStatus(status, RequestIds.generate(), true);
      return;
    }
    keepAlive = h2 || (HttpUtil.isKeepAlive(r) && !draining);
    route(r);
  }

  /** Checks and routes one request: the request path of the gateway. */
  private void route(HttpRequest req) {
    ProxySnapshot s = listener.snapshot();
    HttpHeaders headers = req.headers();
    String requestId = RequestIds.resolve(headers.get(RequestIds.HEADER));
    if (config.redirectHttps() != null && !listener.tls()) {
      redirectToHttps(req, requestId);
      return;
    }
    String uri = req.uri();
    int q = queryStart(uri);
    String rawPath = pathOf(uri, q);
    String path = rawPath == null ? null : PathNormalizer.normalize(rawPath);
    HostAndPort authority = effectiveAuthority(req);
    if (path == null
        || authority == INVALID
        || authority == null && version != HttpVersion.HTTP_1_0) {
      reject(s, 400, requestId, true);
      return;
    }
    int framing = framingError(req);
    if (framing != 0) {
      reject(s, framing, requestId, true);
      return;
    }
    long contentLength = contentLength(headers);
    if (contentLength == -2) {
      reject(s, 400, requestId, true);
      return;
    }
    if (config.maxRequestBody() > 0 && contentLength > config.maxRequestBody()) {
      reject(s, 413, requestId, false);
      return;
    }
    if (h2) {
      stripHttp2Extensions(headers);
    }
    RequestInfo view = new RequestInfo(req, path, s.forwarded(), authority, remoteAddress());
    Route route = s.router().route(view);
    if (route == null) {
      reject(s, 404, requestId, false);
      return;
    }
    RouteConfig rc = route.config();
    String upstreamPath = stripPrefix(path, rc.stripPrefix());
    String query = q < 0 ? null : uri.substring(q + 1);
    if (rc.redirect() != null) {
      s.metrics().request(null, rc.redirect().status(), 0, 0, 0);
      RouteActions.redirect(this, rc, upstreamPath, query, requestId, unreadBody());
      return;
    }
    if (rc.fixedResponse() != null) {
      s.metrics().request(null, rc.fixedResponse().status(), 0, 0, 0);
      RouteActions.fixed(this, rc, requestId, unreadBody());
      return;
    }
    UpstreamSelector selector = s.selectors().get(route.upstream());
    if (selector == null) {
      reject(s, 503, requestId, false);
      return;
    }
    String upstreamUri = query == null ? upstreamPath : upstreamPath + "?" + query;
    StickySessions.Table sticky = stickyTable(s, route.upstream());
    if (view.websocket() && WebSocketTunnel.isUpgrade(req, h2)) {
      WebSocketTunnel t =
          new WebSocketTunnel(this, s, view, requestId, upstreamUri, selector, rc, sticky);
      active = t;
      t.start();
      return;
    }
    boolean hasBody = bodyExpected;
    Exchange e =
        new Exchange(
            this, s, view, requestId, upstreamUri, upstreamPath, selector, hasBody, rc, sticky);
    active = e;
    e.start();
  }

  private static int queryStart(String uri) {
    return uri.indexOf('?');
  }

  /** The path of a request target (origin-form or absolute-form), or null when it has none. */
  private static String pathOf(String uri, int q) {
    String target = q < 0 ? uri : uri.substring(0, q);
    int hash = target.indexOf('#');
    if (hash >= 0) {
      target = target.substring(0, hash);
    }
    if (target.startsWith("/")) {
      return target;
    }
    int scheme =
        target.regionMatches(true, 0, "http://", 0, 7)
            ? 7
            : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    if (scheme > 0) {
      int slash = target.indexOf('/', scheme);
      return slash < 0 ? "/" : target.substring(slash);
    }
    if (target.equals("*")) {
      return "*";
    }
    return null;
  }

  private static boolean isChunked(HttpHeaders headers) {
    return headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
  }

  /** Whether an HTTP/1.x request's headers announce a body (malformed values count as one). */
  private static boolean hasBodyHeaders(HttpHeaders headers) {
    if (headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return true;
    }
    String cl = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    return cl != null && !cl.trim().equals("0");
  }

  /** Whether the current request's body is still (partly) unread. */
  private boolean unreadBody() {
    return requestOpen && bodyExpected;
  }

  /** Removes what Netty's HTTP/2-to-HTTP/1 conversion adds ({@code x-http2-*}). */
  private static void stripHttp2Extensions(HttpHeaders headers) {
    headers.remove("x-http2-stream-id");
    headers.remove("x-http2-scheme");
    headers.remove("x-http2-path");
    headers.remove("x-http2-stream-promise-id");
    headers.remove("x-http2-stream-dependency-id");
    headers.remove("x-http2-stream-weight");
  }

  /** This connection's sticky table of an upstream in snapshot {@code s}, rebuilt when s changed. */
  private StickySessions.Table stickyTable(ProxySnapshot s, String upstream) {
    if (s != stickySnapshot) {
      Map<String, StickySessions.Table> tables = new HashMap<>();
      byte[] key = null;
      for (Upstream u : s.upstreams().values()) {
        if (u.config().sticky() != null) {
          if (key == null) {
            key = StickySessions.key(s.config().secrets());
          }
          tables.put(u.name(), StickySessions.Table.of(u, key));
        }
      }
      stickyTables = tables;
      stickySnapshot = s;
    }
    return stickyTables.get(upstream);
  }

  /** Marks a request whose authority is ambiguous or invalid. */
  static final HostAndPort INVALID = HostAndPort.create("invalid.", 0);

  /**
   * The effective authority of a request (RFC 9112 section 3.2.2): that of an absolute-form target
   * ({@code GET http://a/ HTTP/1.1}), which wins over Host; else the Host header. Null when there
   * is none (HTTP/1.0 without Host); {@link #INVALID} when Host appears more than once (RFC 9112
   * section 3.2: 400), or either is not a valid {@code host[:port]}.
   */
  static HostAndPort effectiveAuthority(HttpRequest req) {
    HttpHeaders headers = req.headers();
    String uri = req.uri();
    int scheme =
        uri.regionMatches(true, 0, "http://", 0, 7)
            ? 7
            : uri.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
    String host = headers.get(HttpHeaderNames.HOST);
    if (host != null && headers.getAll(HttpHeaderNames.HOST).size() > 1) {
      return INVALID;
    }
    if (scheme > 0) {
      int end = scheme;
      while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
        end++;
      }
      String a = uri.substring(scheme, end);
      HostAndPort parsed =
          a.isEmpty() || a.indexOf('@') >= 0 ? null : HostAndPort.parseAuthority(a, -1);
      return parsed == null ? INVALID : parsed;
    }
    if (host == null) {
      return null;
    }
    HostAndPort parsed = host.indexOf('@') >= 0 ? null : HostAndPort.parseAuthority(host, -1);
    return parsed == null ? INVALID : parsed;
  }

  /**
   * Transfer-Encoding checks (RFC 9112 section 6.1, as nginx): 0 when fine; 400 when the header
   * appears more than once or on an HTTP/1.0 request; 501 when its value is anything but {@code
   * chunked} (a coding the gateway does not implement, or chunked not alone). The request is
   * refused before any origin sees it, and the connection is closed, since the decoder may have
   * framed the body differently from what the client meant.
   */
  static int framingError(HttpRequest req) {
    HttpHeaders headers = req.headers();
    if (!headers.contains(HttpHeaderNames.TRANSFER_ENCODING)) {
      return 0;
    }
    var te = headers.getAll(HttpHeaderNames.TRANSFER_ENCODING);
    if (te.size() > 1 || req.protocolVersion() == HttpVersion.HTTP_1_0) {
      return 400;
    }
    return te.get(0).trim().equalsIgnoreCase("chunked") ? 0 : 501;
  }

  /**
   * The declared body length: 0 when none, -1 when chunked, -2 when invalid (both Content-Length
   * and Transfer-Encoding, several differing Content-Length values, or a non-numeric value).
   */
  static long contentLength(HttpHeaders headers) {
    boolean chunked = headers.contains(HttpHeaderNames.TRANSFER_ENCODING);
    String one = headers.get(HttpHeaderNames.CONTENT_LENGTH);
    if (one == null) {
      return chunked ? -1 : 0;
    }
    if (chunked) {
      return -2;
    }
    long value = -1;
    for (String v : headers.getAll(HttpHeaderNames.CONTENT_LENGTH)) {
      long parsed;
      try {
        parsed = Long.parseLong(v.trim());
      } catch (NumberFormatException e) {
        return -2;
      }
      if (parsed < 0 || (value >= 0 && parsed != value)) {
        return -2;
      }
      value = parsed;
    }
    return value;
  }

  static String stripPrefix(String path, String prefix) {
    if (prefix == null || !path.startsWith(prefix)) {
      return path;
    }
    String rest = path.substring(prefix.length());
    return rest.startsWith("/") ? rest : "/" + rest;
  }

  private void redirectToHttps(HttpRequest req, String requestId) {
    HostAndPort authority = effectiveAuthority(req);
    String host = authority == null || authority == INVALID ? "localhost" : authority.host();
    int port = config.redirectHttps();
    String location = "https://" + host + (port == 443 ? "" : ":" + port) + req.uri();
    HttpHeaders h = new io.netty.handler.codec.http.DefaultHttpHeaders();
    h.set(HttpHeaderNames.LOCATION, location);
    h.set(RequestIds.HEADER, requestId);
    respond(
        HttpResponseStatus.MOVED_PERMANENTLY,
        h,
        io.netty.buffer.Unpooled.EMPTY_BUFFER,
        unreadBody());
  }

  /** Answers an error the gateway decided on before contacting any origin. */
  private void reject(ProxySnapshot s, int status, String requestId, boolean malformed) {
    s.metrics().request(null, status, 0, 0, 0);
    // A malformed request, or an unread body that would be parsed as the next request: close
    // after answering.
    s.errorPages().send(this, status, requestId, malformed || unreadBody());
  }

  private void respondStatus(HttpResponseStatus status, String requestId, boolean close) {
    listener.snapshot().errorPages().send(this, status.code(), requestId, close);
  }

  // ---- outbound: the response of the current request

  /** Whether the response head of the current request was written. */
  boolean headWritten() {
    return headWritten;
  }

  /**
   * Answers the current request with a complete response of the gateway's own.
   *
   * @param close close the connection afterwards (HTTP/1.x): the request was malformed, or its
   *     body was not read
   */
  void respond(HttpResponseStatus status, HttpHeaders headers, ByteBuf body, boolean close) {
    if (close && !h2) {
      closeAfterResponse = true;
      stopped = true;
      requestOpen = false;
    }
    boolean bodyless = method == HttpMethod.HEAD || status.code() == 204 || status.code() == 304;
    int length = body.readableBytes();
    DefaultFullHttpResponse r =
        new DefaultFullHttpResponse(
            HttpVersion.HTTP_1_1,
            status,
            bodyless ? io.netty.buffer.Unpooled.EMPTY_BUFFER : body,
            headers,
            io.netty.handler.codec.http.EmptyHttpHeaders.INSTANCE);
    if (bodyless) {
      body.release();
    }
    if (status.code() != 204 && status.code() != 304) {
      headers.set(HttpHeaderNames.CONTENT_LENGTH, length);
    }
    writeHead(r);
    endResponse(ctx.writeAndFlush(r));
  }

  /**
   * Writes the head of the response (from an origin): HTTP version and connection handling are
   * set here; framing follows the headers (chunked when an HTTP/1.1 client gets a body of unknown
   * length; close-delimited for HTTP/1.0).
   */
  void writeResponseHead(HttpResponse head) {
    HttpHeaders h = head.headers();
    int code = head.status().code();
    boolean bodyless = method == HttpMethod.HEAD || code == 204 || code == 304 || code < 200;
    if (!bodyless && !h.contains(HttpHeaderNames.CONTENT_LENGTH)) {
      if (h2) {
        // HTTP/2 frames the body itself.
      } else if (version == HttpVersion.HTTP_1_0) {
        closeAfterResponse = true;
      } else {
        h.set(HttpHeaderNames.TRANSFER_ENCODING, HttpHeaderValues.CHUNKED);
      }
    }
    writeHead(head);
    ctx.write(head, ctx.voidPromise());
  }

  private void writeHead(HttpResponse head) {
    head.setProtocolVersion(h2 || version != HttpVersion.HTTP_1_0 ? HttpVersion.HTTP_1_1 : version);
    if (!h2) {
      HttpHeaders h = head.headers();
      if (closeAfterResponse || !keepAlive || draining) {
        closeAfterResponse = true;
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.CLOSE);
      } else if (version == HttpVersion.HTTP_1_0) {
        h.set(HttpHeaderNames.CONNECTION, HttpHeaderValues.KEEP_ALIVE);
      }
    }
    headWritten = true;
    if (guard != null && head.status().code() >= 200) {
      guard.responseStarted();
    }
  }

  /** Writes and flushes an interim (1xx) response, such as 100 Continue. */
  void writeInterim(HttpResponse interim) {
    ctx.writeAndFlush(interim, ctx.voidPromise());
  }

  /** Writes a body part of the response (not flushed). */
  void writeContent(HttpContent content) {
    ctx.write(content, ctx.voidPromise());
  }

  /** Writes the end of the response and flushes: the request is done. */
  void writeLast(LastHttpContent last) {
    endResponse(ctx.writeAndFlush(last));
  }

  void flush() {
    ctx.flush();
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** Stops or resumes reading from the client (backpressure from a slow origin). */
  void autoRead(boolean on) {
    if (!stopped) {
      channel.config().setAutoRead(on);
    }
  }

  /**
   * Aborts the response after its head was sent (an origin failed mid-body): HTTP/1.x closes the
   * connection, HTTP/2 resets the stream.
   */
  void reset() {
    stopped = true;
    active = null;
    responseOpen = false;
    ctx.close();
  }

  /** The current request's handler is done with the client side (it ended or the tunnel closed). */
  void detach(Active a) {
    if (active == a) {
      active = null;
    }
  }

  /** Turns this connection into a raw tunnel: the HTTP codec and this handler leave the pipeline. */
  void upgraded() {
    stopped = true;
    active = null;
    if (guard != null) {
      guard.disarm();
    }
  }

  private void endResponse(io.netty.channel.ChannelFuture written) {
    responseOpen = false;
    headWritten = false;
    active = null;
    if (closeAfterResponse) {
      stopped = true;
      written.addListener(ChannelFutureListener.CLOSE);
      return;
    }
    if (guard != null) {
      guard.responseComplete();
    }
    if (!channel.config().isAutoRead() && (queued == null || queued.size() < MAX_QUEUED)) {
      channel.config().setAutoRead(true);
    }
    if (!requestOpen) {
      drainQueue();
    }
  }

  // ---- connection events

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Active a = active;
    if (a != null) {
      a.clientWritability(channel.isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    stopped = true;
    Active a = active;
    active = null;
    if (a != null) {
      a.clientGone();
    }
    ArrayDeque<Object> q = queued;
    queued = null;
    if (q != null) {
      q.forEach(ReferenceCountUtil::release);
    }
    ctx.fireChannelInactive();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {} failed: {}", channel.remoteAddress(), cause.toString());
    ctx.close();
  }

  /**
   * The node drains: an idle connection closes now, a busy one after its response (which says
   * {@code Connection: close}).
   */
  void drain() {
    draining = true;
    keepAlive = h2;
    if (!responseOpen && !unreadBody() && queued == null && !h2) {
      ctx.close();
    }
  }

  /** Whether a request is being served (or waits its turn). */
  boolean busy() {
    return responseOpen || requestOpen || queued != null;
  }

  /** Builds a plain response head (for the tunnel's refusals and the like). */
  static HttpResponse head(HttpResponseStatus status) {
    return new DefaultHttpResponse(HttpVersion.HTTP_1_1, status);
  }
}
