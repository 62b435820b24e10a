package io.vxgate.gateway.upstream;

import io.vxgate.gateway.lb.Balancer;
import io.vxgate.gateway.lb.Endpoint;
import io.vxgate.gateway.lb.PickContext;
import io.vxgate.util.Ticker;
import java.util.random.RandomGenerator;

/**
 * Picks a server of one upstream: the primaries' balancer first, the backups' balancer only when no
 * primary is available or every available primary was already tried by this request (nginx's
 * {@code backup}).
 *
 * <p>One selector per upstream and config version is shared by all event loops of the node, so
 * round robin rotates over the node's requests as a whole (as HAProxy's threads share their
 * balancer). Balancers are single-threaded, so a pick holds this selector's lock: a short critical
 * section over a few counters per server.
 */
public final class UpstreamSelector {
  private final Upstream upstream;
  private final Balancer primary;
  private final Balancer backup;

  public UpstreamSelector(Upstream upstream, Ticker ticker, RandomGenerator random) {
    this.upstream = upstream;
    var balance = upstream.config().balance();
    this.primary = Balancer.create(balance, upstream.primaries(), ticker, random);
    this.backup =
        upstream.backups().isEmpty()
            ? null
            : Balancer.create(balance, upstream.backups(), ticker, random);
  }

  public Upstream upstream() {
    return upstream;
  }

  /** The server for the next attempt, or null when none is available. */
  public synchronized ServerState pick(PickContext ctx) {
    Endpoint e = primary.pick(ctx);
    if (backup != null && (e == null || ctx.tried(e))) {
      Endpoint b = backup.pick(ctx);
      if (b != null && (e == null || !ctx.tried(b))) {
        return (ServerState) b;
      }
    }
    return (ServerState) e;
  }
}
