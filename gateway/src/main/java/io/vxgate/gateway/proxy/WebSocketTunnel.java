package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelFutureListener;
import io.netty.util.concurrent.ScheduledFuture;
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
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
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
 *
 * <p>Failures before the 101 are retried as the route's {@link RetryPolicy} decides for a GET
 * without a body; a refusal is never retried. Metrics are those of a request ({@link Exchange}):
 * each attempt, each retry, and the request, which ends with the origin's answer to the upgrade:
 * status 101 and the handshake's duration once upgraded (the tunnel's bytes are not a body), or the
 * refusal as relayed.
 */
final class WebSocketTunnel
    implements FrontConnection.Active, OriginListener, UpstreamPool.Acquirer {
  private static final Logger log = LoggerFactory.getLogger(WebSocketTunnel.class);

  /** How long a closing tunnel waits for its last bytes to be taken before closing anyway. */
  private static final long CLOSE_GRACE_SECONDS = 10;

  private enum State {
    /** The upgrade request is on its way to an origin (attempts, retries). */
    HANDSHAKE,
    /** The origin refused the upgrade: its response is relayed to the client. */
    REFUSED,
    /** Upgraded: bytes are tunnelled both ways. */
    OPEN,
    /** Closed, refused and relayed, or failed. */
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
  private final RouteConfig route;
  private final StickySessions.@Nullable Table sticky;

  /**
   * The places the session holds in its route's concurrency limits: from the upgrade request to the
   * tunnel's close (or the refusal's end).
   */
  private final Admission admission;

  private final Ticker ticker;
  private final Attempts attempts;
  private final RetryPolicy retry;
  private final TimeoutsConfig timeouts;
  private final String upgrade;
  private State state = State.HANDSHAKE;

  /** The status of a refusal; 0 before one. */
  private int status;

  private boolean rewritten;
  private @Nullable UpstreamFailure lastFailure;
  private @Nullable ServerState server;
  private @Nullable OriginConnection origin;
  private @Nullable ScheduledFuture<?> idleCheck;
  private long lastActivityNanos;
  private long attemptStartNanos;

  /** Body bytes of a refusal (or error page) sent to the client; after the upgrade, tunnelled. */
  private long responseBytes;

  /** Bytes tunnelled from the client. */
  private long requestBytes;

  WebSocketTunnel(
      FrontConnection front,
      ProxySnapshot snapshot,
      RequestInfo view,
      AccessRecord record,
      String uri,
      UpstreamSelector selector,
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
    this.route = route;
    this.sticky = sticky;
    this.ticker = front.listener().ticker();
    this.attempts =
        new Attempts(
            selector, view, Attempts.uriKey(upstream.balance(), view.path(), uri), sticky, ticker);
    this.retry = snapshot.retryPolicy(route);
    this.timeouts = snapshot.timeouts(route);
    // the front makes a tunnel only of a request with Upgrade: websocket (RequestInfo#websocket)
    String u = req.fields().get("Upgrade");
    this.upgrade = u != null ? u : "websocket";
  }

  /** Whether {@code req} is an HTTP/1.1 upgrade request (the gateway tunnels no other kind). */
  static boolean isUpgrade(RequestHead req) {
    return req.version() == 11
        && req.method().equals("GET")
        && req.fields().containsToken("Connection", "upgrade");
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
    attemptStartNanos = ticker.nanoTime();
    record.attempt(s.name(), attemptStartNanos);
    selector
        .upstream()
        .pool()
        .connectTunnel(
            front.channel().eventLoop(),
            s,
            (int) Math.min(Integer.MAX_VALUE, timeouts.connect().toMillis()),
            this);
  }

  @Override
  public void acquired(OriginConnection c) {
    if (state != State.HANDSHAKE) {
      c.close();
      return;
    }
    origin = c;
    record.connected(ticker.nanoTime(), c.takeConnectNanos());
    c.bind(this, false);
    if (!rewritten) {
      rewritten = true;
      OriginRequests.rewrite(view, snapshot, front.tls(), record, uri, route, 0);
      HeaderFields out = req.fields();
      out.set("Connection", "Upgrade");
      out.set("Upgrade", upgrade);
    }
    c.writeHead(req, false);
    c.flush();
    c.expectResponse(timeouts.response().toMillis(), 0);
  }

  @Override
  public void failed(Throwable cause) {
    if (state == State.HANDSHAKE) {
      onFailure(UpstreamFailure.ofConnect(cause), cause);
    }
  }

  @Override
  public void onResponseHead(ResponseHead r) {
    record.responseHead(r.status(), ticker.nanoTime());
    if (r.status() == 101) {
      upgrade(r);
    } else {
      refused(r);
    }
  }

  @Override
  public void onResponseData(ByteBuf data) {
    if (state == State.REFUSED) {
      responseBytes += data.readableBytes();
      front.writeBody(data);
    } else if (state == State.OPEN) {
      lastActivityNanos = ticker.nanoTime();
      responseBytes += data.readableBytes();
      front.writeRaw(data);
      front.flush();
      if (!front.isWritable() && origin != null) {
        origin.autoRead(false);
      }
    } else {
      data.release();
    }
  }

  // a refused upgrade (state REFUSED) holds its origin connection until here
  @SuppressWarnings("NullAway")
  @Override
  public void onResponseEnd() {
    if (state != State.REFUSED) {
      return;
    }
    state = State.DONE;
    endAttempt(status, null);
    requestDone(status, Termination.OK);
    // The handshake request stays unfinished for the origin: its connection is not reused.
    OriginConnection c = origin;
    origin = null;
    c.close();
    front.writeEnd();
  }

  @Override
  public void onReadComplete() {
    if (state == State.REFUSED) {
      front.flush();
    }
  }

  @Override
  public void onOriginWritability(boolean writable) {
    if (state == State.OPEN) {
      front.autoRead(writable);
    }
  }

  @Override
  public void clientWritability(boolean writable) {
    OriginConnection o = origin;
    if (state == State.OPEN && o != null) {
      o.autoRead(writable);
    }
  }

  @Override
  public void onOriginFailure(Throwable cause) {
    origin = null;
    if (state == State.HANDSHAKE) {
      onFailure(UpstreamFailure.ofExchange(cause), cause);
    } else if (state == State.REFUSED) {
      state = State.DONE;
      endAttempt(status, "reset");
      requestDone(status, Termination.ORIGIN_RESET);
      front.reset();
    } else {
      close(Termination.ORIGIN_CLOSED);
    }
  }

  // a failure is of an attempt, which picked its server first (attempt())
  @SuppressWarnings("NullAway")
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
    String from = server.name();
    endAttempt(0, failure.tag());
    OriginConnection c = origin;
    origin = null;
    if (c != null) {
      c.close();
    }
    // An upgrade is a GET without a body, and nothing reached the client before the 101.
    if (retry
        .onFailure(failure, attempts.count(), req.method(), RetryPolicy.Body.NONE, false)
        .retry()) {
      snapshot.metrics().retry(upstream.name(), from, failure.tag());
      attempt();
    } else {
      fail(failure);
    }
  }

  private void fail(UpstreamFailure failure) {
    state = State.DONE;
    endAttempt(0, "aborted");
    front.detach(this);
    responseBytes = snapshot.errorPages().send(front, failure.status(), record, false);
    requestDone(failure.status(), failure.termination());
  }

  /** The origin refused the upgrade: its answer goes back to the client as it is. */
  // the origin's answer comes while an attempt holds its server
  @SuppressWarnings("NullAway")
  private void refused(ResponseHead r) {
    if (r.status() < 500) {
      server.passive().recordSuccess();
    }
    state = State.REFUSED;
    status = r.status();
    HeaderFields h = r.fields();
    HopByHop.strip(h);
    if (!h.contains(RequestIds.NAME)) {
      h.add(RequestIds.NAME, requestId);
    }
    RouteActions.apply(route.responseHeaders(), h);
    front.writeResponseHead(r);
  }

  // the origin's answer comes while an attempt holds its server and the connection
  @SuppressWarnings("NullAway")
  private void upgrade(ResponseHead r) {
    server.passive().recordSuccess();
    state = State.OPEN;
    // The request (the handshake) ends here; the server stays in flight until the tunnel closes.
    reportAttempt(101, null);
    // Counted as a request now; its access log line is written when the tunnel closes.
    long now = ticker.nanoTime();
    snapshot.metrics().request(upstream.name(), 101, now - record.startNanos(), 0, 0);
    HeaderFields h = r.fields();
    if (sticky != null && server != attempts.cookieServer()) {
      String cookie = sticky.setCookie(server, front.tls());
      if (cookie != null) {
        h.add("Set-Cookie", cookie);
      }
    }
    RouteActions.apply(route.responseHeaders(), h);
    r.version(11);
    origin.expectResponse(0, 0);
    ByteBuf head = front.channel().alloc().buffer(r.encodedLength());
    r.writeTo(head);
    front.writeRaw(head);
    front.flush();
    front.upgraded();
    lastActivityNanos = ticker.nanoTime();
    scheduleIdleCheck(timeouts.idle().toMillis());
  }

  // ---- tunnel

  /** Bytes from the client (after the upgrade: raw). */
  @Override
  public void requestData(ByteBuf data) {
    OriginConnection o = origin;
    if (state != State.OPEN || o == null) {
      data.release();
      return;
    }
    lastActivityNanos = ticker.nanoTime();
    requestBytes += data.readableBytes();
    o.writeRaw(data);
    o.flush();
    if (!o.isWritable()) {
      front.autoRead(false);
    }
  }

  @Override
  public void requestEnd() {
    // The handshake request has no body.
  }

  private void scheduleIdleCheck(long ms) {
    idleCheck =
        front
            .channel()
            .eventLoop()
            .schedule(this::idleCheck, Math.max(1, ms), TimeUnit.MILLISECONDS);
  }

  private void idleCheck() {
    idleCheck = null;
    if (state != State.OPEN) {
      return;
    }
    long idleMs = timeouts.idle().toMillis();
    long quietMs = (ticker.nanoTime() - lastActivityNanos) / 1_000_000;
    if (quietMs >= idleMs) {
      log.debug("websocket {} idle for {} ms: closing", requestId, quietMs);
      close(Termination.IDLE_TIMEOUT);
    } else {
      scheduleIdleCheck(idleMs - quietMs);
    }
  }

  /**
   * Closes both sides (after what is queued is written), releases the server and writes the
   * session's access log line.
   */
  private void close(Termination why) {
    if (state == State.DONE) {
      return;
    }
    state = State.DONE;
    admission.release();
    record.end(101, why, requestBytes, responseBytes, ticker.nanoTime());
    front.listener().accessLog().submit(record);
    if (idleCheck != null) {
      idleCheck.cancel(false);
      idleCheck = null;
    }
    // What is queued is written first; a side that does not read it is closed after CLOSE_GRACE.
    io.netty.channel.Channel client = front.channel();
    client.writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(ChannelFutureListener.CLOSE);
    OriginConnection o = origin;
    origin = null;
    if (o != null) {
      o.channel().writeAndFlush(Unpooled.EMPTY_BUFFER).addListener(f -> o.close());
    }
    client
        .eventLoop()
        .schedule(
            () -> {
              client.close();
              if (o != null) {
                o.close();
              }
            },
            CLOSE_GRACE_SECONDS,
            TimeUnit.SECONDS);
    releaseServer();
  }

  @Override
  public void clientGone(int answered, Termination why) {
    if (state == State.DONE) {
      return;
    }
    if (state == State.OPEN) {
      close(why);
      return;
    }
    state = State.DONE;
    endAttempt(0, "client_gone");
    requestDone(answered, why);
    OriginConnection c = origin;
    origin = null;
    if (c != null) {
      c.close();
    }
  }

  /**
   * Ends the current attempt before an upgrade: reports it and releases the server.
   *
   * @param status the origin's status, 0 when none arrived
   * @param failure the failure tag, or null
   */
  private void endAttempt(int status, @Nullable String failure) {
    if (server != null) {
      reportAttempt(status, failure);
      releaseServer();
    }
  }

  // called while an attempt holds its server (endAttempt checks, upgrade holds it)
  @SuppressWarnings("NullAway")
  private void reportAttempt(int status, @Nullable String failure) {
    long took = ticker.nanoTime() - attemptStartNanos;
    snapshot.metrics().attempt(upstream.name(), server.name(), status, failure, took);
  }

  /** The server's in-flight count drops (the attempt ended, or the tunnel closed). */
  private void releaseServer() {
    if (server != null) {
      server.requestEnded();
      server = null;
    }
  }

  /** Ends the request before an upgrade (status 0: none was sent) and reports it. */
  private void requestDone(int status, Termination why) {
    admission.release();
    record.end(status, why, 0, responseBytes, ticker.nanoTime());
    front.ended(snapshot, record);
  }
}
