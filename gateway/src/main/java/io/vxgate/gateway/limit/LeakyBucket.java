package io.vxgate.gateway.limit;

/**
 * nginx's {@code limit_req} arithmetic ({@code ngx_http_limit_req_module}), as pure functions. A
 * key's state is its <em>excess</em>: how many requests (in thousandths) it is ahead of the rate,
 * which leaks away at the rate. A request is taken when its excess after it, {@code max(0, excess -
 * rate * elapsed + 1000)}, is at most the burst; it then waits {@code (excess - delay) / rate} when
 * that is positive. A key seen for the first time starts at 0, so the first request of a new key
 * (or of one idle long enough) passes with excess 0, as in nginx. Times are whole milliseconds,
 * integer division included, so the same sequence of requests gets the same answers as from nginx.
 */
final class LeakyBucket {
  /** One request, in thousandths. */
  static final long ONE = 1000;

  private LeakyBucket() {}

  /**
   * The excess after one more request at {@code nowMs} (not yet compared with the burst).
   *
   * @param rate thousandths of a request per second
   */
  static long next(long excess, long lastMs, long nowMs, long rate) {
    long ms = elapsed(lastMs, nowMs);
    long e = excess - rate * ms / 1000 + ONE;
    return e < 0 ? 0 : e;
  }

  /**
   * The elapsed time nginx counts between two readings of the clock: a small step back (another
   * thread's reading) is 0.
   */
  static long elapsed(long lastMs, long nowMs) {
    long ms = nowMs - lastMs;
    return ms < 0 ? 0 : ms;
  }

  /**
   * How long a request taken with {@code excess} waits: 0 when the excess is within {@code
   * passAtOnce} requests (thousandths), else the time the rate takes to leak the rest, in ms.
   */
  static long delayMs(long excess, long passAtOnce, long rate) {
    return excess <= passAtOnce ? 0 : (excess - passAtOnce) * 1000 / rate;
  }

  /**
   * How long until a request refused with {@code candidate} (its excess, over {@code burst}) would
   * be taken, in ms, at least 1.
   */
  static long retryAfterMs(long candidate, long burst, long rate) {
    long ms = ((candidate - burst) * 1000 + rate - 1) / rate;
    return Math.max(1, ms);
  }
}
