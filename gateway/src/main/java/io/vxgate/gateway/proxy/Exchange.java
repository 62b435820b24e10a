package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.http1.ResponseHead;
import io.vxgate.gateway.upstream.OriginConnection;
import io.vxgate.gateway.upstream.OriginListener;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.UpstreamPool;
import io.vxgate.gateway.upstream.UpstreamSelector;
import io.vxgate.util.Ticker;
import java.util.ArrayDeque;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One client request on its way through the gateway: picks a server, sends, retries on the next
 * server when allowed, streams the response back. Runs on the event loop of the client connection,
 * which is also the loop of every origin connection it uses.
 *
 * <p>The request head the client sent is rewritten in place for the origin once (hop-by-hop headers
 * out, X-Forwarded-* in, the route's header actions) and written as it is to each attempt; body
 * parts and response parts pass through as Netty buffers, never copied. Backpressure: while the
 * origin connection cannot take more of the request body, the client connection is not read, and
 * while the client cannot take more of the response, the origin connection is not read.
 *
 * <p>Whether a failed attempt is tried again, each time on a server not yet tried when one is
 * available, is the route's {@link RetryPolicy} to decide
 * (docs/configuration.md#upstreams-cluster-wide).
 */
final class Exchange implements FrontConnection.Active, OriginListener, UpstreamPool.Acquirer {
  private static final Logger log = LoggerFactory.getLogger(Exchange.class);

  private enum State {
    /** Attempts are made; nothing was written to the client. */
    NEW,
    /** The response head was written to the client; its body follows. */
    STREAMING,
    /** The request is over: answered, failed, or the client went away. */
    DONE
  }

  private final FrontConnection front;
  private final ProxySnapshot snapshot;
  private final RequestInfo view;
  private final RequestHead req;
  private final String requestId;
  private final String uri;
  private final UpstreamSelector selector;
  private final UpstreamConfig upstream;
  private final boolean hasBody;
  private final RouteConfig route;
  private final StickySessions.Table sticky;
  private final Attempts attempts;
  private final RetryPolicy retry;
  private final Ticker ticker;

  /** The client waits for 100 Continue before it sends the body. */
  private final boolean expectContinue;

  /** Whether the body goes to origins chunked (its length is unknown). */
  private final boolean chunked;

  /** The body's length as the gateway decoded it; -1 when unknown (chunked, HTTP/2). */
  private final long contentLength;

  /** Body parts that arrived before an origin connection was ready. */
  private ArrayDeque<ByteBuf> pendingBody;

  private boolean bodyEnded;
  private boolean bodyStarted;
  private boolean rewritten;
  private boolean continueSent;

  /** The Host sent is the server's address (the client sent none). */
  private boolean serverHost;

  private long bodyBytes;
  private State state = State.NEW;
  private int status;
  private long arrivalNanos;
  private long attemptStartNanos;
  private long responseBytes;
  private UpstreamFailure lastFailure;
  private ServerState server;
  private OriginConnection origin;

  Exchange(
      FrontConnection front,
      ProxySnapshot snapshot,
      RequestInfo view,
      String requestId,
      String uri,
      String hashPath,
      UpstreamSelector selector,
      boolean hasBody,
      long contentLength,
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
    this.hasBody = hasBody;
    this.route = route;
    this.sticky = sticky;
    this.ticker = front.listener().ticker();
    this.attempts = new Attempts(selector, view, hashPath, sticky, ticker);
    this.retry = snapshot.retryPolicy(route);
    // HTTP/1.0 clients know no 100 Continue: their expectation is ignored (RFC 9110 10.1.1).
    this.expectContinue =
        hasBody
            && !front.http2()
            && req.version() == 11
            && req.fields().containsToken("Expect", "100-continue");
    this.contentLength = contentLength;
    this.chunked = hasBody && contentLength < 0;
  }

  void start() {
    arrivalNanos = ticker.nanoTime();
    if (hasBody) {
      // The body is read once an origin connection is ready to take it.
      front.autoRead(false);
    }
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
    attemptStartNanos = ticker.nanoTime();
    selector.upstream().pool().acquire(front.channel().eventLoop(), s, this);
  }

  @Override
  public void acquired(OriginConnection c) {
    if (state == State.DONE) {
      c.release();
      return;
    }
    origin = c;
    c.bind(this, req.isHead());
    send(c);
  }

  /**
   * An HTTP/1.1 request needs a Host: when the client had none (HTTP/1.0) and no route set one, the
   * server's address is it, as the origin would be called directly.
   */
  private void hostOfServer() {
    HeaderFields f = req.fields();
    if (serverHost || !f.contains("Host")) {
      serverHost = true;
      f.set("Host", server.config().address().toString());
    }
  }

  @Override
  public void failed(Throwable cause) {
    if (state == State.DONE) {
      return;
    }
    onFailure(UpstreamFailure.ofConnect(cause), cause);
  }

  private void send(OriginConnection c) {
    if (!rewritten) {
      rewritten = true;
      OriginRequests.rewrite(
          view, snapshot, front.tls(), requestId, uri, route, hasBody ? contentLength : 0);
    }
    hostOfServer();
    c.writeHead(req, chunked);
    if (!hasBody) {
      c.flush();
      c.expectResponse(responseTimeoutMs(), upstream.timeouts().idle().toMillis());
      return;
    }
    if (expectContinue && !continueSent) {
      continueSent = true;
      front.writeContinue();
    }
    ArrayDeque<ByteBuf> pending = pendingBody;
    pendingBody = null;
    if (pending != null) {
      ByteBuf part;
      while ((part = pending.poll()) != null) {
        bodyStarted = true;
        c.writeBody(part);
      }
    }
    if (bodyEnded) {
      c.writeEnd();
      c.expectResponse(responseTimeoutMs(), upstream.timeouts().idle().toMillis());
      return;
    }
    c.flush();
    if (c.isWritable()) {
      front.autoRead(true);
    }
  }

  // ---- the request body, from the client

  @Override
  public void requestData(ByteBuf data) {
    if (state == State.DONE || !hasBody) {
      data.release();
      return;
    }
    bodyBytes += data.readableBytes();
    long max = front.listener().config().maxRequestBody();
    if (max > 0 && bodyBytes > max) {
      data.release();
      finishWithStatus(413);
      return;
    }
    OriginConnection c = origin;
    if (c == null) {
      if (pendingBody == null) {
        pendingBody = new ArrayDeque<>(2);
      }
      pendingBody.add(data);
      return;
    }
    bodyStarted = true;
    c.writeBody(data);
    c.flush();
    if (!c.isWritable()) {
      front.autoRead(false);
    }
  }

  @Override
  public void requestEnd() {
    if (state == State.DONE || !hasBody) {
      return;
    }
    bodyEnded = true;
    OriginConnection c = origin;
    if (c != null) {
      c.writeEnd();
      c.expectResponse(responseTimeoutMs(), upstream.timeouts().idle().toMillis());
    }
  }

  @Override
  public void onOriginWritability(boolean writable) {
    if (hasBody && !bodyEnded && state != State.DONE) {
      front.autoRead(writable);
    }
  }

  @Override
  public void clientWritability(boolean writable) {
    // Only resuming is done here. The client connection turns unwritable in the middle of one of
    // this exchange's writes, often with bytes the socket would take at once; whether to pause the
    // origin is decided after the write, once those are flushed (pauseOriginIfClientFull).
    OriginConnection c = origin;
    if (writable && state == State.STREAMING && c != null) {
      c.autoRead(true);
    }
  }

  // ---- the response, from the origin

  @Override
  public void onResponseHead(ResponseHead r) {
    int code = r.status();
    if (code == 101) {
      // Switching protocols without having been asked to: not a response this request can use.
      onFailure(UpstreamFailure.RESET, new java.io.IOException("unexpected 101 from the origin"));
      return;
    }
    RetryDecision decision =
        retry.onStatus(
            code, attempts.count(), req.method(), hasBody, bodyStarted, state != State.NEW);
    if (decision != RetryDecision.NOT_LISTED) {
      // A retry-on status is a failed attempt, retried or not.
      server.passive().recordFailure();
      if (decision.retry()) {
        log.debug("retrying {} after status {} from {}", requestId, code, server);
        String from = server.name();
        endAttempt(code, null);
        snapshot.metrics().retry(upstream.name(), from, "status_" + code);
        dropOrigin();
        attempt();
        return;
      }
    } else if (code < 500) {
      server.passive().recordSuccess();
    }
    state = State.STREAMING;
    status = code;
    HeaderFields h = r.fields();
    String codings = otherCodings(h);
    HopByHop.strip(h);
    if (codings != null) {
      // The body stays in these codings (the gateway removed only the chunked framing).
      h.set("Transfer-Encoding", codings);
    }
    if (!h.contains(RequestIds.NAME)) {
      h.add(RequestIds.NAME, requestId);
    }
    if (front.tls() && front.listener().config().hstsSeconds() > 0) {
      h.set("Strict-Transport-Security", front.listener().hsts());
    }
    if (sticky != null && server != attempts.cookieServer()) {
      String cookie = sticky.setCookie(server, front.tls());
      if (cookie != null) {
        h.add("Set-Cookie", cookie);
      }
    }
    RouteActions.apply(route.responseHeaders(), h);
    front.writeResponseHead(r);
    pauseOriginIfClientFull();
  }

  /**
   * Stops reading the origin while the client connection holds more than its high-water mark. What
   * is only written (not yet flushed) is flushed first: a client that takes it (the socket's buffer
   * has room) costs no pause, and no pair of epoll_ctl calls to pause and resume the origin.
   */
  private void pauseOriginIfClientFull() {
    if (!front.isWritable()) {
      front.flush();
      if (!front.isWritable()) {
        origin.autoRead(false);
      }
    }
  }

  @Override
  public void onResponseData(ByteBuf data) {
    if (state != State.STREAMING) {
      data.release();
      return;
    }
    responseBytes += data.readableBytes();
    front.writeBody(data);
    pauseOriginIfClientFull();
  }

  @Override
  public void onResponseEnd() {
    if (state != State.STREAMING) {
      return;
    }
    state = State.DONE;
    endAttempt(status, null);
    requestDone(status);
    OriginConnection c = origin;
    origin = null;
    // Reusable only once the whole request went out (an origin may answer before reading it).
    if (hasBody && !bodyEnded) {
      c.close();
    } else {
      c.release();
    }
    releasePending();
    front.writeEnd();
  }

  @Override
  public void onReadComplete() {
    if (state == State.STREAMING) {
      front.flush();
    }
  }

  @Override
  public void onOriginFailure(Throwable cause) {
    origin = null;
    if (state == State.NEW) {
      onFailure(UpstreamFailure.ofExchange(cause), cause);
    } else if (state == State.STREAMING) {
      log.debug("origin {} failed mid-response for {}: {}", server, requestId, cause.toString());
      server.passive().recordFailure();
      state = State.DONE;
      endAttempt(status, "reset");
      requestDone(status);
      releasePending();
      front.reset();
    }
  }

  private void onFailure(UpstreamFailure failure, Throwable cause) {
    if (failure.countsAgainstServer()) {
      server.passive().recordFailure();
    }
    log.debug(
        "attempt {} of {} to {} failed: {} ({})",
        attempts.count(),
        requestId,
        server,
        failure.tag(),
        cause.toString());
    lastFailure = failure;
    String from = server.name();
    endAttempt(0, failure.tag());
    dropOrigin();
    if (retry
        .onFailure(
            failure, attempts.count(), req.method(), hasBody, bodyStarted, state != State.NEW)
        .retry()) {
      snapshot.metrics().retry(upstream.name(), from, failure.tag());
      attempt();
    } else {
      finishWithError(failure);
    }
  }

  private void dropOrigin() {
    OriginConnection c = origin;
    origin = null;
    if (c != null) {
      c.close();
    }
  }

  /**
   * The transfer codings of a response that stay on its body once the gateway removed the chunked
   * framing (e.g. gzip), or null. When chunked is not the last coding, the body was read to the
   * close, untouched: every coding stays.
   */
  static String otherCodings(HeaderFields h) {
    if (!h.contains("Transfer-Encoding")) {
      return null;
    }
    java.util.List<String> codings = new java.util.ArrayList<>();
    for (String v : h.getAll("Transfer-Encoding")) {
      for (String coding : v.split(",")) {
        String c = coding.trim();
        if (!c.isEmpty()) {
          codings.add(c);
        }
      }
    }
    if (!codings.isEmpty() && codings.get(codings.size() - 1).equalsIgnoreCase("chunked")) {
      codings.remove(codings.size() - 1);
    }
    return codings.isEmpty() ? null : String.join(", ", codings);
  }

  private long responseTimeoutMs() {
    long ms = upstream.timeouts().response().toMillis();
    return ms > 0 ? ms : upstream.timeouts().idle().toMillis();
  }

  /**
   * Ends the current attempt: releases the server (in-flight count) and reports the attempt.
   *
   * @param status the origin's status, 0 when none arrived
   * @param failure the failure tag, or null
   */
  private void endAttempt(int status, String failure) {
    if (server != null) {
      long took = ticker.nanoTime() - attemptStartNanos;
      snapshot.metrics().attempt(upstream.name(), server.name(), status, failure, took);
      server.requestEnded();
      server = null;
    }
  }

  /** Reports the request as the client saw it (status 0: the client went away). */
  private void requestDone(int status) {
    long took = ticker.nanoTime() - arrivalNanos;
    snapshot.metrics().request(upstream.name(), status, took, bodyBytes, responseBytes);
  }

  private void finishWithError(UpstreamFailure failure) {
    finishWithStatus(failure.status());
  }

  private void finishWithStatus(int status) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    endAttempt(0, "aborted");
    dropOrigin();
    releasePending();
    requestDone(status);
    front.detach(this);
    snapshot.errorPages().send(front, status, requestId, hasBody && !bodyEnded);
  }

  private void releasePending() {
    ArrayDeque<ByteBuf> p = pendingBody;
    pendingBody = null;
    if (p != null) {
      p.forEach(ReferenceCountUtil::release);
    }
  }

  @Override
  public void clientGone() {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    endAttempt(0, "client_gone");
    dropOrigin();
    releasePending();
    requestDone(0);
  }
}
