package io.vxgate.gateway.lb;

import static java.util.Objects.requireNonNull;

import io.vxgate.util.Ticker;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code roundrobin}: nginx's smooth weighted round robin ({@code ngx_http_upstream_get_peer}).
 *
 * <p>On each pick, every available server not yet tried by the request adds its effective weight to
 * its current weight; the server with the highest current weight (the first one on a tie) wins and
 * the sum of the added weights is subtracted from its current weight. Servers skipped by a pick
 * keep their current weight. Weights {@code a=5, b=1, c=1} give the repeating sequence
 *
 * <pre>
 *   a a b a c a a
 * </pre>
 *
 * <p>that is, each server gets its share and the heavy server is interleaved with the light ones
 * instead of being picked five times in a row. When every available server was already tried by the
 * request, the pick runs again over the available servers, tried or not, so a retry still gets a
 * server.
 */
final class RoundRobinBalancer implements Balancer {
  private final Endpoint[] servers;
  private final int[] current;
  private final Ticker ticker;

  RoundRobinBalancer(List<? extends Endpoint> servers, Ticker ticker) {
    this.servers = servers.toArray(new Endpoint[0]);
    this.current = new int[this.servers.length];
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

  /** One round over the available servers (untried ones only if {@code skipTried}); -1 if none. */
  private int pick(PickContext ctx, long now, boolean skipTried) {
    int best = -1;
    int total = 0;
    for (int i = 0; i < servers.length; i++) {
      Endpoint e = servers[i];
      if (!e.available(now) || (skipTried && ctx.tried(e))) {
        continue;
      }
      int w = Math.max(1, e.effectiveWeight(now));
      current[i] += w;
      total += w;
      if (best < 0 || current[i] > current[best]) {
        best = i;
      }
    }
    if (best >= 0) {
      current[best] -= total;
    }
    return best;
  }
}
