package io.vxgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.HealthBoard;
import io.vxgate.cluster.HealthView;
import io.vxgate.cluster.Membership;
import io.vxgate.cluster.ServerId;
import io.vxgate.cluster.Subscription;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.HealthCheckConfig;
import io.vxgate.config.ServerConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.health.ActiveHealth;
import io.vxgate.gateway.health.HealthChecker;
import io.vxgate.gateway.health.PassiveHealth;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's live server states across config versions. A server whose definition (address, weight,
 * checks, passive settings) is unchanged by a new config keeps its state: health, operator state
 * and in-flight count survive the swap. Active checkers are started for new servers and stopped for
 * removed ones.
 *
 * <p>In a cluster (constructed with a {@link HealthBoard}), this node actively checks only the
 * servers the board assigns to it, and is re-assigned when the membership changes; it publishes its
 * check transitions and passive down-marks to the board, and every server state follows the board's
 * merged verdict (see {@link ServerState#clusterVerdict}). Thread-safe (synchronized).
 */
public final class HealthRegistry {
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

  private final Vertx vertx;
  private final Ticker ticker;

  /** Null: standalone. */
  private final @Nullable HealthBoard board;

  /** This member's id (empty when standalone: read only with the board). */
  private final String nodeId;

  private final List<Subscription> subscriptions = new ArrayList<>();
  private final SplittableRandom random = new SplittableRandom();
  private Map<ServerId, Entry> entries = new HashMap<>();
  private boolean closed;

  private record Fingerprint(
      ServerConfig server,
      @Nullable HealthCheckConfig check,
      UpstreamConfig.PassiveConfig passive,
      Duration slowStart) {}

  private static final class Entry {
    final ServerId id;
    final UpstreamConfig upstream;
    final Fingerprint fingerprint;
    final ServerState state;
    @Nullable HealthChecker checker;

    Entry(UpstreamConfig upstream, Fingerprint fingerprint, ServerState state) {
      this.id = state.id();
      this.upstream = upstream;
      this.fingerprint = fingerprint;
      this.state = state;
    }
  }

  /** A standalone registry: this node checks every server and decides alone. */
  public HealthRegistry(Vertx vertx, Ticker ticker) {
    this(vertx, ticker, null, null);
  }

  /**
   * A registry in a cluster.
   *
   * @param board null: standalone
   * @param membership null with {@code board}; re-assigns checks when members come and go
   */
  public HealthRegistry(
      Vertx vertx, Ticker ticker, @Nullable HealthBoard board, @Nullable Membership membership) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.ticker = requireNonNull(ticker, "ticker");
    this.board = board;
    this.nodeId = membership == null ? "" : membership.local().id();
    if (board != null) {
      requireNonNull(membership, "membership");
      subscriptions.add(board.listen(this::follow));
      subscriptions.add(membership.listen(m -> reassign()));
    }
  }

  /**
   * Returns the server states of every upstream of {@code config}, in config order, reusing the
   * states of unchanged servers; starts and stops active checkers to match.
   */
  public synchronized Map<String, List<ServerState>> update(GatewayConfig config) {
    Map<ServerId, Entry> next = new HashMap<>();
    Map<String, List<ServerState>> out = new HashMap<>();
    HealthView view = board == null ? HealthView.EMPTY : board.view();
    if (board != null) {
      // before any checker starts: a server's datacenter decides who checks it
      Map<ServerId, String> datacenters = new HashMap<>();
      for (UpstreamConfig u : config.upstreams().values()) {
        for (ServerConfig s : u.servers()) {
          if (s.datacenter() != null) {
            datacenters.put(new ServerId(u.name(), s.name()), s.datacenter());
          }
        }
      }
      board.serverDatacenters(datacenters);
    }
    for (UpstreamConfig u : config.upstreams().values()) {
      List<ServerState> states = new ArrayList<>(u.servers().size());
      for (ServerConfig s : u.servers()) {
        ServerId key = new ServerId(u.name(), s.name());
        Fingerprint fp = new Fingerprint(s, u.healthCheck(), u.passive(), u.slowStart());
        Entry e = entries.get(key);
        if (e == null || !e.fingerprint.equals(fp)) {
          AdminState admin = e == null ? AdminState.ENABLED : e.state.adminState();
          e = create(u, s, fp, view.get(key));
          e.state.adminState(admin);
        }
        next.put(key, e);
        states.add(e.state);
      }
      out.put(u.name(), List.copyOf(states));
    }
    entries.forEach(
        (key, e) -> {
          if (next.get(key) != e && e.checker != null) {
            e.checker.stop();
            e.checker = null;
          }
        });
    entries = next;
    return out;
  }

  /** The state of one server, or null. */
  public synchronized @Nullable ServerState state(ServerId server) {
    Entry e = entries.get(server);
    return e == null ? null : e.state;
  }

  /** Every live server state. */
  public synchronized List<ServerState> states() {
    return entries.values().stream().map(e -> e.state).toList();
  }

  /** Whether this node runs the active checks of one server now. */
  public synchronized boolean checking(ServerId server) {
    Entry e = entries.get(server);
    return e != null && e.checker != null;
  }

  private boolean assigned(ServerId id) {
    return board == null || board.checkers(id).contains(nodeId);
  }

  private Entry create(
      UpstreamConfig u, ServerConfig s, Fingerprint fp, HealthView.@Nullable ServerHealth known) {
    ServerId id = new ServerId(u.name(), s.name());
    PassiveHealth passive =
        new PassiveHealth(
            u.passive().maxFails(),
            u.passive().failTimeout(),
            ticker,
            () -> {
              log.atWarn()
                  .addKeyValue("upstream", u.name())
                  .addKeyValue("server", s.name())
                  .addKeyValue("address", s.address())
                  .addKeyValue("for", u.passive().failTimeout())
                  .log("server marked down by passive checks");
              if (board != null) {
                board.reportPassive(
                    nodeId,
                    id,
                    u.passive().failTimeout(),
                    u.passive().maxFails() + " failures within " + u.passive().failTimeout());
              }
            });
    HealthCheckConfig check = u.healthCheck();
    // a server the cluster already knows starts in the cluster's state
    boolean startUp = known == null || known.activeUp();
    ActiveHealth active =
        check == null ? null : new ActiveHealth(check.rise(), check.fall(), startUp);
    ServerState state = new ServerState(u.name(), s, passive, active, u.slowStart(), ticker);
    if (known != null) {
      state.clusterVerdict(known.up(), known.reason());
    }
    Entry e = new Entry(u, fp, state);
    if (check != null && active != null && !closed && assigned(id)) {
      startChecker(e, check, active);
    }
    return e;
  }

  private void startChecker(Entry e, HealthCheckConfig check, ActiveHealth active) {
    UpstreamConfig u = e.upstream;
    ServerConfig s = e.fingerprint.server();
    ServerState state = e.state;
    e.checker =
        new HealthChecker(
            vertx,
            s.address(),
            s.tls(),
            check,
            active,
            random.split(),
            (up, reason) -> {
              if (up) {
                state.markActiveUp();
              }
              log.atWarn()
                  .addKeyValue("upstream", u.name())
                  .addKeyValue("server", s.name())
                  .addKeyValue("address", s.address())
                  .addKeyValue("state", up ? "up" : "down")
                  .addKeyValue("reason", reason)
                  .log("active health check changed server state");
              if (board != null) {
                board.publish(nodeId, e.id, up, reason);
              }
            });
    e.checker.start();
    if (board != null) {
      // announce the duty (and the state it starts from) so the board counts this checker
      board.publish(nodeId, e.id, active.isUp(), "checker started");
    }
  }

  /** Starts and stops checkers to match the board's assignment. */
  private synchronized void reassign() {
    if (closed || board == null) {
      return;
    }
    for (Entry e : entries.values()) {
      HealthCheckConfig check = e.upstream.healthCheck();
      ActiveHealth active = e.state.active();
      if (check == null || active == null) {
        continue;
      }
      boolean should = assigned(e.id);
      if (should && e.checker == null) {
        startChecker(e, check, active);
        log.atInfo()
            .addKeyValue("upstream", e.upstream.name())
            .addKeyValue("server", e.fingerprint.server().name())
            .log("took over active checks");
      } else if (!should && e.checker != null) {
        e.checker.stop();
        e.checker = null;
        log.atInfo()
            .addKeyValue("upstream", e.upstream.name())
            .addKeyValue("server", e.fingerprint.server().name())
            .log("handed over active checks");
      }
    }
  }

  /** Follows the board's merged view. */
  private synchronized void follow(HealthView view) {
    for (Entry e : entries.values()) {
      HealthView.ServerHealth h = view.get(e.id);
      if (h == null) {
        e.state.noClusterVerdict();
      } else {
        e.state.clusterVerdict(h.up(), h.reason());
      }
    }
  }

  /** Stops every active checker and stops following the board. */
  public synchronized void close() {
    closed = true;
    subscriptions.forEach(Subscription::cancel);
    for (Entry e : entries.values()) {
      if (e.checker != null) {
        e.checker.stop();
        e.checker = null;
      }
    }
    entries = new HashMap<>();
  }
}
