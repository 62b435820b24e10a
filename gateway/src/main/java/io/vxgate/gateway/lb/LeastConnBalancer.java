package io.vxgate.gateway.lb;

import static java.util.Objects.requireNonNull;

import io.vxgate.util.Ticker;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code leastconn}: nginx's {@code least_conn} ({@code ngx_http_upstream_get_least_conn_peer}).
 *
 * <p>Picks the available, untried server with the fewest in-flight requests per unit of effective
 * weight, comparing {@code inFlight(a) * weight(b) < inFlight(b) * weight(a)} so no division is
 * needed. When several servers tie, smooth weighted round robin (see {@link RoundRobinBalancer})
 * picks among them, so with no load at all the servers get the round-robin sequence, e.g. {@code a
 * a b a c a a} for weights 5, 1, 1. Current weights change only on ties, as in nginx. When every
 * available server was already tried, the pick runs again over the tried ones.
 */
final class LeastConnBalancer implements Balancer {
  private final Endpoint[] servers;
  private final int[] current;
  private final Ticker ticker;
  // Scratch for one pick (a balancer makes one pick at a time: its UpstreamSelector's pick is
  // synchronized): each candidate's effective
  // weight (0 = not a candidate) and in-flight count, read once so the live values cannot change
  // between the search and the tie-break.
  private final int[] weight;
  private final int[] inFlight;

  LeastConnBalancer(List<? extends Endpoint> servers, Ticker ticker) {
    this.servers = servers.toArray(new Endpoint[0]);
    this.current = new int[this.servers.length];
    this.weight = new int[this.servers.length];
    this.inFlight = new int[this.servers.length];
    this.ticker = requireNonNull(ticker, "ticker");
  }

  @Override
  public @Nullable Endpoint pick(PickContext ctx) {
    long now = ticker.nanoTime();
    int best = pick(ctx, now, true);
    if (best < 0) {
      best = pick(ctx, now, false);
    }
    return best < 0 ? null : servers[best];
  }

  private int pick(PickContext ctx, long now, boolean skipTried) {
    int best = -1;
    boolean many = false;
    for (int i = 0; i < servers.length; i++) {
      Endpoint e = servers[i];
      if (!e.available(now) || (skipTried && ctx.tried(e))) {
        weight[i] = 0;
        continue;
      }
      weight[i] = Math.max(1, e.effectiveWeight(now));
      inFlight[i] = e.inFlight();
      if (best < 0) {
        best = i;
        continue;
      }
      long cmp = compare(i, best);
      if (cmp < 0) {
        best = i;
        many = false;
      } else if (cmp == 0) {
        many = true;
      }
    }
    if (!many) {
      return best;
    }
    // Smooth weighted round robin among the servers tied with the first best one.
    int first = best;
    int total = 0;
    best = -1;
    for (int i = first; i < servers.length; i++) {
      if (weight[i] == 0 || compare(i, first) != 0) {
        continue;
      }
      current[i] += weight[i];
      total += weight[i];
      if (best < 0 || current[i] > current[best]) {
        best = i;
      }
    }
    current[best] -= total;
    return best;
  }

  /** Negative when server i has fewer in-flight requests per weight than server j. */
  private long compare(int i, int j) {
    return (long) inFlight[i] * weight[j] - (long) inFlight[j] * weight[i];
  }
}
