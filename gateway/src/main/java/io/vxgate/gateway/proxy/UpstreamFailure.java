package io.vxgate.gateway.proxy;

import io.netty.channel.ConnectTimeoutException;
import io.vxgate.config.RetryOn;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.upstream.UpstreamPool;
import java.net.ConnectException;
import java.net.NoRouteToHostException;
import java.net.UnknownHostException;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;

/**
 * Every way an attempt to an origin can fail, in one place: the status the client gets, the {@code
 * retry-on} condition it corresponds to, whether anything may have reached the origin, the
 * metric/log tag (Zuul's {@code OutboundErrorType}) and the access log's {@link Termination}.
 */
public enum UpstreamFailure {
  /** TCP connect refused or unreachable: nothing was sent. */
  CONNECT_FAILURE(
      502, RetryOn.CONNECT_FAILURE, false, "connect_failure", Termination.ORIGIN_CONNECT_FAILED),
  /** TCP connect did not finish within {@code timeouts.connect}: nothing was sent. */
  CONNECT_TIMEOUT(
      504, RetryOn.CONNECT_FAILURE, false, "connect_timeout", Termination.ORIGIN_CONNECT_TIMEOUT),
  /** The node's connection pool to this origin is full and its wait queue too. */
  POOL_FULL(503, RetryOn.CONNECT_FAILURE, false, "pool_full", Termination.POOL_FULL),
  /**
   * No pooled connection became free within {@code timeouts.connect}: local congestion, not the
   * origin's fault (the pool applies the connect timeout to the wait as well).
   */
  POOL_TIMEOUT(503, RetryOn.CONNECT_FAILURE, false, "pool_timeout", Termination.POOL_TIMEOUT),
  /** The connection closed or was reset before a complete response header. */
  RESET(502, RetryOn.RESET, true, "reset", Termination.ORIGIN_RESET),
  /** No response header within {@code timeouts.response}, or no data within {@code idle}. */
  TIMEOUT(504, RetryOn.TIMEOUT, true, "timeout", Termination.ORIGIN_TIMEOUT),
  /** No server of the upstream is available. */
  NO_SERVER(503, null, false, "no_server", Termination.NO_SERVER);

  private final int status;
  private final @Nullable RetryOn retryOn;
  private final boolean mayHaveReachedOrigin;
  private final String tag;
  private final Termination termination;

  UpstreamFailure(
      int status,
      @Nullable RetryOn retryOn,
      boolean mayHaveReachedOrigin,
      String tag,
      Termination termination) {
    this.status = status;
    this.retryOn = retryOn;
    this.mayHaveReachedOrigin = mayHaveReachedOrigin;
    this.tag = tag;
    this.termination = termination;
  }

  /** The access log's termination of a request that ends with this failure. */
  public Termination termination() {
    return termination;
  }

  /** The status answered to the client when this failure is final. */
  public int status() {
    return status;
  }

  /** The {@code retry-on} condition that allows another attempt, or null. */
  public @Nullable RetryOn retryOn() {
    return retryOn;
  }

  /** False when the request certainly never reached the origin (safe to retry any method). */
  public boolean mayHaveReachedOrigin() {
    return mayHaveReachedOrigin;
  }

  /** A short, stable name for logs and metrics. */
  public String tag() {
    return tag;
  }

  /** Whether this failure counts against the server's passive health. */
  public boolean countsAgainstServer() {
    return this != POOL_FULL && this != POOL_TIMEOUT && this != NO_SERVER;
  }

  /** Classifies an exception from connecting to an origin (before any byte was sent). */
  public static UpstreamFailure ofConnect(Throwable t) {
    if (t instanceof UpstreamPool.PoolFullException) {
      return POOL_FULL;
    }
    if (t instanceof UpstreamPool.PoolTimeoutException) {
      return POOL_TIMEOUT;
    }
    if (t instanceof ConnectTimeoutException) {
      return CONNECT_TIMEOUT;
    }
    if (t instanceof ConnectException
        || t instanceof NoRouteToHostException
        || t instanceof UnknownHostException) {
      return CONNECT_FAILURE;
    }
    Throwable cause = t.getCause();
    return cause != null && cause != t ? ofConnect(cause) : CONNECT_FAILURE;
  }

  /** Classifies an exception raised after the request was (possibly) sent. */
  public static UpstreamFailure ofExchange(Throwable t) {
    if (t instanceof TimeoutException || t.getCause() instanceof TimeoutException) {
      return TIMEOUT;
    }
    return RESET;
  }
}
