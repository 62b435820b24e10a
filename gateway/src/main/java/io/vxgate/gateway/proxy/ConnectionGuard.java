package io.vxgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;

/**
 * Per-connection timeouts of an HTTP/1.x client connection (HAProxy's {@code timeout http-request}
 * and {@code timeout http-keep-alive}, nginx's {@code client_body_timeout}):
 *
 * <ul>
 *   <li>a request's header must be complete within {@code request-header-timeout} of its first byte
 *       (of the connection's opening, for the first request), else the client gets {@code 408} and
 *       the connection is closed (slowloris);
 *   <li>while a request body is being received, two successive reads may be at most {@code
 *       request-body-timeout} apart, else the client gets {@code 408} (or, when the response has
 *       started, the connection is just closed);
 *   <li>an idle keep-alive connection with no byte of a next request is closed silently after the
 *       keep-alive timeout.
 * </ul>
 *
 * {@link Http1Front} tells it when bytes arrive and where the request and response are. Timers are
 * lazy (as in Netty's IdleStateHandler): a phase change only records the time, and one timer per
 * connection checks the current phase's deadline, so a request costs no timer operation. Confined
 * to the connection's event loop.
 */
final class ConnectionGuard {
  /** The body of the gateway's fixed 408 (HTTP/2 streams answer it too, {@link Http2Front}). */
  static final String TIMEOUT_BODY = "408 Request Timeout\n";

  private static final byte[] REQUEST_TIMEOUT =
      ("HTTP/1.1 408 Request Timeout\r\nContent-Type: text/plain; charset=utf-8\r\n"
              + "Content-Length: "
              + TIMEOUT_BODY.length()
              + "\r\nConnection: close\r\n\r\n"
              + TIMEOUT_BODY)
          .getBytes(StandardCharsets.US_ASCII);

  private enum Phase {
    /** Waiting for (the rest of) a request head. */
    HEADERS,
    /** The head is decoded, the body is not complete. */
    BODY,
    /** The request is complete; its response is on its way. */
    REQUEST,
    /** Between requests. */
    IDLE
  }

  private final long headerTimeoutNanos;
  private final long keepAliveNanos;
  private final long bodyTimeoutNanos;
  private Http1Front front;
  private ChannelHandlerContext ctx;

  /** Whether the response to the current request has started. */
  private boolean responseStarted;

  private Phase phase = Phase.HEADERS;

  /** When the current phase started (System.nanoTime); the deadline follows from the phase. */
  private long phaseStart = System.nanoTime();

  private ScheduledFuture<?> timer;

  /** When the pending timer fires (System.nanoTime). */
  private long timerDeadline;

  private boolean closed;

  ConnectionGuard(Duration headerTimeout, Duration bodyTimeout, Duration keepAlive) {
    this.headerTimeoutNanos = Math.max(1, headerTimeout.toNanos());
    this.bodyTimeoutNanos = Math.max(1, bodyTimeout.toNanos());
    this.keepAliveNanos = Math.max(1, keepAlive.toNanos());
  }

  /** Starts the clock of the first request (the connection just opened). */
  void start(Http1Front front, ChannelHandlerContext ctx) {
    this.front = front;
    this.ctx = ctx;
    enter(Phase.HEADERS);
  }

  /** Bytes arrived: the first byte of a request on an idle connection starts the header clock. */
  void bytesArrived() {
    if (phase == Phase.IDLE) {
      enter(Phase.HEADERS);
    } else if (phase == Phase.BODY) {
      phaseStart = System.nanoTime();
    }
  }

  /** A request head was read; {@code complete} when it has no body to come. */
  void requestHead(boolean complete) {
    responseStarted = false;
    enter(complete ? Phase.REQUEST : Phase.BODY);
  }

  /** The request body ended. */
  void requestComplete() {
    if (phase == Phase.BODY) {
      enter(Phase.REQUEST);
    }
  }

  /** The response head was written. */
  void responseStarted() {
    responseStarted = true;
  }

  /** The response was written completely; the connection stays open for the next request. */
  void responseComplete() {
    if (phase == Phase.REQUEST || phase == Phase.BODY) {
      enter(Phase.IDLE);
    }
  }

  /** Stops every check (the connection closed, or became a tunnel). */
  void disarm() {
    closed = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
  }

  private void enter(Phase next) {
    phase = next;
    phaseStart = System.nanoTime();
    if (closed) {
      return;
    }
    long budget = next == Phase.REQUEST ? headerTimeoutNanos : budget(next);
    if (timer == null) {
      arm(Math.min(budget, headerTimeoutNanos));
    } else if (phaseStart + budget - timerDeadline < 0) {
      // A phase with a shorter budget than the pending check: check at its deadline instead.
      timer.cancel(false);
      arm(budget);
    }
  }

  private long budget(Phase p) {
    return switch (p) {
      case HEADERS -> headerTimeoutNanos;
      case BODY -> bodyTimeoutNanos;
      default -> keepAliveNanos;
    };
  }

  private void arm(long nanos) {
    timerDeadline = System.nanoTime() + nanos;
    timer = ctx.executor().schedule(this::fired, nanos, TimeUnit.NANOSECONDS);
  }

  private void fired() {
    timer = null;
    if (closed) {
      return;
    }
    if (phase == Phase.REQUEST) {
      arm(headerTimeoutNanos);
      return;
    }
    long left = budget(phase) - (System.nanoTime() - phaseStart);
    if (left > 1_000_000) {
      arm(Math.min(left, headerTimeoutNanos));
    } else if (phase == Phase.HEADERS || phase == Phase.BODY && !responseStarted) {
      closed = true;
      front.timedOut(REQUEST_TIMEOUT);
    } else {
      closed = true;
      front.timedOut(null);
    }
  }
}
