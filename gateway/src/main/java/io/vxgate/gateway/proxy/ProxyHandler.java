package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.net.HostAndPort;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.ListenerConfig;
import io.vxgate.gateway.route.PathNormalizer;
import io.vxgate.gateway.route.Route;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamSelector;
import io.vxgate.util.Ticker;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;

/**
 * The request entry point of one listener on one event loop. Reads the node's current
 * {@link ProxySnapshot} with one volatile read per request, routes, and hands the request to an
 * {@link Exchange}. Confined to its event loop.
 */
public final class ProxyHandler implements Handler<HttpServerRequest> {
  private final Vertx vertx;
  private final ListenerConfig listener;
  private final boolean tls;
  private final Supplier<ProxySnapshot> snapshots;
  private final Ticker ticker;
  private ProxySnapshot stickySnapshot;
  private Map<String, StickySessions.Table> stickyTables = Map.of();
  private final Map<String, TunnelClient> tunnelClients = new HashMap<>();

  private record TunnelClient(UpstreamClients.Key key, HttpClient client) {}

  public ProxyHandler(
      Vertx vertx, ListenerConfig listener, Supplier<ProxySnapshot> snapshots, Ticker ticker) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.listener = requireNonNull(listener, "listener");
    this.tls = listener.tls() != null;
    this.snapshots = requireNonNull(snapshots, "snapshots");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  @Override
  public void handle(HttpServerRequest req) {
    ProxySnapshot s = snapshots.get();
    String requestId = RequestIds.resolve(req.getHeader(RequestIds.HEADER));
    if (listener.redirectHttps() != null && !tls) {
      redirectToHttps(req, requestId);
      return;
    }
    String rawPath = req.path();
    String path = PathNormalizer.normalize(rawPath);
    HostAndPort authority = effectiveAuthority(req);
    if (path == null
        || authority == INVALID
        || authority == null && req.version() != HttpVersion.HTTP_1_0) {
      reject(req, s, 400, requestId);
      return;
    }
    int framing = framingError(req);
    if (framing != 0) {
      reject(req, s, framing, requestId);
      return;
    }
    long contentLength = contentLength(req);
    if (contentLength == -2) {
      reject(req, s, 400, requestId);
      return;
    }
    if (listener.maxRequestBody() > 0 && contentLength > listener.maxRequestBody()) {
      reject(req, s, 413, requestId);
      return;
    }
    VertxRequestView view = new VertxRequestView(req, path, s.forwarded(), authority);
    Route route = s.router().route(view);
    if (route == null) {
      reject(req, s, 404, requestId);
      return;
    }
    RouteConfig rc = route.config();
    String upstreamPath = stripPrefix(path, rc.stripPrefix());
    if (rc.redirect() != null) {
      RouteActions.redirect(req, rc, upstreamPath, requestId, closeAfter(req, false));
      s.metrics().request(null, req.response().getStatusCode(), 0, 0, 0);
      return;
    }
    if (rc.fixedResponse() != null) {
      RouteActions.fixed(req, rc, requestId, closeAfter(req, false));
      s.metrics().request(null, req.response().getStatusCode(), 0, 0, 0);
      return;
    }
    UpstreamSelector selector = s.selectors().get(route.upstream());
    if (selector == null) {
      reject(req, s, 503, requestId);
      return;
    }
    String query = req.query();
    String uri = query == null ? upstreamPath : upstreamPath + "?" + query;
    StickySessions.Table sticky = stickyTable(s, route.upstream());
    if (view.websocket() && WebSocketTunnel.isUpgrade(req)) {
      new WebSocketTunnel(this, s, req, requestId, uri, selector, view, rc, sticky).start();
      return;
    }
    boolean hasBody = contentLength > 0 || req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    if (!hasBody && contentLength == 0 && req.version() == HttpVersion.HTTP_2) {
      // HTTP/2 frames a body without Content-Length: a stream still open may carry one.
      hasBody = !req.isEnded() && mayHaveBody(req.method());
    }
    new Exchange(this, s, req, requestId, uri, upstreamPath, selector, view, hasBody, rc, sticky)
        .start();
  }

  private static boolean mayHaveBody(HttpMethod m) {
    return m != HttpMethod.GET
        && m != HttpMethod.HEAD
        && m != HttpMethod.OPTIONS
        && m != HttpMethod.DELETE
        && m != HttpMethod.TRACE;
  }

  /**
   * The connection to close once an early answer is written, or null: an HTTP/1.x connection whose
   * request body was not read (Vert.x would wait for it) or whose request was malformed. An HTTP/2
   * connection is never closed for one stream.
   */
  static io.vertx.core.http.HttpConnection closeAfter(HttpServerRequest req, boolean malformed) {
    if (req.version() == HttpVersion.HTTP_2) {
      return null;
    }
    return malformed || !req.isEnded() ? req.connection() : null;
  }

  /** This loop's sticky table of an upstream in snapshot {@code s}, rebuilt when s changed. */
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

  Vertx vertx() {
    return vertx;
  }

  /**
   * This loop's client for WebSocket handshakes to an upstream. Apart from the request pool: an
   * upgraded connection keeps its slot in a Vert.x pool while it lives, so tunnels get a pool of
   * their own, without a practical size limit (each slot is one open
   * socket anyway). Rebuilt when the upstream's client settings change; the old one lets its
   * tunnels run for up to {@code timeouts.idle}.
   */
  HttpClient tunnelClient(UpstreamConfig u) {
    UpstreamClients.Key key = UpstreamClients.key(u);
    TunnelClient t = tunnelClients.get(u.name());
    if (t != null && t.key().equals(key)) {
      return t.client();
    }
    if (t != null) {
      t.client().shutdown(u.timeouts().idle());
    }
    HttpClient client =
        vertx
            .httpClientBuilder()
            .with(UpstreamClients.options(u).setMetricsName("tunnel:" + u.name()))
            .with(new PoolOptions().setHttp1MaxSize(1 << 20).setMaxWaitQueueSize(1 << 16))
            .build();
    tunnelClients.put(u.name(), new TunnelClient(key, client));
    return client;
  }

  /** Closes this loop's tunnel clients (and their tunnels). */
  Future<Void> close() {
    List<Future<Void>> closing = new ArrayList<>();
    tunnelClients.values().forEach(t -> closing.add(t.client().close()));
    tunnelClients.clear();
    return Future.join(closing).mapEmpty();
  }

  ListenerConfig listener() {
    return listener;
  }

  boolean tls() {
    return tls;
  }

  Ticker ticker() {
    return ticker;
  }

  /** Marks a request whose authority is ambiguous or invalid. */
  static final HostAndPort INVALID = HostAndPort.create("invalid.", 0);

  /**
   * The effective authority of a request (RFC 9112 section 3.2.2): that of an absolute-form target
   * ({@code GET http://a/ HTTP/1.1}), which wins over Host; else the Host header. Null when there
   * is none (HTTP/1.0 without Host); {@link #INVALID} when Host appears more than once (RFC 9112
   * section 3.2: 400), or either is not a valid {@code host[:port]}.
   */
  static HostAndPort effectiveAuthority(HttpServerRequest req) {
    var hosts = req.headers().getAll(HttpHeaders.HOST);
    if (hosts.size() > 1) {
      return INVALID;
    }
    String uri = req.uri();
    int scheme = uri.startsWith("http://") ? 7 : uri.startsWith("https://") ? 8 : -1;
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
    if (hosts.isEmpty()) {
      // HTTP/2: the :authority pseudo-header; HTTP/1.x without Host: null.
      return req.authority();
    }
    HostAndPort parsed = req.authority();
    return parsed == null || hosts.get(0).indexOf('@') >= 0 ? INVALID : parsed;
  }

  /**
   * Transfer-Encoding checks (RFC 9112 section 6.1, as nginx): 0 when fine; 400 when the header
   * appears more than once or on an HTTP/1.0 request; 501 when its value is anything but {@code
   * chunked} (a coding the gateway does not implement, or chunked not alone). The request is
   * refused before any origin sees it, and the connection is closed, since the decoder may have
   * framed the body differently from what the client meant.
   */
  static int framingError(HttpServerRequest req) {
    var te = req.headers().getAll(HttpHeaders.TRANSFER_ENCODING);
    if (te.isEmpty()) {
      return 0;
    }
    if (te.size() > 1 || req.version() == HttpVersion.HTTP_1_0) {
      return 400;
    }
    return te.get(0).trim().equalsIgnoreCase("chunked") ? 0 : 501;
  }

  /**
   * The declared body length: 0 when none, -1 when chunked, -2 when invalid (both Content-Length
   * and Transfer-Encoding, several differing Content-Length values, or a non-numeric value).
   */
  static long contentLength(HttpServerRequest req) {
    var all = req.headers().getAll(HttpHeaders.CONTENT_LENGTH);
    boolean chunked = req.headers().contains(HttpHeaders.TRANSFER_ENCODING);
    if (all.isEmpty()) {
      return chunked ? -1 : 0;
    }
    if (chunked) {
      return -2;
    }
    long value = -1;
    for (String v : all) {
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

  private void redirectToHttps(HttpServerRequest req, String requestId) {
    var authority = req.authority();
    String host = authority == null ? "localhost" : authority.host();
    int port = listener.redirectHttps();
    String location =
        "https://" + host + (port == 443 ? "" : ":" + port) + req.uri();
    req.response()
        .setStatusCode(301)
        .putHeader(HttpHeaders.LOCATION, location)
        .putHeader(RequestIds.HEADER, requestId)
        .putHeader(HttpHeaders.CONTENT_LENGTH, "0")
        .end();
  }

  /** Answers an error the gateway decided on before contacting any origin. */
  private static void reject(HttpServerRequest req, ProxySnapshot s, int status, String requestId) {
    // A malformed request, or an unread body that would be parsed as the next request: close
    // after answering.
    s.metrics().request(null, status, 0, 0, 0);
    s.errorPages()
        .send(req.response(), status, requestId, closeAfter(req, status == 400 || status == 501));
  }
}
