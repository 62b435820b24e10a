package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.ReferenceCountUtil;
import io.vxgate.config.BufferingConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.http1.ResponseHead;
import io.vxgate.gateway.limit.Admission;
import io.vxgate.gateway.upstream.OriginConnection;
import io.vxgate.gateway.upstream.OriginListener;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.UpstreamPool;
import io.vxgate.gateway.upstream.UpstreamSelector;
import io.vxgate.util.Ticker;
import java.util.ArrayDeque;
import org.jspecify.annotations.Nullable;
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
 * <p>With buffering (docs/architecture.md#buffering), a request body is received whole before a
 * server is picked ({@link BufferedRequest}) and a response the client cannot take as fast as the
 * origin sends it is held for the client ({@link ResponseFeed}), so that the origin connection is
 * free as soon as its response is complete.
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
    /**
     * The origin's response is complete and its connection gone back to the pool; the client is fed
     * the rest from the response buffer.
     */
    DRAINING,
    /** The request is over: answered, failed, or the client went away. */
    DONE
  }

  private final FrontConnection front;
  private final ProxySnapshot snapshot;
  private final RequestInfo view;
  private final RequestHead req;
  private final String requestId;
  private final AccessRecord record;
  private final String uri;
  private final UpstreamSelector selector;
  private final UpstreamConfig upstream;
  private final boolean hasBody;
  private final RouteConfig route;
  private final StickySessions.@Nullable Table sticky;

  /** The places the request holds in its route's concurrency limits, given back at its end. */
  private final Admission admission;

  private final Attempts attempts;
  private final RetryPolicy retry;
  private final TimeoutsConfig timeouts;
  private final Ticker ticker;

  /** The route's buffering; null when the node buffers nothing. */
  /** Null: the node buffers nothing. */
  private final @Nullable BufferingConfig buffering;

  /** The client waits for 100 Continue before it sends the body. */
  private final boolean expectContinue;

  /** Whether the body goes to origins chunked (its length is unknown). */
  private boolean chunked;

  /**
   * The body's length as the gateway decoded it; -1 when unknown (chunked, HTTP/2) until a buffered
   * body is complete.
   */
  private long contentLength;

  /** The request body, received whole before any server is picked; null when it streams. */
  private @Nullable BufferedRequest bufferedBody;

  /** Whether this response may be held for the client (decided from its head). */
  private boolean bufferResponse;

  /** The response parts the client could not take yet; null until the client was once full. */
  private @Nullable ResponseFeed feed;

  /** When the origin's response ended while the client was still fed (ticker nanos). */
  private long originEndNanos;

  /** Body parts that arrived before an origin connection was ready (null: none). */
  private @Nullable ArrayDeque<ByteBuf> pendingBody;

  private boolean bodyEnded;
  private boolean bodyStarted;
  private boolean rewritten;
  private boolean continueSent;

  /** The Host sent is the server's address (the client sent none). */
  private boolean serverHost;

  private long bodyBytes;
  private State state = State.NEW;
  private int status;
  private long attemptStartNanos;
  private long responseBytes;
  private @Nullable UpstreamFailure lastFailure;
  private @Nullable ServerState server;
  private @Nullable OriginConnection origin;

  Exchange(
      FrontConnection front,
      ProxySnapshot snapshot,
      RequestInfo view,
      AccessRecord record,
      String uri,
      String hashPath,
      UpstreamSelector selector,
      boolean hasBody,
      long contentLength,
      RouteConfig route,
      StickySessions.@Nullable Table sticky,
      Admission admission) {
    this.front = front;
    this.admission = admission;
    this.snapshot = snapshot;
    this.view = view;
    this.req = view.request();
    this.record = record;
    this.requestId = record.requestId();
    this.uri = uri;
    this.selector = selector;
    this.upstream = selector.upstream().config();
    this.hasBody = hasBody;
    this.route = route;
    this.sticky = sticky;
    this.ticker = front.listener().ticker();
    this.attempts =
        new Attempts(
            selector, view, Attempts.uriKey(upstream.balance(), hashPath, uri), sticky, ticker);
    this.retry = snapshot.retryPolicy(route);
    this.buffering = snapshot.buffering(route);
    this.timeouts = snapshot.timeouts(route);
    // HTTP/1.0 clients know no 100 Continue: their expectation is ignored (RFC 9110 10.1.1).
    this.expectContinue =
        hasBody
            && !front.http2()
            && req.version() == 11
            && req.fields().containsToken("Expect", "100-continue");
    this.contentLength = contentLength;
    this.chunked = hasBody && contentLength < 0;
  }

  // buffering is set only when the snapshot has the node's buffers (ProxySnapshot#buffering)
  @SuppressWarnings("NullAway")
  void start() {
    if (hasBody && buffering != null && buffering.request()) {
      // The body is received whole first; a client that waits for 100 Continue gets it now (a
      // declared length over max-request-body was refused before this).
      bufferedBody =
          new BufferedRequest(
              front,
              snapshot.buffers(),
              buffering.memory(),
              front.listener().config().maxRequestBody(),
              bufferedRequestOwner());
      if (expectContinue) {
        continueSent = true;
        front.writeContinue();
      }
      return;
    }
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
    record.attempt(s.name(), attemptStartNanos);
    selector.upstream().pool().acquire(front.channel().eventLoop(), s, connectTimeoutMs(), this);
  }

  @Override
  public void acquired(OriginConnection c) {
    if (state == State.DONE) {
      c.release();
      return;
    }
    origin = c;
    record.connected(ticker.nanoTime(), c.takeConnectNanos());
    c.bind(this, req.isHead());
    send(c);
  }

  /**
   * An HTTP/1.1 request needs a Host: when the client had none (HTTP/1.0) and no route set one, the
   * server's address is it, as the origin would be called directly.
   */
  // called from send(), while an attempt holds its server
  @SuppressWarnings("NullAway")
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
          view, snapshot, front.tls(), record, uri, route, hasBody ? contentLength : 0);
    }
    hostOfServer();
    c.writeHead(req, chunked);
    if (bufferedBody != null) {
      bufferedBody.sendTo(c);
      return;
    }
    if (!hasBody) {
      c.flush();
      c.expectResponse(responseTimeoutMs(), idleTimeoutMs());
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
      c.expectResponse(responseTimeoutMs(), idleTimeoutMs());
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
      finishWithStatus(413, Termination.REFUSED_TOO_LARGE);
      return;
    }
    if (bufferedBody != null) {
      bufferedBody.take(data);
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
    if (bufferedBody != null) {
      bufferedBody.end();
      return;
    }
    OriginConnection c = origin;
    if (c != null) {
      c.writeEnd();
      c.expectResponse(responseTimeoutMs(), idleTimeoutMs());
    }
  }

  /** How the buffered request body reports back: complete, sent, or failed on the temp file. */
  private BufferedRequest.Owner bufferedRequestOwner() {
    return new BufferedRequest.Owner() {
      // this owner is bufferedBody's: it reports only once bufferedBody is set
      @SuppressWarnings("NullAway")
      @Override
      public void bodyBuffered() {
        if (state != State.NEW) {
          return;
        }
        // Its length is known now, whatever the client's framing (chunked, HTTP/2).
        contentLength = bufferedBody.length();
        chunked = false;
        attempt();
      }

      @Override
      public void bodySent(OriginConnection c) {
        bodyStarted = true;
        c.writeEnd();
        c.expectResponse(responseTimeoutMs(), idleTimeoutMs());
      }

      @Override
      public void bodyFailed(java.io.IOException cause, boolean receiving) {
        int status = receiving ? 507 : 502;
        log.atWarn()
            .addKeyValue("request_id", requestId)
            .addKeyValue("upstream", upstream.name())
            .addKeyValue("status", status)
            .log("request body buffering failed: {}", cause.toString());
        finishWithStatus(status, Termination.BUFFER_FAILED);
      }
    };
  }

  @Override
  public void onOriginWritability(boolean writable) {
    if (bufferedBody != null) {
      if (writable && state != State.DONE) {
        bufferedBody.originWritable();
      }
      return;
    }
    if (hasBody && !bodyEnded && state != State.DONE) {
      front.autoRead(writable);
    }
  }

  @Override
  public void clientWritability(boolean writable) {
    // Only resuming is done here. The client connection turns unwritable in the middle of one of
    // this exchange's writes, often with bytes the socket would take at once; whether to pause the
    // origin (or hold the response) is decided after the write, once those are flushed
    // (afterClientWrite).
    if (!writable) {
      return;
    }
    ResponseFeed f = feed;
    if (f != null && f.holding()) {
      f.clientWritable();
      return;
    }
    OriginConnection c = origin;
    if (state == State.STREAMING && c != null) {
      c.autoRead(true);
    }
  }

  // ---- the response, from the origin

  // the origin calls back only while an attempt holds its server and the connection
  @SuppressWarnings("NullAway")
  @Override
  public void onResponseHead(ResponseHead r) {
    int code = r.status();
    record.responseHead(code, ticker.nanoTime());
    if (code == 101) {
      // Switching protocols without having been asked to: not a response this request can use.
      onFailure(UpstreamFailure.RESET, new java.io.IOException("unexpected 101 from the origin"));
      return;
    }
    RetryDecision decision =
        retry.onStatus(code, attempts.count(), req.method(), bodyState(), state != State.NEW);
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
    bufferResponse = mayBuffer(h);
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
    afterClientWrite();
  }

  /**
   * Whether the response with these (origin's) fields may be held for the client: the route buffers
   * responses, the response has a body, it is not an event stream, and the origin did not say
   * {@code X-Accel-Buffering: no} (a field nginx consumes; it is removed here likewise).
   */
  private boolean mayBuffer(HeaderFields h) {
    boolean on = buffering != null && buffering.response() && !front.bodyless(status);
    String accel = h.get("X-Accel-Buffering");
    if (accel != null) {
      on &= !"no".equalsIgnoreCase(accel.trim());
      h.remove("X-Accel-Buffering");
    }
    if (on) {
      String type = h.get("Content-Type");
      on = type == null || !type.regionMatches(true, 0, "text/event-stream", 0, 17);
    }
    return on;
  }

  /**
   * After a write to the client: when the client connection holds more than its high-water mark,
   * either the response is held from now on ({@link ResponseFeed}) or the origin stops being read.
   * What is only written (not yet flushed) is flushed first: a client that takes it (the socket's
   * buffer has room) costs neither, and no pair of epoll_ctl calls to pause and resume the origin.
   */
  // while the response streams, the origin connection is held (origin) until it ends; a held
  // response (bufferResponse) goes to the feed instead
  @SuppressWarnings("NullAway")
  private void afterClientWrite() {
    if (!front.isWritable()) {
      front.flush();
      if (!front.isWritable()) {
        if (bufferResponse) {
          feed().clientFull();
        } else {
          origin.autoRead(false);
        }
      }
    }
  }

  // only for a response that may be held (mayBuffer: buffering is set, so are the snapshot's
  // buffers), while its origin connection is held
  @SuppressWarnings("NullAway")
  private ResponseFeed feed() {
    ResponseFeed f = feed;
    if (f == null) {
      f =
          new ResponseFeed(
              front,
              origin,
              snapshot.buffers(),
              buffering.memory(),
              buffering.maxTempFile(),
              front.listener().config().clientTimeout().toNanos(),
              ticker,
              feedOwner());
      feed = f;
    }
    return f;
  }

  @Override
  public void onResponseData(ByteBuf data) {
    if (state != State.STREAMING) {
      data.release();
      return;
    }
    responseBytes += data.readableBytes();
    ResponseFeed f = feed;
    if (f != null && f.holding()) {
      f.take(data);
      return;
    }
    front.writeBody(data);
    afterClientWrite();
  }

  // a streaming response (state STREAMING) holds its origin connection until here
  @SuppressWarnings("NullAway")
  @Override
  public void onResponseEnd() {
    if (state != State.STREAMING) {
      return;
    }
    endAttempt(status, null);
    OriginConnection c = origin;
    origin = null;
    // Reusable only once the whole request went out (an origin may answer before reading it).
    if (hasBody && (!bodyEnded || (bufferedBody != null && bufferedBody.sending()))) {
      c.close();
    } else {
      c.release();
    }
    releasePending();
    BufferedRequest b = bufferedBody;
    if (b != null) {
      b.release();
    }
    ResponseFeed f = feed;
    if (f != null && f.holding()) {
      // The origin is free now; the client gets the rest at its own pace.
      state = State.DRAINING;
      originEndNanos = ticker.nanoTime();
      f.originEnded();
      return;
    }
    state = State.DONE;
    if (f != null) {
      f.release();
    }
    requestDone(status, Termination.OK);
    front.writeEnd();
  }

  /** How the response feed reports back. */
  private ResponseFeed.Owner feedOwner() {
    return new ResponseFeed.Owner() {
      @Override
      public void fed() {
        if (state != State.DRAINING) {
          return;
        }
        state = State.DONE;
        snapshot.metrics().originFreedEarly(upstream.name(), ticker.nanoTime() - originEndNanos);
        requestDone(status, Termination.OK);
        front.writeEnd();
      }

      @Override
      public void feedTimedOut() {
        log.debug("client of {} took nothing for client-timeout while fed", requestId);
        abortResponse(status, "client_timeout", Termination.CLIENT_TIMEOUT);
      }

      @Override
      public void feedFailed(java.io.IOException cause) {
        log.atWarn()
            .addKeyValue("request_id", requestId)
            .addKeyValue("upstream", upstream.name())
            .addKeyValue("status", 502)
            .log("response buffering failed: {}", cause.toString());
        abortResponse(502, "buffer_failed", Termination.BUFFER_FAILED);
      }
    };
  }

  /**
   * Ends a response whose head the client has, without the rest: the origin connection (if still
   * held) is closed, the client's connection (HTTP/2: stream) reset.
   */
  private void abortResponse(int reportedStatus, String failure, Termination why) {
    if (state != State.STREAMING && state != State.DRAINING) {
      return;
    }
    state = State.DONE;
    endAttempt(status, failure);
    dropOrigin();
    releasePending();
    releaseBuffers();
    requestDone(reportedStatus, why);
    front.reset();
  }

  @Override
  public void onReadComplete() {
    if (state == State.STREAMING) {
      front.flush();
    }
  }

  // the origin calls back only once an attempt picked its server
  @SuppressWarnings("NullAway")
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
      requestDone(status, UpstreamFailure.ofExchange(cause).termination());
      releasePending();
      releaseBuffers();
      front.reset();
    }
  }

  // a failure is of an attempt, which picked its server first (attempt())
  @SuppressWarnings("NullAway")
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
        .onFailure(failure, attempts.count(), req.method(), bodyState(), state != State.NEW)
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
    if (bufferedBody != null) {
      bufferedBody.stopSending();
    }
    if (c != null) {
      c.close();
    }
  }

  /** Where the request body stands for a retry: none, kept whole (buffered), sent or not yet. */
  private RetryPolicy.Body bodyState() {
    if (!hasBody) {
      return RetryPolicy.Body.NONE;
    }
    if (bufferedBody != null) {
      return RetryPolicy.Body.KEPT;
    }
    return bodyStarted ? RetryPolicy.Body.SENT : RetryPolicy.Body.UNSENT;
  }

  /** Frees the request and response buffers (memory, temp files): the exchange is over. */
  private void releaseBuffers() {
    BufferedRequest b = bufferedBody;
    if (b != null) {
      b.release();
    }
    ResponseFeed f = feed;
    if (f != null) {
      f.release();
    }
  }

  /**
   * The transfer codings of a response that stay on its body once the gateway removed the chunked
   * framing (e.g. gzip), or null. When chunked is not the last coding, the body was read to the
   * close, untouched: every coding stays.
   */
  static @Nullable String otherCodings(HeaderFields h) {
    if (!h.contains("Transfer-Encoding")) {
      return null;
    }
    java.util.List<String> codings = new java.util.ArrayList<>();
    for (String v : h.getAll("Transfer-Encoding")) {
      for (String coding : v.split(",", -1)) {
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
    return timeouts.response().toMillis();
  }

  private long idleTimeoutMs() {
    return timeouts.idle().toMillis();
  }

  private int connectTimeoutMs() {
    return (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis());
  }

  /**
   * Ends the current attempt: releases the server (in-flight count) and reports the attempt.
   *
   * @param status the origin's status, 0 when none arrived
   * @param failure the failure tag, or null
   */
  private void endAttempt(int status, @Nullable String failure) {
    if (server != null) {
      long took = ticker.nanoTime() - attemptStartNanos;
      snapshot.metrics().attempt(upstream.name(), server.name(), status, failure, took);
      server.requestEnded();
      server = null;
    }
  }

  /** Ends the request as the client saw it (status 0: none was sent) and reports it. */
  private void requestDone(int status, Termination why) {
    admission.release();
    record.end(status, why, bodyBytes, responseBytes, ticker.nanoTime());
    front.ended(snapshot, record);
  }

  private void finishWithError(UpstreamFailure failure) {
    finishWithStatus(failure.status(), failure.termination());
  }

  private void finishWithStatus(int status, Termination why) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    endAttempt(0, "aborted");
    dropOrigin();
    releasePending();
    releaseBuffers();
    front.detach(this);
    responseBytes += snapshot.errorPages().send(front, status, record, hasBody && !bodyEnded);
    requestDone(status, why);
  }

  private void releasePending() {
    ArrayDeque<ByteBuf> p = pendingBody;
    pendingBody = null;
    if (p != null) {
      p.forEach(ReferenceCountUtil::release);
    }
  }

  @Override
  public void clientGone(int answered, Termination why) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    endAttempt(0, "client_gone");
    dropOrigin();
    releasePending();
    releaseBuffers();
    requestDone(answered, why);
  }
}
