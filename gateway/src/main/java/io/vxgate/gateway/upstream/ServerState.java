package io.vxgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import io.vertx.core.net.SocketAddress;
import io.vxgate.config.ServerConfig;
import io.vxgate.gateway.health.ActiveHealth;
import io.vxgate.gateway.health.PassiveHealth;
import io.vxgate.gateway.health.SlowStart;
import io.vxgate.gateway.lb.Endpoint;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The live state of one server on this node, shared by every event loop: passive and active health,
 * operator state, in-flight count and slow-start ramp. It outlives config versions while the
 * server's definition is unchanged (see {@link HealthRegistry}). Thread-safe; the reads on the
 * request path are volatile reads and one atomic.
 */
public final class ServerState implements Endpoint {
  private final String upstream;
  private final ServerConfig config;
  private final PassiveHealth passive;
  private final ActiveHealth active;
  private final Duration slowStart;
  private final Ticker ticker;
  private final SocketAddress socketAddress;
  private final AtomicInteger inFlight = new AtomicInteger();
  private volatile AdminState adminState = AdminState.ENABLED;
  private volatile long activeUpSinceNanos = Long.MIN_VALUE;
  private volatile Boolean clusterUp; // the cluster's merged verdict; null: none, use our own

  /**
   * @param active nullable; without active checks the server counts as up
   */
  public ServerState(
      String upstream,
      ServerConfig config,
      PassiveHealth passive,
      ActiveHealth active,
      Duration slowStart,
      Ticker ticker) {
    this.upstream = requireNonNull(upstream, "upstream");
    this.config = requireNonNull(config, "config");
    this.passive = requireNonNull(passive, "passive");
    this.active = active;
    this.slowStart = requireNonNull(slowStart, "slowStart");
    this.ticker = requireNonNull(ticker, "ticker");
    this.socketAddress =
        SocketAddress.inetSocketAddress(config.address().port(), config.address().host());
  }

  /** The origin's socket address (resolved by the client at connect time). */
  public SocketAddress socketAddress() {
    return socketAddress;
  }

  public String upstream() {
    return upstream;
  }

  public ServerConfig config() {
    return config;
  }

  public PassiveHealth passive() {
    return passive;
  }

  /** Nullable: the active health state machine when the upstream has checks. */
  public ActiveHealth active() {
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
    long since = Math.max(activeUpSinceNanos, passive.downUntilNanos());
    if (since == Long.MIN_VALUE) {
      return config.weight();
    }
    return SlowStart.effectiveWeight(config.weight(), since, nowNanos, slowStart);
  }

  @Override
  public int inFlight() {
    return inFlight.get();
  }

  @Override
  public boolean available(long nowNanos) {
    return adminState == AdminState.ENABLED && healthy(nowNanos) && underMaxConns();
  }

  /**
   * Whether the server could take a request if this node's passive checks were ignored: enabled,
   * actively healthy, under max-conns. Used only when no server of the upstream is available at all
   * (see {@link UpstreamSelector}).
   */
  public boolean availableIgnoringPassive() {
    Boolean cluster = clusterUp;
    boolean up = cluster != null ? cluster : active == null || active.isUp();
    return adminState == AdminState.ENABLED && up && underMaxConns();
  }

  /**
   * Healthy by active and passive checks, whatever the operator state. In a cluster the merged
   * verdict of the health board (when there is one for this server) replaces this node's own active
   * state; this node's passive state always counts.
   */
  public boolean healthy(long nowNanos) {
    Boolean cluster = clusterUp;
    boolean up = cluster != null ? cluster : active == null || active.isUp();
    return up && !passive.isDown(nowNanos);
  }

  /** The cluster's merged verdict on this server, or null when there is none. */
  public Boolean clusterUp() {
    return clusterUp;
  }

  /** Sets the cluster's merged verdict (null: none, this node's own checks decide). */
  public void clusterUp(Boolean up) {
    Boolean was = clusterUp;
    clusterUp = up;
    if (Boolean.TRUE.equals(up) && Boolean.FALSE.equals(was)) {
      markActiveUp();
    }
  }

  private boolean underMaxConns() {
    int max = config.maxConns();
    return max <= 0 || inFlight.get() < max;
  }

  public AdminState adminState() {
    return adminState;
  }

  public void adminState(AdminState state) {
    this.adminState = requireNonNull(state, "state");
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

  @Override
  public String toString() {
    return upstream + "/" + config.name() + "@" + config.address();
  }
}
