package io.vxgate.gateway.upstream;

import static io.vxgate.cluster.HealthFlag.AT_MAX_CONNS;
import static io.vxgate.cluster.HealthFlag.CLUSTER_DOWN;
import static io.vxgate.cluster.HealthFlag.DISABLED;
import static io.vxgate.cluster.HealthFlag.DRAINING;
import static io.vxgate.cluster.HealthFlag.FAILED_ACTIVE_HC;
import static io.vxgate.cluster.HealthFlag.FAILED_PASSIVE;
import static io.vxgate.cluster.HealthFlag.SLOW_START;
import static java.util.Objects.requireNonNull;

import io.vertx.core.net.SocketAddress;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.HealthFlag;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.ServerId;
import io.vxgate.config.ServerConfig;
import io.vxgate.gateway.health.ActiveHealth;
import io.vxgate.gateway.health.PassiveHealth;
import io.vxgate.gateway.health.SlowStart;
import io.vxgate.gateway.lb.Endpoint;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;

/**
 * The live state of one server on this node, shared by every event loop: passive and active health,
 * the cluster's verdict, operator state, in-flight count and slow-start ramp. It outlives config
 * versions while the server's definition is unchanged (see {@link HealthRegistry}).
 *
 * <p>What the state means for traffic is a set of {@link HealthFlag}s, derived in one place, {@link
 * #flags(long)}; availability ({@link #available}) and panic mode ({@link #availableInPanic}) are
 * one mask test over them. When the cluster has a verdict on the server, it replaces this node's
 * own active state ({@link HealthFlag#CLUSTER_DOWN} instead of {@link
 * HealthFlag#FAILED_ACTIVE_HC}); this node's passive marks always count.
 *
 * <p>Thread-safe. The request path reads only volatile fields and one atomic, and allocates
 * nothing; the setters (operator state, cluster verdict: rare) are synchronized.
 */
public final class ServerState implements Endpoint {
  /** Internal bit of {@link #stored}: the cluster has a verdict on this server. */
  private static final int CLUSTER_VERDICT = 1 << 30;

  private final ServerId id;
  private final ServerConfig config;
  private final PassiveHealth passive;
  private final @Nullable ActiveHealth active;
  private final Duration slowStart;
  private final long slowStartNanos;
  private final Ticker ticker;
  private final SocketAddress socketAddress;
  private final AtomicInteger inFlight = new AtomicInteger();
  // DISABLED, DRAINING, CLUSTER_DOWN and CLUSTER_VERDICT; written under this
  private volatile int stored;
  private volatile String clusterReason = "";
  private volatile long activeUpSinceNanos = Long.MIN_VALUE;

  /**
   * @param active null: no active checks, the server counts as up
   */
  public ServerState(
      String upstream,
      ServerConfig config,
      PassiveHealth passive,
      @Nullable ActiveHealth active,
      Duration slowStart,
      Ticker ticker) {
    this.config = requireNonNull(config, "config");
    this.id = new ServerId(requireNonNull(upstream, "upstream"), config.name());
    this.passive = requireNonNull(passive, "passive");
    this.active = active;
    this.slowStart = requireNonNull(slowStart, "slowStart");
    this.slowStartNanos = slowStart.toNanos();
    this.ticker = requireNonNull(ticker, "ticker");
    this.socketAddress =
        SocketAddress.inetSocketAddress(config.address().port(), config.address().host());
  }

  /** The origin's socket address (resolved by the client at connect time). */
  public SocketAddress socketAddress() {
    return socketAddress;
  }

  public ServerId id() {
    return id;
  }

  public String upstream() {
    return id.upstream();
  }

  public ServerConfig config() {
    return config;
  }

  public PassiveHealth passive() {
    return passive;
  }

  /** The active health state machine when the upstream has checks (null: none). */
  public @Nullable ActiveHealth active() {
    return active;
  }

  @Override
  public String name() {
    return config.name();
  }

  @Override
  public int weight() {
    return config.weight();
  }

  @Override
  public int effectiveWeight(long nowNanos) {
    long since = upSinceNanos();
    if (since == Long.MIN_VALUE) {
      return config.weight();
    }
    return SlowStart.effectiveWeight(config.weight(), since, nowNanos, slowStart);
  }

  /** Since when the server is back up: the later of the last active up and the passive down end. */
  private long upSinceNanos() {
    return Math.max(activeUpSinceNanos, passive.downUntilNanos());
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  /**
   * The server's {@link HealthFlag}s at {@code nowNanos} (bits of {@link HealthFlag#bit()}): the
   * one place where this node's checks, the cluster's verdict, the operator state, the load and the
   * ramp become flags. Volatile reads and a few operations, no allocation.
   */
  public int flags(long nowNanos) {
    int f = stored;
    if ((f & CLUSTER_VERDICT) == 0 && active != null && !active.isUp()) {
      f |= FAILED_ACTIVE_HC.bit();
    }
    if (passive.isDown(nowNanos)) {
      f |= FAILED_PASSIVE.bit();
    }
    int max = config.maxConns();
    if (max > 0 && inFlight.get() >= max) {
      f |= AT_MAX_CONNS.bit();
    }
    if (slowStartNanos > 0) {
      long elapsed = nowNanos - upSinceNanos();
      if (elapsed >= 0 && elapsed < slowStartNanos) {
        f |= SLOW_START.bit();
      }
    }
    return f & ~CLUSTER_VERDICT;
  }

  @Override
  public boolean available(long nowNanos) {
    return HealthFlag.available(flags(nowNanos));
  }

  /**
   * Whether the server could take a request if this node's passive checks were ignored. Used only
   * when no server of the upstream is available at all (panic mode, see {@link UpstreamSelector}).
   */
  public boolean availableInPanic(long nowNanos) {
    return HealthFlag.availableInPanic(flags(nowNanos));
  }

  /** The operator state. */
  public AdminState adminState() {
    int f = stored;
    return DISABLED.in(f)
        ? AdminState.DISABLED
        : DRAINING.in(f) ? AdminState.DRAIN : AdminState.ENABLED;
  }

  public synchronized void adminState(AdminState state) {
    int bit =
        switch (requireNonNull(state, "state")) {
          case ENABLED -> 0;
          case DRAIN -> DRAINING.bit();
          case DISABLED -> DISABLED.bit();
        };
    stored = (stored & ~(DISABLED.bit() | DRAINING.bit())) | bit;
  }

  /**
   * Sets the cluster's merged verdict, which replaces this node's own active state from now on. A
   * verdict that turns from down to up starts the slow-start ramp.
   *
   * @param reason why, as the cluster says it ({@code active: 2/2 down (gw-1: HTTP 503)})
   */
  public synchronized void clusterVerdict(boolean up, String reason) {
    int was = stored;
    clusterReason = requireNonNull(reason, "reason");
    stored = (was & ~CLUSTER_DOWN.bit()) | CLUSTER_VERDICT | (up ? 0 : CLUSTER_DOWN.bit());
    if (up && CLUSTER_DOWN.in(was)) {
      markActiveUp();
    }
  }

  /** Drops the cluster's verdict: this node's own active checks decide again. */
  public synchronized void noClusterVerdict() {
    stored &= ~(CLUSTER_VERDICT | CLUSTER_DOWN.bit());
    clusterReason = "";
  }

  /** Called by the active checker when the server comes up, to start the slow-start ramp. */
  public void markActiveUp() {
    activeUpSinceNanos = ticker.nanoTime();
  }

  /** A request to this server starts. */
  public void requestStarted() {
    inFlight.incrementAndGet();
  }

  /** A request to this server ended. */
  public void requestEnded() {
    inFlight.decrementAndGet();
  }

  /** The server as this node sees it now, with its flags in words (for the admin API). */
  public NodeContext.ServerStatus status() {
    long now = ticker.nanoTime();
    int flags = flags(now);
    return new NodeContext.ServerStatus(
        id,
        config.address().toString(),
        adminState(),
        HealthFlag.of(flags),
        reason(flags, now),
        inFlight.get());
  }

  /** The flags in words, the most decisive first. */
  private String reason(int flags, long now) {
    if (flags == 0) {
      return HealthFlag.HEALTHY;
    }
    List<String> parts = new ArrayList<>(2);
    if (DISABLED.in(flags)) {
      parts.add("disabled by an operator");
    }
    if (DRAINING.in(flags)) {
      parts.add("drained by an operator");
    }
    if (CLUSTER_DOWN.in(flags)) {
      parts.add("cluster verdict down (" + clusterReason + ")");
    }
    if (FAILED_ACTIVE_HC.in(flags)) {
      parts.add("active checks down on this node");
    }
    if (FAILED_PASSIVE.in(flags)) {
      parts.add(
          "passive checks failed on this node, out for "
              + seconds(passive.downUntilNanos() - now)
              + " more");
    }
    if (AT_MAX_CONNS.in(flags)) {
      parts.add("at max-conns (" + config.maxConns() + " in flight on this node)");
    }
    if (SLOW_START.in(flags)) {
      parts.add(
          "slow start: weight "
              + effectiveWeight(now)
              + " of "
              + config.weight()
              + ", full in "
              + seconds(upSinceNanos() + slowStartNanos - now));
    }
    return String.join("; ", parts);
  }

  /** {@code 7s}, rounded up. */
  private static String seconds(long nanos) {
    long s = (Math.max(0, nanos) + TimeUnit.SECONDS.toNanos(1) - 1) / TimeUnit.SECONDS.toNanos(1);
    return s + "s";
  }

  @Override
  public String toString() {
    return id + "@" + config.address();
  }
}
