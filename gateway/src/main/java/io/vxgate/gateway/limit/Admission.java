package io.vxgate.gateway.limit;

import io.vxgate.config.LimitConfig;
import org.jspecify.annotations.Nullable;

/**
 * The answer of a route's limits to one request ({@link RouteLimits#admit}): go now, go after a
 * delay, or refused by a policy. An admitted request holds its places in the concurrency caps until
 * {@link #release()} (its end: the response, a failure, the client leaving, or a WebSocket
 * session's close). {@link #GO} is shared: a route whose request waits for nothing and holds
 * nothing allocates nothing.
 */
public final class Admission {
  /** Go at once, holding nothing. */
  public static final Admission GO = new Admission(0, null, null, null, 0, null, 0, false);

  private final long delayMs;
  private final @Nullable LimitConfig delayedBy;
  private final Policy @Nullable [] entered;
  private final long @Nullable [] hashes;
  private final int count;
  private final @Nullable LimitConfig refusedBy;
  private final long retryAfterMs;
  private final boolean byConcurrency;
  private boolean released;

  private Admission(
      long delayMs,
      @Nullable LimitConfig delayedBy,
      Policy @Nullable [] entered,
      long @Nullable [] hashes,
      int count,
      @Nullable LimitConfig refusedBy,
      long retryAfterMs,
      boolean byConcurrency) {
    this.delayMs = delayMs;
    this.delayedBy = delayedBy;
    this.entered = entered;
    this.hashes = hashes;
    this.count = count;
    this.refusedBy = refusedBy;
    this.retryAfterMs = retryAfterMs;
    this.byConcurrency = byConcurrency;
  }

  static Admission admitted(
      long delayMs,
      @Nullable LimitConfig delayedBy,
      Policy @Nullable [] entered,
      long @Nullable [] hashes,
      int count) {
    return delayMs == 0 && count == 0
        ? GO
        : new Admission(delayMs, delayedBy, entered, hashes, count, null, 0, false);
  }

  static Admission refused(LimitConfig by, long retryAfterMs, boolean byConcurrency) {
    return new Admission(0, null, null, null, 0, by, retryAfterMs, byConcurrency);
  }

  /** Whether a policy refused the request (429). */
  public boolean refused() {
    return refusedBy != null;
  }

  /** The policy that refused it, or null. */
  public @Nullable LimitConfig refusedBy() {
    return refusedBy;
  }

  /** Whether its concurrency cap refused it (else its rate). */
  public boolean byConcurrency() {
    return byConcurrency;
  }

  /** For a refused request: how long until one would be taken, in ms (at least 1). */
  public long retryAfterMs() {
    return retryAfterMs;
  }

  /** How long the request waits before it goes on, in ms (0: at once). */
  public long delayMs() {
    return delayMs;
  }

  /** The policy the longest delay comes from, or null. */
  public @Nullable LimitConfig delayedBy() {
    return delayedBy;
  }

  /** Whether this admission holds places in a concurrency cap. */
  public boolean holds() {
    return count > 0;
  }

  /** Gives back the places held; calling it again does nothing. Confined to the request's loop. */
  public void release() {
    Policy[] e = entered;
    long[] h = hashes;
    if (released || e == null || h == null) {
      return;
    }
    released = true;
    for (int i = 0; i < count; i++) {
      e[i].exit(h[i]);
    }
  }
}
