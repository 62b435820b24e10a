package io.vxgate.gateway.proxy;

/**
 * What {@link RetryPolicy} decided after a failed attempt: {@link #RETRY}, or why not. The reasons
 * other than {@code RETRY} are for logs and tests; the request path only asks {@link #retry()}.
 */
enum RetryDecision {
  /** Try again, on another server when one is available. */
  RETRY,
  /** The failure, or the origin's status, is not a {@code retry-on} condition of the upstream. */
  NOT_LISTED,
  /** Response bytes already reached the client: the response cannot be replaced. */
  RESPONSE_STARTED,
  /** {@code retries} further attempts were made already. */
  BUDGET_SPENT,
  /**
   * Bytes of a streamed request body went to an origin: the gateway keeps no copy to send again (it
   * keeps a buffered one).
   */
  BODY_SENT,
  /**
   * The request may have reached the origin, and it is not idempotent or its body streams (is not
   * buffered): sending it again could act twice, or could not be done.
   */
  UNSAFE;

  /** Whether the request is tried again. */
  boolean retry() {
    return this == RETRY;
  }
}
