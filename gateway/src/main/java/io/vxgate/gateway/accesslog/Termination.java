package io.vxgate.gateway.accesslog;

/**
 * Why a request ended the way it did, in words: HAProxy's termination state, readable
 * (docs/operations.md, "Access logs"). Every response the gateway generates itself has one; so does
 * every request that got no response.
 */
public enum Termination {
  /** The response (the origin's, or a refusal the origin sent) was sent completely. */
  OK("ok"),
  /** The client closed the connection (or reset the stream) before the response ended. */
  CLIENT_CLOSED("client-closed"),
  /** The client was too slow to send its request head or body (408). */
  CLIENT_TIMEOUT("client-timeout"),
  /** No connection to an origin could be made (refused, unreachable; 502). */
  ORIGIN_CONNECT_FAILED("origin-connect-failed"),
  /** Connecting to an origin took longer than {@code timeouts.connect} (504). */
  ORIGIN_CONNECT_TIMEOUT("origin-connect-timeout"),
  /** The origin did not answer in time ({@code timeouts.response} or {@code idle}; 504). */
  ORIGIN_TIMEOUT("origin-timeout"),
  /** The origin closed or reset the connection, or sent a malformed response (502). */
  ORIGIN_RESET("origin-reset"),
  /** A WebSocket session the origin closed. */
  ORIGIN_CLOSED("origin-closed"),
  /** A WebSocket session closed after {@code timeouts.idle} without a byte either way. */
  IDLE_TIMEOUT("idle-timeout"),
  /** The node's connection pool to the origin and its wait queue were full (503). */
  POOL_FULL("pool-full"),
  /** No pooled connection to the origin became free in time (503). */
  POOL_TIMEOUT("pool-timeout"),
  /** No server of the route's upstream was available (503). */
  NO_SERVER("no-server"),
  /** No route matched (404). */
  NO_ROUTE("no-route"),
  /** The request was malformed or ambiguous (400, 505). */
  REFUSED_BAD_REQUEST("refused-bad-request"),
  /** The request line, head or body was over a limit (414, 431, 413). */
  REFUSED_TOO_LARGE("refused-too-large"),
  /** The request used something the gateway does not implement (501). */
  REFUSED_UNSUPPORTED("refused-unsupported"),
  /** A rate or concurrency limit refused the request (429). */
  REFUSED_LIMIT("refused-limit"),
  /** Buffering the request or response body failed (a full temp disk: 507, 502). */
  BUFFER_FAILED("buffer-failed"),
  /** The gateway answered a redirect (a route's {@code redirect}, {@code redirect-https}). */
  REDIRECT("redirect"),
  /** The gateway answered a route's fixed {@code return}. */
  FIXED_RESPONSE("fixed-response");

  private final String word;

  Termination(String word) {
    this.word = word;
  }

  /** The name written in the log. */
  public String word() {
    return word;
  }

  /** The termination of a request the gateway refused with {@code status} before any origin. */
  public static Termination ofRefusal(int status) {
    return switch (status) {
      case 408 -> CLIENT_TIMEOUT;
      case 413, 414, 431 -> REFUSED_TOO_LARGE;
      case 429 -> REFUSED_LIMIT;
      case 501 -> REFUSED_UNSUPPORTED;
      default -> REFUSED_BAD_REQUEST;
    };
  }
}
