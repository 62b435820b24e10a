package io.vxgate.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetSocket;
import io.vertx.core.streams.ReadStream;
import io.vertx.core.streams.WriteStream;
import io.vxgate.config.RetryOn;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.UpstreamSelector;
import java.util.Locale;
import java.util.concurrent.TimeoutException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One proxied WebSocket: the upgrade is first done with the origin (the client's handshake headers,
 * minus hop-by-hop ones, so extensions and subprotocols are negotiated end to end); a refusal (any
 * status but 101) goes back to the client as it is; on 101 the client connection is upgraded too
 * and raw bytes are tunnelled both ways, so frames and close codes pass unchanged.
 *
 * <p>The tunnel keeps no buffer of its own: each direction writes into the other socket's Vert.x
 * queue and pauses its source while that queue is full (resumed on drain). It closes both sides
 * when either closes, fails, or when no byte went either way for {@code timeouts.idle}. The server
 * counts as in flight for the socket's whole life. Runs on the client connection's event loop.
 */
final class WebSocketTunnel {
  private static final Logger log = LoggerFactory.getLogger(WebSocketTunnel.class);
  private static final int STATE_HANDSHAKE = 0;
  private static final int STATE_OPEN = 1;
  private static final int STATE_DONE = 2;

  private final ProxyHandler handler;
  private final ProxySnapshot snapshot;
  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final String requestId;
  private final String uri;
  private final UpstreamSelector selector;
  private final UpstreamConfig upstream;
  private final VertxRequestView view;
  private final RouteConfig route;
  private final StickySessions.Table sticky;

  private final Attempts attempts;
  private int state = STATE_HANDSHAKE;
  private UpstreamFailure lastFailure;
  private ServerState server;
  private HttpClientRequest creq;
  private long timer = -1;
  private NetSocket client;
  private NetSocket origin;
  private long lastActivityNanos;

  WebSocketTunnel(
      ProxyHandler handler,
      ProxySnapshot snapshot,
      HttpServerRequest req,
      String requestId,
      String uri,
      UpstreamSelector selector,
      VertxRequestView view,
      RouteConfig route,
      StickySessions.Table sticky) {
    this.handler = handler;
    this.snapshot = snapshot;
    this.req = req;
    this.resp = req.response();
    this.requestId = requestId;
    this.uri = uri;
    this.selector = selector;
    this.upstream = selector.upstream().config();
    this.view = view;
    this.route = route;
    this.sticky = sticky;
    this.attempts = new Attempts(selector, req, view, view.path(), sticky, handler.ticker());
  }

  /** Whether {@code req} is an HTTP/1.1 upgrade request (the gateway tunnels no other kind). */
  static boolean isUpgrade(HttpServerRequest req) {
    if (req.version() != HttpVersion.HTTP_1_1 || req.method() != HttpMethod.GET) {
      return false;
    }
    String connection = req.getHeader(HttpHeaders.CONNECTION);
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
    resp.closeHandler(v -> clientGoneDuringHandshake());
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
    RequestOptions options =
        new RequestOptions()
            .setServer(s.socketAddress())
            .setMethod(HttpMethod.GET)
            .setURI(uri)
            .setConnectTimeout(upstream.timeouts().connect().toMillis());
    if (s.config().tls()) {
      options.setSsl(true);
    }
    ServerState attemptServer = s;
    handler
        .tunnelClient(upstream)
        .request(options)
        .onComplete(
            ar -> {
              if (server != attemptServer || state != STATE_HANDSHAKE) {
                if (ar.succeeded()) {
                  ar.result().reset();
                }
                return;
              }
              if (ar.failed()) {
                onFailure(UpstreamFailure.ofConnect(ar.cause()), ar.cause());
              } else {
                handshake(ar.result());
              }
            });
  }

  private void handshake(HttpClientRequest r) {
    creq = r;
    r.exceptionHandler(t -> {});
    MultiMap out = r.headers();
    out.setAll(req.headers());
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    HopByHop.strip(out);
    Exchange.setForwardedHeaders(out, snapshot, req, view, handler.tls(), requestId);
    RouteActions.apply(route.requestHeaders(), out);
    Exchange.setAuthority(r, out, view.authority());
    out.set(HttpHeaders.CONNECTION, HttpHeaders.UPGRADE);
    out.set(HttpHeaders.UPGRADE, upgrade);
    long ms = upstream.timeouts().response().toMillis();
    timer =
        handler
            .vertx()
            .setTimer(
                ms,
                id -> {
                  timer = -1;
                  if (creq == r && state == STATE_HANDSHAKE) {
                    r.reset(0, new TimeoutException("no handshake response within " + ms + " ms"));
                  }
                });
    r.connect()
        .onComplete(
            ar -> {
              cancelTimer();
              if (creq != r || state != STATE_HANDSHAKE) {
                if (ar.succeeded() && ar.result().statusCode() == 101) {
                  ar.result().netSocket().close();
                }
                return;
              }
              if (ar.failed()) {
                onFailure(UpstreamFailure.ofExchange(ar.cause()), ar.cause());
              } else if (ar.result().statusCode() == 101) {
                upgrade(ar.result());
              } else {
                refused(ar.result());
              }
            });
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
    if (creq != null) {
      creq.reset();
      creq = null;
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
    snapshot.errorPages().send(resp, failure.status(), requestId, null);
  }

  /** The origin refused the upgrade: its answer goes back to the client as it is. */
  private void refused(HttpClientResponse r) {
    if (r.statusCode() < 500) {
      server.passive().recordSuccess();
    }
    state = STATE_DONE;
    resp.setStatusCode(r.statusCode());
    MultiMap h = resp.headers();
    h.setAll(r.headers());
    HopByHop.strip(h);
    if (!h.contains(RequestIds.HEADER)) {
      h.set(RequestIds.HEADER, requestId);
    }
    RouteActions.apply(route.responseHeaders(), h);
    boolean bodyless = r.statusCode() == 204 || r.statusCode() == 304 || r.statusCode() < 200;
    if (!bodyless && !h.contains(HttpHeaders.CONTENT_LENGTH)) {
      resp.setChunked(true);
    }
    HttpClientRequest request = creq;
    r.pipeTo(resp)
        .onComplete(
            ar -> {
              endAttempt();
              // The handshake request was never ended: close its connection rather than pool it.
              request.connection().close();
            });
  }

  private void upgrade(HttpClientResponse r) {
    server.passive().recordSuccess();
    NetSocket o = r.netSocket();
    o.pause();
    resp.setStatusCode(101);
    MultiMap h = resp.headers();
    h.setAll(r.headers());
    if (sticky != null && server != attempts.cookieServer()) {
      String cookie = sticky.setCookie(server, handler.tls());
      if (cookie != null) {
        h.add(HttpHeaders.SET_COOKIE, cookie);
      }
    }
    RouteActions.apply(route.responseHeaders(), h);
    state = STATE_OPEN;
    origin = o;
    o.closeHandler(v -> close());
    o.exceptionHandler(t -> close());
    req.toNetSocket()
        .onComplete(
            ar -> {
              if (ar.failed()) {
                log.debug("websocket {}: client upgrade failed: {}", requestId, ar.cause().toString());
                close();
                return;
              }
              if (state != STATE_OPEN) {
                ar.result().close();
                return;
              }
              tunnel(ar.result(), o);
            });
  }

  // ---- tunnel

  private void tunnel(NetSocket c, NetSocket o) {
    client = c;
    lastActivityNanos = handler.ticker().nanoTime();
    copy(c, o);
    copy(o, c);
    c.closeHandler(v -> close());
    c.exceptionHandler(t -> close());
    o.resume();
    scheduleIdleCheck(upstream.timeouts().idle().toMillis());
  }

  /** Copies {@code from} into {@code to}, pausing {@code from} while {@code to}'s queue is full. */
  private void copy(ReadStream<Buffer> from, WriteStream<Buffer> to) {
    from.handler(
        buf -> {
          lastActivityNanos = handler.ticker().nanoTime();
          to.write(buf);
          if (to.writeQueueFull()) {
            from.pause();
            to.drainHandler(v -> from.resume());
          }
        });
  }

  private void scheduleIdleCheck(long ms) {
    timer = handler.vertx().setTimer(Math.max(1, ms), id -> idleCheck());
  }

  private void idleCheck() {
    timer = -1;
    if (state != STATE_OPEN) {
      return;
    }
    long idleMs = upstream.timeouts().idle().toMillis();
    long quietMs = (handler.ticker().nanoTime() - lastActivityNanos) / 1_000_000;
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
    cancelTimer();
    if (client != null) {
      client.end();
    } else {
      resp.reset();
    }
    if (origin != null) {
      origin.end();
    }
    endAttempt();
  }

  private void clientGoneDuringHandshake() {
    if (state != STATE_HANDSHAKE) {
      return;
    }
    state = STATE_DONE;
    cancelTimer();
    endAttempt();
    if (creq != null) {
      creq.reset();
    }
  }

  private void cancelTimer() {
    if (timer >= 0) {
      handler.vertx().cancelTimer(timer);
      timer = -1;
    }
  }

  private void endAttempt() {
    if (server != null) {
      server.requestEnded();
      server = null;
    }
  }
}
