package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.RetryOn;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.UpstreamConfig;
import java.util.EnumSet;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Whether a request whose attempt failed is tried again (the rules of {@code retries} and {@code
 * retry-on}, docs/configuration.md#upstreams-cluster-wide): at most {@code retries} further
 * attempts; only for a failure or an origin status listed in {@code retry-on}; never once response
 * bytes reached the client; never once bytes of a streamed request body went to an origin (they are
 * not kept; a buffered body is, and is sent again); and a failure that may have reached the origin
 * (a reset, a timeout, a status) only for an idempotent method whose body, if any, is buffered, so
 * that a POST or PATCH is retried only when nothing was sent (a connect failure).
 *
 * <p>Armeria's {@code RetryRule} is the model: one immutable decision function, asked by both
 * {@link Exchange} and {@link WebSocketTunnel}. A policy is built once per config snapshot for each
 * route ({@link ProxySnapshot#retryPolicy}), never per request, from the settings that apply to the
 * route: its own {@code retries} and {@code retry-on} where it sets them, else its upstream's.
 * Immutable and thread-safe; deciding allocates nothing.
 */
public final class RetryPolicy {
  private final int retries;
  private final Set<RetryOn> retryOn;

  /**
   * @param retries how many further attempts may follow the first (>= 0)
   * @param retryOn the conditions that allow one
   */
  RetryPolicy(int retries, Set<RetryOn> retryOn) {
    if (retries < 0) {
      throw new IllegalArgumentException("retries: " + retries + " (expected: >= 0)");
    }
    this.retries = retries;
    this.retryOn = retryOn.isEmpty() ? EnumSet.noneOf(RetryOn.class) : EnumSet.copyOf(retryOn);
  }

  /**
   * The policy of a route's requests to {@code upstream}: the route's {@code retries} and {@code
   * retry-on} where it sets them, else the upstream's.
   */
  public static RetryPolicy of(UpstreamConfig upstream, RouteConfig route) {
    requireNonNull(upstream, "upstream");
    requireNonNull(route, "route");
    return new RetryPolicy(route.retries(upstream), route.retryOn(upstream));
  }

  /** Where a request's body stands, as far as sending it again goes. */
  enum Body {
    /** The request has no body (or an empty one). */
    NONE,
    /** The gateway holds the whole body (request buffering): it can be sent again. */
    KEPT,
    /** The body streams to the origin, and none of it was written to an origin yet. */
    UNSENT,
    /** The body streams, and bytes of it went to an origin: they are gone. */
    SENT
  }

  /**
   * After an attempt failed without a response head.
   *
   * @param attempts the attempts made so far, the failed one included (1 after the first)
   * @param method the request's method
   * @param body where the request body stands (over every attempt)
   * @param responseStarted whether response bytes were written to the client
   */
  RetryDecision onFailure(
      UpstreamFailure failure, int attempts, String method, Body body, boolean responseStarted) {
    return decide(
        failure.retryOn(), failure.mayHaveReachedOrigin(), attempts, method, body, responseStarted);
  }

  /**
   * After an origin answered {@code status}; {@link RetryDecision#NOT_LISTED} unless the status is
   * in {@code retry-on}. A status counts as having reached the origin. Parameters as {@link
   * #onFailure}.
   */
  RetryDecision onStatus(
      int status, int attempts, String method, Body body, boolean responseStarted) {
    return decide(RetryOn.ofStatus(status), true, attempts, method, body, responseStarted);
  }

  private RetryDecision decide(
      @Nullable RetryOn condition,
      boolean mayHaveReachedOrigin,
      int attempts,
      String method,
      Body body,
      boolean responseStarted) {
    if (condition == null || !retryOn.contains(condition)) {
      return RetryDecision.NOT_LISTED;
    }
    if (responseStarted) {
      return RetryDecision.RESPONSE_STARTED;
    }
    if (attempts > retries) {
      return RetryDecision.BUDGET_SPENT;
    }
    if (body == Body.SENT) {
      return RetryDecision.BODY_SENT;
    }
    if (mayHaveReachedOrigin && (body == Body.UNSENT || !idempotent(method))) {
      return RetryDecision.UNSAFE;
    }
    return RetryDecision.RETRY;
  }

  /** The idempotent methods of RFC 9110 section 9.2.2. */
  static boolean idempotent(String method) {
    return switch (method) {
      case "GET", "HEAD", "OPTIONS", "TRACE", "PUT", "DELETE" -> true;
      default -> false;
    };
  }

  @Override
  public String toString() {
    return "RetryPolicy[retries=" + retries + ", retry-on=" + retryOn + "]";
  }
}
