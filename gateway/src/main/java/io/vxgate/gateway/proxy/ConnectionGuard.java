package io.vxgate.gateway.proxy;

import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelOutboundBuffer;
import io.netty.util.concurrent.ScheduledFuture;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Per-connection timeouts of an HTTP/1.x client connection (HAProxy's {@code timeout http-request},
 * {@code timeout http-keep-alive} and {@code timeout client}, nginx's {@code client_body_timeout}
 * and {@code send_timeout}; docs/configuration.md#listeners-node-local):
 *
 * <ul>
 *   <li>a request's header must be complete within {@code request-header-timeout} of its first byte
 *       (of the connection's opening, for the first request), and two of its reads may be at most
 *       {@code client-timeout} apart, else the client gets {@code 408} and the connection is closed
 *       (slowloris);
 *   <li>while a request body is being received, two successive reads may be at most {@code
 *       request-body-timeout} (or {@code client-timeout}, when shorter) apart, else the client gets
 *       {@code 408} (or, when the response has started, the connection is just closed);
 *   <li>while the connection holds response bytes the client does not take (it is not writable),
 *       the client must take some at least every {@code client-timeout}, else the connection is
 *       closed; likewise the last response of a closing connection must be taken within {@code
 *       client-timeout};
 *   <li>an idle keep-alive connection with no byte of a next request is closed silently after
 *       {@code keepalive-timeout}.
 * </ul>
 *
 * While a request waits for its response (nothing is expected from the client) none applies: the
 * upstream's timeouts do.
 *
 * <p>{@link Http1Front} tells it when bytes arrive, where the request and response are and when the
 * connection's writability changes. Timers are lazy (as in Netty's IdleStateHandler): a phase
 * change only records the time, and one timer per connection checks the current phase's deadline,
 * so a request costs no timer operation. A connection that stops taking its response gets a second
 * timer, which samples the progress of its writes (as IdleStateHandler's {@code observeOutput})
 * while it stays full. Confined to the connection's event loop.
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

  /** How many times per {@code client-timeout} a full connection's write progress is sampled. */
  private static final int STALL_SAMPLES = 4;

  private enum Phase {
    /** Waiting for (the rest of) a request head. */
    HEADERS,
    /** The head is decoded, the body is not complete. */
    BODY,
    /** The request is complete; its response is on its way. */
    REQUEST,
    /** Between requests. */
    IDLE,
    /** The last response is written; the connection closes once the client has taken it. */
    CLOSING
  }

  private final long headerTimeoutNanos;
  private final long keepAliveNanos;
  private final long bodyTimeoutNanos;
  private final long clientTimeoutNanos;

  // Both set by start(), which the connection calls as Netty adds it, before any byte is read.
  @SuppressWarnings("NullAway.Init")
  private Http1Front front;

  @SuppressWarnings("NullAway.Init")
  private ChannelHandlerContext ctx;

  /** Whether the response to the current request has started. */
  private boolean responseStarted;

  private Phase phase = Phase.HEADERS;

  /** When the current phase started (System.nanoTime); the deadline follows from the phase. */
  private long phaseStart = System.nanoTime();

  /** When the last bytes of a request head or body arrived (System.nanoTime). */
  private long lastRead = phaseStart;

  private @Nullable ScheduledFuture<?> timer;

  /** When the pending timer fires (System.nanoTime). */
  private long timerDeadline;

  private boolean closed;

  /** The connection is not writable: the client does not take what it is sent. */
  private boolean stalled;

  /** While stalled: when the client last took bytes (System.nanoTime). */
  private long lastWriteProgress;

  /** While stalled: the outbound buffer's state at the last sample. */
  private int sampledMessage;

  private long sampledProgress;
  private long sampledPending;
  private @Nullable ScheduledFuture<?> stallTimer;

  /**
   * @param headerTimeout {@code request-header-timeout}
   * @param bodyTimeout {@code request-body-timeout}
   * @param keepAlive {@code keepalive-timeout}
   * @param clientTimeout {@code client-timeout}
   */
  ConnectionGuard(
      Duration headerTimeout, Duration bodyTimeout, Duration keepAlive, Duration clientTimeout) {
    this.headerTimeoutNanos = Math.max(1, headerTimeout.toNanos());
    this.clientTimeoutNanos = Math.max(1, clientTimeout.toNanos());
    this.bodyTimeoutNanos = Math.min(Math.max(1, bodyTimeout.toNanos()), clientTimeoutNanos);
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
    } else if (phase == Phase.BODY || phase == Phase.HEADERS) {
      lastRead = System.nanoTime();
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

  /** The last response was written completely; the connection closes once it is flushed. */
  void closing() {
    enter(Phase.CLOSING);
  }

  /** The connection's writability changed: a full one must keep taking bytes. */
  void writability(boolean writable) {
    if (writable) {
      stalled = false;
    } else if (!stalled && !closed) {
      stalled = true;
      lastWriteProgress = System.nanoTime();
      sample();
      if (stallTimer == null) {
        armStallCheck();
      }
    }
  }

  /** Stops every check (the connection closed, or became a tunnel). */
  void disarm() {
    closed = true;
    if (timer != null) {
      timer.cancel(false);
      timer = null;
    }
    if (stallTimer != null) {
      stallTimer.cancel(false);
      stallTimer = null;
    }
  }

  private void enter(Phase next) {
    phase = next;
    phaseStart = System.nanoTime();
    lastRead = phaseStart;
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

  /** The longest a phase may last from its start (or its last read). */
  private long budget(Phase p) {
    return switch (p) {
      case HEADERS -> Math.min(headerTimeoutNanos, clientTimeoutNanos);
      case BODY -> bodyTimeoutNanos;
      case CLOSING -> clientTimeoutNanos;
      default -> keepAliveNanos;
    };
  }

  /** When the current phase times out (System.nanoTime). */
  private long deadline() {
    return switch (phase) {
      case HEADERS -> earlier(phaseStart + headerTimeoutNanos, lastRead + clientTimeoutNanos);
      case BODY -> lastRead + bodyTimeoutNanos;
      default -> phaseStart + budget(phase);
    };
  }

  private static long earlier(long a, long b) {
    return a - b < 0 ? a : b;
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
    long left = deadline() - System.nanoTime();
    if (left > 1_000_000) {
      arm(Math.min(left, headerTimeoutNanos));
    } else if (phase == Phase.HEADERS || (phase == Phase.BODY && !responseStarted)) {
      closed = true;
      front.timedOut(REQUEST_TIMEOUT);
    } else {
      closed = true;
      front.timedOut(null);
    }
  }

  // ---- a client that does not take its response

  private void armStallCheck() {
    stallTimer =
        ctx.executor()
            .schedule(
                this::stallCheck,
                Math.max(1_000_000, clientTimeoutNanos / STALL_SAMPLES),
                TimeUnit.NANOSECONDS);
  }

  private void stallCheck() {
    stallTimer = null;
    if (closed || !stalled) {
      return;
    }
    long now = System.nanoTime();
    if (sample()) {
      lastWriteProgress = now;
    }
    if (now - lastWriteProgress >= clientTimeoutNanos) {
      closed = true;
      if (timer != null) {
        timer.cancel(false);
        timer = null;
      }
      front.timedOut(null);
    } else {
      armStallCheck();
    }
  }

  /**
   * Records the state of the connection's outbound buffer; whether it changed since the last sample
   * (the client took bytes).
   */
  private boolean sample() {
    ChannelOutboundBuffer out = ctx.channel().unsafe().outboundBuffer();
    if (out == null) {
      return true;
    }
    int message = System.identityHashCode(out.current());
    long progress = out.currentProgress();
    long pending = out.totalPendingWriteBytes();
    boolean changed =
        message != sampledMessage || progress != sampledProgress || pending < sampledPending;
    sampledMessage = message;
    sampledProgress = progress;
    sampledPending = pending;
    return changed;
  }
}
