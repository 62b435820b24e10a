package io.vxgate.gateway.lb;

import static java.util.Objects.requireNonNull;

import io.vxgate.util.Ticker;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * {@code random}: the power of two choices. Draws two distinct available, untried servers at
 * random, each with probability proportional to its effective weight, and picks the one with fewer
 * in-flight requests per unit of weight (the first drawn on a tie). With one candidate, picks it.
 * When every available server was already tried, draws among the tried ones.
 *
 * <p>Deterministic for a given seeded {@link RandomGenerator}: each pick with two or more
 * candidates draws exactly two numbers.
 */
final class RandomBalancer implements Balancer {
  private final Endpoint[] servers;
  private final Ticker ticker;
  private final RandomGenerator random;
  // Scratch for one pick (a balancer makes one pick at a time: its UpstreamSelector's pick is
  // synchronized): candidate indices and the
  // running sum of their effective weights.
  private final int[] candidate;
  private final int[] cumulative;

  RandomBalancer(List<? extends Endpoint> servers, Ticker ticker, RandomGenerator random) {
    this.servers = servers.toArray(new Endpoint[0]);
    this.ticker = requireNonNull(ticker, "ticker");
    this.random = requireNonNull(random, "random");
    this.candidate = new int[this.servers.length];
    this.cumulative = new int[this.servers.length];
  }

  @Override
  public @Nullable Endpoint pick(PickContext ctx) {
    long now = ticker.nanoTime();
    int n = collect(ctx, now, true);
    if (n == 0) {
      n = collect(ctx, now, false);
    }
    if (n == 0) {
      return null;
    }
    if (n == 1) {
      return servers[candidate[0]];
    }
    int total = cumulative[n - 1];
    int a = find(random.nextInt(total), n);
    int aStart = a == 0 ? 0 : cumulative[a - 1];
    int aWeight = cumulative[a] - aStart;
    // Draw the second one from the other candidates' weights, skipping over a's range.
    int r = random.nextInt(total - aWeight);
    int b = find(r < aStart ? r : r + aWeight, n);
    int bWeight = cumulative[b] - (b == 0 ? 0 : cumulative[b - 1]);
    Endpoint ea = servers[candidate[a]];
    Endpoint eb = servers[candidate[b]];
    return (long) eb.inFlight() * aWeight < (long) ea.inFlight() * bWeight ? eb : ea;
  }

  /** Fills the candidate arrays; returns the number of candidates. */
  private int collect(PickContext ctx, long now, boolean skipTried) {
    int n = 0;
    int total = 0;
    for (int i = 0; i < servers.length; i++) {
      Endpoint e = servers[i];
      if (!e.available(now) || (skipTried && ctx.tried(e))) {
        continue;
      }
      total += Math.max(1, e.effectiveWeight(now));
      candidate[n] = i;
      cumulative[n++] = total;
    }
    return n;
  }

  /** The position of the candidate whose weight range holds {@code r}. */
  private int find(int r, int n) {
    int lo = 0;
    int hi = n - 1;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (cumulative[mid] > r) {
        hi = mid;
      } else {
        lo = mid + 1;
      }
    }
    return lo;
  }
}
