package io.vxgate.gateway.upstream;

import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.lb.Balancer;
import io.vxgate.gateway.lb.Endpoint;
import io.vxgate.gateway.lb.PickContext;
import io.vxgate.util.Ticker;
import java.util.ArrayList;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Picks a server of one upstream: the primaries' balancer first, the backups' balancer only when no
 * primary is available or every available primary was already tried by this request (nginx's {@code
 * backup}).
 *
 * <p><b>Datacenter locality</b> ({@code locality.prefer-datacenter: true}): the primaries whose
 * {@code datacenter} is this node's are preferred while at least {@code min-healthy-percent} of
 * them are available; below that (or when none of them is left untried) the pick spills over to all
 * primaries, as Envoy's zone-aware routing does with its panic threshold. Without a node datacenter
 * or local primaries, locality changes nothing.
 *
 * <p><b>Panic mode</b>: when no server at all is available, but some are out only because of this
 * node's passive checks, the pick balances over those (Envoy's panic threshold, at 0%; which flags
 * still exclude a server then is {@link io.vxgate.cluster.HealthFlag#UNAVAILABLE_IN_PANIC}).
 * Passive marks are a heuristic, and a burst of failures (a client storm, a network blip) must not
 * turn into a total outage of the upstream; active-check verdicts and operator drain/disable still
 * exclude a server.
 *
 * <p>One selector per upstream and config version is shared by all event loops of the node, so
 * round robin rotates over the node's requests as a whole (as HAProxy's threads share their
 * balancer). Balancers are single-threaded, so a pick holds this selector's lock: a short critical
 * section over a few counters per server.
 */
public final class UpstreamSelector {
  private final Upstream upstream;
  private final Ticker ticker;
  private final Balancer primary;
  private final @Nullable Balancer backup;
  private final List<ServerState> local;
  private final @Nullable Balancer localBalancer;
  private final int minHealthyPercent;
  private final Balancer panic;

  /** A selector without datacenter locality. */
  public UpstreamSelector(Upstream upstream, Ticker ticker, RandomGenerator random) {
    this(upstream, ticker, random, null);
  }

  /**
   * @param datacenter this node's datacenter, for {@code locality.prefer-datacenter} (null: none)
   */
  public UpstreamSelector(
      Upstream upstream, Ticker ticker, RandomGenerator random, @Nullable String datacenter) {
    this.upstream = upstream;
    this.ticker = ticker;
    var balance = upstream.config().balance();
    this.primary = Balancer.create(balance, upstream.primaries(), ticker, random);
    this.backup =
        upstream.backups().isEmpty()
            ? null
            : Balancer.create(balance, upstream.backups(), ticker, random);
    UpstreamConfig.LocalityConfig locality = upstream.config().locality();
    List<ServerState> mine =
        datacenter == null || !locality.preferDatacenter()
            ? List.of()
            : upstream.primaries().stream()
                .filter(s -> datacenter.equals(s.config().datacenter()))
                .toList();
    this.local = mine.size() == upstream.primaries().size() ? List.of() : mine;
    this.localBalancer = local.isEmpty() ? null : Balancer.create(balance, local, ticker, random);
    this.minHealthyPercent = locality.minHealthyPercent();
    List<PassiveBlind> all = new ArrayList<>();
    upstream.primaries().forEach(srv -> all.add(new PassiveBlind(srv)));
    upstream.backups().forEach(srv -> all.add(new PassiveBlind(srv)));
    this.panic = Balancer.create(balance, all, ticker, random);
  }

  public Upstream upstream() {
    return upstream;
  }

  /** The server for the next attempt, or null when none is available. */
  public synchronized @Nullable ServerState pick(PickContext ctx) {
    Endpoint e = null;
    if (localBalancer != null && localHealthy()) {
      e = localBalancer.pick(ctx);
    }
    if (e == null || ctx.tried(e)) {
      Endpoint any = primary.pick(ctx);
      if (e == null || (any != null && !ctx.tried(any))) {
        e = any;
      }
    }
    if (backup != null && (e == null || ctx.tried(e))) {
      Endpoint b = backup.pick(ctx);
      if (b != null && (e == null || !ctx.tried(b))) {
        return (ServerState) b;
      }
    }
    if (e == null) {
      Endpoint p = panic.pick(new PanicContext(ctx));
      return p == null ? null : ((PassiveBlind) p).server;
    }
    return (ServerState) e;
  }

  /** A server as the panic balancer sees it: available unless down for a non-passive reason. */
  private record PassiveBlind(ServerState server) implements Endpoint {
    @Override
    public String name() {
      return server.name();
    }

    @Override
    public int weight() {
      return server.weight();
    }

    @Override
    public int effectiveWeight(long nowNanos) {
      return server.weight();
    }

    @Override
    public int inFlight() {
      return server.inFlight();
    }

    @Override
    public boolean available(long nowNanos) {
      return server.availableInPanic(nowNanos);
    }
  }

  /** The request's context, with "tried" seen through the wrappers. */
  private record PanicContext(PickContext ctx) implements PickContext {
    @Override
    public @Nullable CharSequence hashKey() {
      return ctx.hashKey();
    }

    @Override
    public boolean tried(Endpoint e) {
      return ctx.tried(((PassiveBlind) e).server());
    }
  }

  /** Whether at least min-healthy-percent of the local primaries are available. */
  private boolean localHealthy() {
    long now = ticker.nanoTime();
    int available = 0;
    for (ServerState s : local) {
      if (s.available(now)) {
        available++;
      }
    }
    return available > 0 && available * 100 >= minHealthyPercent * local.size();
  }
}
