package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.vxgate.config.ListenerConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.http1.Authority;
import io.vxgate.gateway.http1.HeadParser;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.http1.RequestLines;
import io.vxgate.gateway.http1.ResponseHead;
import io.vxgate.gateway.limit.Admission;
import io.vxgate.gateway.limit.RouteLimits;
import io.vxgate.gateway.route.PathNormalizer;
import io.vxgate.gateway.route.Route;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamSelector;
import java.net.InetSocketAddress;
import java.util.HashMap;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The gateway end of one client HTTP/1.x connection ({@link Http1Front}) or one HTTP/2 stream
 * ({@link Http2Front}): the request path shared by both (checks, routing, dispatch to an {@link
 * Exchange} or a {@link WebSocketTunnel}) and the response API they implement.
 *
 * <p>A request is refused before any origin sees it when its head is malformed (400, 414, 431,
 * 505), its authority is missing or ambiguous (400), its framing is ambiguous (400/501), its body
 * too large (413), no route matches (404), or a limit of its route refuses it (429; a limit may
 * also make it wait, docs/architecture.md, "Limits").
 *
 * <p>Reads the node's current {@link ProxySnapshot} with one volatile read per request. Confined to
 * the connection's event loop.
 */
abstract class FrontConnection extends ChannelInboundHandlerAdapter {
  static final Logger log = LoggerFactory.getLogger(FrontConnection.class);

  /** The request currently served: receives its body and the client's events. */
  interface Active {
    /** A part of the request body (owned by the callee). */
    void requestData(ByteBuf data);

    /** The request body ended. */
    void requestEnd();

    /**
     * The client connection (or stream) closed, or timed out, or sent a malformed body, before the
     * response ended.
     *
     * @param status the status the front answers with itself (408, 400), 0 when none
     * @param why how the request ends
     */
    void clientGone(int status, Termination why);

    /** The client connection became writable again, or stopped being so. */
    default void clientWritability(boolean writable) {}
  }

  final Listener listener;
  final ListenerConfig config;

  // Both set in handlerAdded, which Netty calls before any event of the connection.
  @SuppressWarnings("NullAway.Init")
  ChannelHandlerContext ctx;

  @SuppressWarnings("NullAway.Init")
  Channel channel;

  /** The current request's handler (null: none). */
  @Nullable Active active;

  /** Where the response to the current request is. */
  enum Response {
    /** No request waits for a response (none yet; on HTTP/1.x, between requests). */
    NONE,
    /** A request was read; its response head is not written yet. */
    WAITING,
    /** The response head was written; the response has not ended. */
    STREAMING,
    /** The response ended or was aborted (an HTTP/2 stream's one response; a closing HTTP/1.x). */
    SENT
  }

  /**
   * The current request's body is still (partly) to come. A fact of its own, not a phase of {@link
   * #response}: a response may end before its request's body (an early answer, a 413), and a body
   * may still arrive while its response streams.
   */
  boolean requestOpen;

  Response response = Response.NONE;

  /** The method of the current request. */
  String method = "GET";

  /** 10 or 11. */
  int version = 11;

  private @Nullable ProxySnapshot stickySnapshot;
  private Map<String, StickySessions.Table> stickyTables = Map.of();

  /** The client's address (null: unknown), and as text (computed once per connection). */
  private @Nullable InetSocketAddress peer;

  private String peerText = "";
  private boolean peerRead;

  /** The TLS protocol of the connection, for the access log (computed once; null: not yet). */
  private @Nullable String tlsProtocol;

  /** The last Host value seen on this connection and its parsed form (clients repeat it). */
  private @Nullable String lastHost;

  private @Nullable Authority lastAuthority;

  FrontConnection(Listener listener) {
    this.listener = listener;
    this.config = listener.config();
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

  /** Whether this is an HTTP/2 stream. */
  abstract boolean http2();

  /** The client's address (for an HTTP/2 stream, that of its connection); null when unknown. */
  abstract @Nullable InetSocketAddress remoteAddress();

  // ---- the request path

  /**
   * Checks and routes a request whose head was read.
   *
   * @param framingStatus 0, or the status refusing the request's framing (400, 501)
   * @param contentLength the declared body length, -1 when unknown (chunked, HTTP/2)
   * @param startNanos when the request's first byte arrived (the listener's ticker)
   */
  final void onRequest(RequestHead req, int framingStatus, long contentLength, long startNanos) {
    ProxySnapshot s = listener.snapshot();
    HeaderFields fields = req.fields();
    String requestId = RequestIds.resolve(fields.get(RequestIds.HEADER));
    AccessRecord r = record(startNanos);
    boolean logged = listener.accessLog().enabled();
    r.head(
        listener.ticker().nanoTime(),
        req.method(),
        req.target(),
        http2() ? 20 : req.version(),
        logged ? fields.get("Host") : null,
        logged ? fields.get("User-Agent") : null,
        logged ? fields.get("Referer") : null,
        requestId);
    s.traces().begin(fields, r);
    if (framingStatus != 0) {
      reject(s, r, framingStatus, Termination.ofRefusal(framingStatus), true);
      return;
    }
    Integer httpsPort = config.redirectHttps();
    if (httpsPort != null && !listener.tls()) {
      redirectToHttps(s, req, r, httpsPort);
      return;
    }
    String uri = req.target();
    int q = uri.indexOf('?');
    String rawPath = http2() && !http2RequestLine(req) ? null : pathOf(uri, q);
    String path = rawPath == null ? null : PathNormalizer.normalize(rawPath);
    Authority authority = authority(req);
    if (path == null || invalid(authority) || (authority == null && req.version() != 10)) {
      reject(s, r, 400, Termination.REFUSED_BAD_REQUEST, true);
      return;
    }
    if (config.maxRequestBody() > 0 && contentLength > config.maxRequestBody()) {
      reject(s, r, 413, Termination.REFUSED_TOO_LARGE, false);
      return;
    }
    RequestInfo view = new RequestInfo(req, path, s.forwarded(), authority, peer, peerText);
    if (logged) {
      r.client(view.clientIp());
    }
    Route route = s.router().route(view);
    if (route == null) {
      reject(s, r, 404, Termination.NO_ROUTE, false);
      return;
    }
    RouteConfig rc = route.config();
    String upstreamPath = stripPrefix(path, rc.stripPrefix());
    String query = q < 0 ? null : uri.substring(q + 1);
    if (!(rc.action() instanceof RouteConfig.Forward forward)) {
      r.routed(rc.name(), null);
      RouteActions.answer(this, s, rc, upstreamPath, query, r, requestOpen);
      return;
    }
    r.routed(rc.name(), forward.upstream());
    UpstreamSelector selector = s.selectors().get(forward.upstream());
    if (selector == null) {
      reject(s, r, 503, Termination.NO_SERVER, false);
      return;
    }
    Admission admission = Admission.GO;
    RouteLimits limits = rc.limits().isEmpty() ? null : s.limits(rc);
    if (limits != null) {
      admission = limits.admit(view, listener.ticker().nanoTime() / 1_000_000);
      if (admission.refused()) {
        LimitAnswers.refuse(this, s, r, admission);
        return;
      }
    }
    String upstreamUri = query == null ? upstreamPath : upstreamPath + "?" + query;
    StickySessions.Table sticky = stickyTable(s, forward.upstream());
    if (view.websocket() && !http2() && !requestOpen && WebSocketTunnel.isUpgrade(req)) {
      WebSocketTunnel t =
          new WebSocketTunnel(this, s, view, r, upstreamUri, selector, rc, sticky, admission);
      dispatch(t, t::start, s, admission);
      return;
    }
    Exchange e =
        new Exchange(
            this,
            s,
            view,
            r,
            upstreamUri,
            upstreamPath,
            selector,
            requestOpen,
            requestOpen ? contentLength : 0,
            rc,
            sticky,
            admission);
    dispatch(e, e::start, s, admission);
  }

  /** Starts the request's handler now, or after the delay its limits set (on this event loop). */
  private void dispatch(Active handler, Runnable start, ProxySnapshot s, Admission admission) {
    if (admission.delayMs() == 0) {
      active = handler;
      start.run();
      return;
    }
    LimitAnswers.delayed(s, admission);
    active = new DelayedStart(this, handler, start, admission.delayMs());
  }

  /**
   * Whether an HTTP/2 request's {@code :method} and {@code :path} make a valid HTTP/1.1 request
   * line, by the rule {@link HeadParser} applies to HTTP/1 ({@link RequestLines}), with {@code
   * :path} in origin-form (RFC 9113 section 8.3.1).
   */
  private static boolean http2RequestLine(RequestHead req) {
    String target = req.target();
    return RequestLines.validMethod(req.method())
        && RequestLines.validTarget(target)
        && target.charAt(0) == '/';
  }

  /**
   * A new record of a request of this connection whose first byte arrived at {@code startNanos}.
   */
  final AccessRecord record(long startNanos) {
    if (!peerRead) {
      peerRead = true;
      peer = remoteAddress();
      peerText = peer == null ? "" : peer.getAddress().getHostAddress();
    }
    if (tlsProtocol == null && listener.tls() && listener.accessLog().enabled()) {
      tlsProtocol = tlsProtocol();
    }
    return new AccessRecord(
        System.currentTimeMillis(), startNanos, config.name(), peer, tlsProtocol);
  }

  /** The TLS protocol the connection negotiated ({@code TLSv1.3}), or null. */
  private @Nullable String tlsProtocol() {
    Channel c = channel.parent() != null ? channel.parent() : channel;
    io.netty.handler.ssl.SslHandler ssl = c.pipeline().get(io.netty.handler.ssl.SslHandler.class);
    return ssl == null ? null : ssl.engine().getSession().getProtocol();
  }

  /** The request of {@code r} ended: it is counted in the metrics and handed to the access log. */
  final void ended(ProxySnapshot s, AccessRecord r) {
    s.metrics().request(r.upstream(), r.status(), r.durationNanos(), r.bytesIn(), r.bytesOut());
    listener.accessLog().submit(r);
  }

  /** Ends {@code r} now with {@code status}, {@code bytesOut} written, and reports it. */
  final void ended(ProxySnapshot s, AccessRecord r, int status, Termination t, long bytesOut) {
    r.end(status, t, 0, bytesOut, listener.ticker().nanoTime());
    ended(s, r);
  }

  /** The path of a request target (origin-form or absolute-form), or null when it has none. */
  static @Nullable String pathOf(String uri, int q) {
    String target = q < 0 ? uri : uri.substring(0, q);
    int hash = target.indexOf('#');
    if (hash >= 0) {
      target = target.substring(0, hash);
    }
    if (target.startsWith("/")) {
      return target;
    }
    int scheme = schemeLength(target);
    if (scheme > 0) {
      int slash = target.indexOf('/', scheme);
      return slash < 0 ? "/" : target.substring(slash);
    }
    return null;
  }

  private static int schemeLength(String target) {
    return target.regionMatches(true, 0, "http://", 0, 7)
        ? 7
        : target.regionMatches(true, 0, "https://", 0, 8) ? 8 : -1;
  }

  /**
   * This connection's sticky table of an upstream in snapshot {@code s}, rebuilt when s changed.
   */
  // the tables are kept per snapshot instance: comparing snapshots by value would cost a walk of
  // the whole config on every request
  @SuppressWarnings("ReferenceEquality")
  private StickySessions.@Nullable Table stickyTable(ProxySnapshot s, String upstream) {
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

  /** {@link #effectiveAuthority}, remembering the last Host value of this connection. */
  private @Nullable Authority authority(RequestHead req) {
    String host = req.fields().get("Host");
    if (host != null
        && host.equals(lastHost)
        && schemeLength(req.target()) < 0
        && req.fields().count("Host") == 1) {
      return lastAuthority;
    }
    Authority a = effectiveAuthority(req);
    if (host != null && !invalid(a) && schemeLength(req.target()) < 0) {
      lastHost = host;
      lastAuthority = a;
    }
    return a;
  }

  /** Marks a request whose authority is ambiguous or invalid. */
  static final Authority INVALID = new Authority("invalid", 0);

  /** Whether {@code a} is the {@link #INVALID} mark (not a host that happens to equal it). */
  @SuppressWarnings("ReferenceEquality") // the mark is one instance
  private static boolean invalid(@Nullable Authority a) {
    return a == INVALID;
  }

  /**
   * The effective authority of a request (RFC 9112 section 3.2.2): that of an absolute-form target
   * ({@code GET http://a/ HTTP/1.1}), which wins over Host; else the Host header. Null when there
   * is none (HTTP/1.0 without Host); {@link #INVALID} when Host appears more than once (RFC 9112
   * section 3.2: 400), or either is not a valid {@code host[:port]}. Normalised ({@link
   * Authority#parse}): routing and the origin see the same host.
   */
  static @Nullable Authority effectiveAuthority(RequestHead req) {
    HeaderFields fields = req.fields();
    String uri = req.target();
    String host = fields.get("Host");
    if (host != null && fields.count("Host") > 1) {
      return INVALID;
    }
    int scheme = schemeLength(uri);
    if (scheme > 0) {
      int end = scheme;
      while (end < uri.length() && "/?#".indexOf(uri.charAt(end)) < 0) {
        end++;
      }
      String a = uri.substring(scheme, end);
      Authority parsed = Authority.parse(a);
      return parsed == null ? INVALID : parsed;
    }
    if (host == null) {
      return null;
    }
    Authority parsed = Authority.parse(host);
    return parsed == null ? INVALID : parsed;
  }

  static String stripPrefix(String path, @Nullable String prefix) {
    if (prefix == null || !path.startsWith(prefix)) {
      return path;
    }
    String rest = path.substring(prefix.length());
    return rest.startsWith("/") ? rest : "/" + rest;
  }

  private void redirectToHttps(ProxySnapshot s, RequestHead req, AccessRecord r, int port) {
    Authority authority = effectiveAuthority(req);
    String host = authority == null || invalid(authority) ? "localhost" : authority.host();
    String location = "https://" + host + (port == 443 ? "" : ":" + port) + req.target();
    HeaderFields h = new HeaderFields(4);
    h.add("Location", location);
    h.add(RequestIds.NAME, r.requestId());
    respond(301, h, Unpooled.EMPTY_BUFFER, requestOpen);
    ended(s, r, 301, Termination.REDIRECT, 0);
  }

  /** Answers an error the gateway decided on before contacting any origin. */
  final void reject(
      ProxySnapshot s, AccessRecord r, int status, Termination why, boolean malformed) {
    reject(s, r, status, why, malformed, null);
  }

  /**
   * {@link #reject(ProxySnapshot, AccessRecord, int, Termination, boolean)} with more header fields
   * (null: none).
   */
  final void reject(
      ProxySnapshot s,
      AccessRecord r,
      int status,
      Termination why,
      boolean malformed,
      @Nullable HeaderFields extra) {
    // A malformed request, or an unread body that would be parsed as the next request: close
    // after answering.
    int sent = s.errorPages().send(this, status, r, malformed || requestOpen, extra);
    ended(s, r, status, why, sent);
  }

  // ---- the response of the current request

  /** Whether the response head of the current request was written. */
  final boolean headWritten() {
    return response == Response.STREAMING || response == Response.SENT;
  }

  /** Whether the current request has a response on its way (not yet ended). */
  final boolean responseOpen() {
    return response == Response.WAITING || response == Response.STREAMING;
  }

  /** Whether the response to the current request must not have a body (HEAD, 1xx, 204, 304). */
  final boolean bodyless(int status) {
    return status < 200 || status == 204 || status == 304 || method.equals("HEAD");
  }

  /**
   * Answers the current request with a complete response of the gateway's own.
   *
   * @param close close the connection afterwards (HTTP/1.x): the request was malformed, or its body
   *     was not read
   */
  abstract void respond(int status, HeaderFields fields, ByteBuf body, boolean close);

  /**
   * Writes the head of the response (from an origin): HTTP version, framing and connection handling
   * are set here.
   */
  abstract void writeResponseHead(ResponseHead head);

  /** Writes a part of the response body (not flushed); takes ownership of {@code data}. */
  abstract void writeBody(ByteBuf data);

  /** Ends the response and flushes: the request is done. */
  abstract void writeEnd();

  /** Writes and flushes {@code 100 Continue} (HTTP/1.1 clients that expect it). */
  abstract void writeContinue();

  void flush() {
    ctx.flush();
  }

  boolean isWritable() {
    return channel.isWritable();
  }

  /** Stops or resumes reading from the client (backpressure from a slow origin). */
  abstract void autoRead(boolean on);

  /**
   * Aborts the response after its head was sent (an origin failed mid-body): HTTP/1.x closes the
   * connection, HTTP/2 resets the stream.
   */
  abstract void reset();

  /** The current request's handler is done with the client side. */
  final void detach(Active a) {
    if (active == a) {
      active = null;
    }
  }

  /** Turns the connection into a raw tunnel (HTTP/1.1 upgrade): bytes go to the active handler. */
  void upgraded() {
    throw new UnsupportedOperationException("no upgrade on HTTP/2");
  }

  /** Writes raw bytes (a tunnel) without flushing. */
  void writeRaw(ByteBuf data) {
    throw new UnsupportedOperationException("no raw bytes on HTTP/2");
  }

  /**
   * The node drains: an idle connection closes now, a busy one after its response (which says
   * {@code Connection: close}).
   */
  abstract void drain();

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    Active a = active;
    if (a != null) {
      a.clientWritability(channel.isWritable());
    }
    ctx.fireChannelWritabilityChanged();
  }

  @Override
  public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
    log.debug("client connection {} failed: {}", channel.remoteAddress(), cause.toString());
    ctx.close();
  }

  /**
   * Tells the active handler the client left (or timed out, or sent a malformed body).
   *
   * @param status the status the front answers with itself, 0 when none
   */
  final void clientGone(int status, Termination why) {
    Active a = active;
    active = null;
    if (a != null) {
      a.clientGone(status, why);
    }
  }
}
