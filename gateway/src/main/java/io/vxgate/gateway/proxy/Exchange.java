package io.vxgate.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.HostAndPort;
import io.vxgate.config.RetryOn;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.UpstreamSelector;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the gateway: picks a server, sends, retries on the next
 * server when allowed, streams the response back. Runs on the event loop of the client connection.
 *
 * <p>Retry rules (SPEC section 2): at most {@code retries} further attempts, each to a server not
 * yet tried when one is available; only for failures listed in {@code retry-on}; a failure that
 * may have reached the origin is retried only for idempotent methods without a body; nothing is
 * retried once response bytes were sent to the client.
 */
final class Exchange {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);
  private static final int STATE_NEW = 0;
  private static final int STATE_STREAMING = 1;
  private static final int STATE_DONE = 2;

  private final ProxyHandler handler;
  private final ProxySnapshot snapshot;
  private final HttpServerRequest req;
  private final HttpServerResponse resp;
  private final String requestId;
  private final String uri;
  private final String hashPath;
  private final UpstreamSelector selector;
  private final UpstreamConfig upstream;
  private final VertxRequestView view;
  private final boolean hasBody;
  private final RouteConfig route;
  private final StickySessions.Table sticky;
  private final Attempts attempts;
  private boolean bodyStarted;
  private long bodyBytes;
  private int state = STATE_NEW;
  private long arrivalNanos;
  private long attemptStartNanos;
  private long responseBytes;
  private UpstreamFailure lastFailure;
  private ServerState server;
  private HttpClientRequest creq;

  Exchange(
      ProxyHandler handler,
      ProxySnapshot snapshot,
      HttpServerRequest req,
      String requestId,
      String uri,
      String hashPath,
      UpstreamSelector selector,
      VertxRequestView view,
      boolean hasBody,
      RouteConfig route,
      StickySessions.Table sticky) {
    this.handler = handler;
    this.snapshot = snapshot;
    this.req = req;
    this.resp = req.response();
    this.requestId = requestId;
    this.uri = uri;
    this.hashPath = hashPath;
    this.selector = selector;
    this.upstream = selector.upstream().config();
    this.view = view;
    this.hasBody = hasBody;
    this.route = route;
    this.sticky = sticky;
    this.attempts = new Attempts(selector, req, view, hashPath, sticky, handler.ticker());
  }

  void start() {
    arrivalNanos = handler.ticker().nanoTime();
    if (hasBody) {
      req.pause();
    }
    resp.closeHandler(v -> clientGone());
    attempt();
  }

  // ---- attempts

  private void attempt() {
    ServerState s = attempts.next();
    if (s == null) {
      finishWithError(lastFailure != null ? lastFailure : UpstreamFailure.NO_SERVER);
      return;
    }
    server = s;
    s.requestStarted();
    attemptStartNanos = handler.ticker().nanoTime();
    var timeouts = upstream.timeouts();
    RequestOptions options =
        new RequestOptions()
            .setServer(s.socketAddress())
            .setMethod(req.method())
            .setURI(uri)
            .setConnectTimeout(timeouts.connect().toMillis());
    if (!hasBody) {
      // Time to the response head; Vert.x's request idle timer is lazy and counts received data.
      options.setIdleTimeout(responseTimeoutMs());
    }
    if (s.config().tls()) {
      options.setSsl(true);
    }
    ServerState attemptServer = s;
    selector
        .upstream()
        .client()
        .request(options)
        .onComplete(
            ar -> {
              if (server != attemptServer || state == STATE_DONE) {
                if (ar.succeeded()) {
                  ar.result().exceptionHandler(t -> {}).reset();
                }
                return;
              }
              if (ar.failed()) {
                onFailure(UpstreamFailure.ofConnect(ar.cause()), ar.cause());
              } else {
                send(ar.result());
              }
            });
  }

  private void send(HttpClientRequest r) {
    creq = r;
    // Failures are handled through r.response(); without a handler Vert.x logs resets at ERROR.
    r.exceptionHandler(t -> {});
    MultiMap out = r.headers();
    out.setAll(req.headers());
    out.remove(HttpHeaders.HOST);
    HopByHop.strip(out);
    setForwardedHeaders(out, snapshot, req, view, handler.tls(), requestId);
    RouteActions.apply(route.requestHeaders(), out);
    setAuthority(r, out, view.authority());
    r.response().onComplete(ar -> {
      if (creq != r || state == STATE_DONE) {
        return;
      }
      if (ar.failed()) {
        onFailure(UpstreamFailure.ofExchange(ar.cause()), ar.cause());
      } else {
        onResponse(ar.result());
      }
    });
    if (!hasBody) {
      r.end();
      return;
    }
    if (!req.headers().contains(HttpHeaders.CONTENT_LENGTH)) {
      r.setChunked(true);
    }
    bodyStarted = true;
    long max = handler.listener().maxRequestBody();
    req.handler(
        buf -> {
          bodyBytes += buf.length();
          if (max > 0 && bodyBytes > max) {
            req.handler(null);
            finishWithStatus(413);
            return;
          }
          r.write(buf);
          if (r.writeQueueFull()) {
            req.pause();
            r.drainHandler(v -> req.resume());
          }
        });
    req.endHandler(
        v -> {
          r.end();
          // The body is sent: from now on the origin has timeouts.response to answer.
          r.idleTimeout(responseTimeoutMs());
        });
    req.exceptionHandler(t -> clientGone());
    req.resume();
  }

  /**
   * The origin's Host: the one a route's request-headers set, else the client request's effective
   * authority.
   */
  static void setAuthority(HttpClientRequest r, MultiMap out, HostAndPort authority) {
    String host = out.get(HttpHeaders.HOST);
    HostAndPort set = host == null ? null : HostAndPort.parseAuthority(host, -1);
    out.remove(HttpHeaders.HOST);
    if (set != null) {
      r.authority(set);
    } else if (authority != null) {
      r.authority(authority);
    }
  }

  /** Sets X-Forwarded-*, X-Real-IP and X-Request-Id on the headers sent to an origin. */
  static void setForwardedHeaders(
      MultiMap out,
      ProxySnapshot snapshot,
      HttpServerRequest req,
      VertxRequestView view,
      boolean tls,
      String requestId) {
    ForwardedHeaders fwd = snapshot.forwarded();
    boolean trusted = view.peerTrusted();
    String xff = req.getHeader("X-Forwarded-For");
    out.set("X-Forwarded-For", fwd.forwardedFor(xff, view.peer(), trusted));
    out.set("X-Real-IP", view.clientIp());
    String proto = trusted ? req.getHeader("X-Forwarded-Proto") : null;
    out.set("X-Forwarded-Proto", proto != null ? proto : tls ? "https" : "http");
    String fhost = trusted ? req.getHeader("X-Forwarded-Host") : null;
    if (fhost == null && view.authority() != null) {
      fhost = view.authority().toString();
    }
    if (fhost != null) {
      out.set("X-Forwarded-Host", fhost);
    } else {
      out.remove("X-Forwarded-Host");
    }
    out.set(RequestIds.HEADER, requestId);
  }

  private long responseTimeoutMs() {
    long ms = upstream.timeouts().response().toMillis();
    return ms > 0 ? ms : upstream.timeouts().idle().toMillis();
  }

  private void onResponse(HttpClientResponse r) {
    RetryOn statusCondition = RetryOn.ofStatus(r.statusCode());
    if (statusCondition != null && upstream.retryOn().contains(statusCondition)) {
      server.passive().recordFailure();
      if (mayRetry(statusCondition, true)) {
        log.debug("retrying {} after status {} from {}", requestId, r.statusCode(), server);
        String from = server.name();
        endAttempt(r.statusCode(), null);
        snapshot.metrics().retry(upstream.name(), from, "status_" + r.statusCode());
        r.request().reset();
        attempt();
        return;
      }
    } else if (r.statusCode() < 500) {
      server.passive().recordSuccess();
    }
    state = STATE_STREAMING;
    long idle = upstream.timeouts().idle().toMillis();
    if (idle != responseTimeoutMs()) {
      r.request().idleTimeout(idle);
    }
    resp.setStatusCode(r.statusCode());
    String message = r.statusMessage();
    if (message != null && !message.isEmpty()) {
      resp.setStatusMessage(message);
    }
    MultiMap h = resp.headers();
    h.setAll(r.headers());
    HopByHop.strip(h);
    if (!h.contains(RequestIds.HEADER)) {
      h.set(RequestIds.HEADER, requestId);
    }
    if (handler.tls() && handler.listener().hstsSeconds() > 0) {
      h.set("Strict-Transport-Security", "max-age=" + handler.listener().hstsSeconds());
    }
    if (sticky != null && server != attempts.cookieServer()) {
      String cookie = sticky.setCookie(server, handler.tls());
      if (cookie != null) {
        h.add(HttpHeaders.SET_COOKIE, cookie);
      }
    }
    RouteActions.apply(route.responseHeaders(), h);
    boolean bodyless =
        req.method() == HttpMethod.HEAD
            || r.statusCode() == 204
            || r.statusCode() == 304
            || r.statusCode() < 200;
    if (!bodyless && !h.contains(HttpHeaders.CONTENT_LENGTH)) {
      if (req.version() == HttpVersion.HTTP_1_0) {
        h.set(HttpHeaders.CONNECTION, "close");
      } else {
        resp.setChunked(true);
      }
    }
    r.handler(
        buf -> {
          responseBytes += buf.length();
          resp.write(buf);
          if (resp.writeQueueFull()) {
            r.pause();
            resp.drainHandler(v -> r.resume());
          }
        });
    r.exceptionHandler(
        t -> {
          if (state == STATE_STREAMING) {
            log.debug("origin {} failed mid-response for {}: {}", server, requestId, t.toString());
            server.passive().recordFailure();
            state = STATE_DONE;
            endAttempt(r.statusCode(), "reset");
            requestDone(r.statusCode());
            resp.reset();
          }
        });
    r.endHandler(
        v -> {
          if (state == STATE_STREAMING) {
            state = STATE_DONE;
            endAttempt(r.statusCode(), null);
            requestDone(r.statusCode());
            resp.end();
          }
        });
  }

  private void onFailure(UpstreamFailure failure, Throwable cause) {
    if (failure.countsAgainstServer()) {
      server.passive().recordFailure();
    }
    log.debug("attempt {} of {} to {} failed: {} ({})", attempts.count(), requestId, server, failure.tag(), cause.toString());
    lastFailure = failure;
    String from = server.name();
    endAttempt(0, failure.tag());
    if (creq != null) {
      creq.reset();
      creq = null;
    }
    if (failure.retryOn() != null && mayRetry(failure.retryOn(), failure.mayHaveReachedOrigin())) {
      snapshot.metrics().retry(upstream.name(), from, failure.tag());
      attempt();
    } else {
      finishWithError(failure);
    }
  }

  private boolean mayRetry(RetryOn condition, boolean mayHaveReachedOrigin) {
    if (state != STATE_NEW || attempts.count() > upstream.retries() || !upstream.retryOn().contains(condition)) {
      return false;
    }
    if (!mayHaveReachedOrigin) {
      return !bodyStarted;
    }
    return !hasBody && idempotent(req.method());
  }

  private static boolean idempotent(HttpMethod m) {
    return m == HttpMethod.GET
        || m == HttpMethod.HEAD
        || m == HttpMethod.OPTIONS
        || m == HttpMethod.TRACE
        || m == HttpMethod.PUT
        || m == HttpMethod.DELETE;
  }

  /**
   * Ends the current attempt: releases the server (in-flight count) and reports the attempt.
   *
   * @param status the origin's status, 0 when none arrived
   * @param failure the failure tag, or null
   */
  private void endAttempt(int status, String failure) {
    if (server != null) {
      long took = handler.ticker().nanoTime() - attemptStartNanos;
      snapshot.metrics().attempt(upstream.name(), server.name(), status, failure, took);
      server.requestEnded();
      server = null;
    }
  }

  /** Reports the request as the client saw it (status 0: the client went away). */
  private void requestDone(int status) {
    long took = handler.ticker().nanoTime() - arrivalNanos;
    snapshot.metrics().request(upstream.name(), status, took, bodyBytes, responseBytes);
  }

  private void finishWithError(UpstreamFailure failure) {
    finishWithStatus(failure.status());
  }

  private void finishWithStatus(int status) {
    if (state == STATE_DONE) {
      return;
    }
    state = STATE_DONE;
    endAttempt(0, "aborted");
    if (creq != null) {
      creq.reset();
    }
    requestDone(status);
    snapshot.errorPages().send(resp, status, requestId, hasBody ? ProxyHandler.closeAfter(req, false) : null);
  }

  private void clientGone() {
    if (state == STATE_DONE) {
      return;
    }
    state = STATE_DONE;
    endAttempt(0, "client_gone");
    if (creq != null) {
      creq.reset();
    }
    requestDone(0);
  }
}
