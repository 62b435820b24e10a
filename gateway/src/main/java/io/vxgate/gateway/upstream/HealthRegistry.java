package io.vxgate.gateway.upstream;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
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
import java.util.Objects;
import java.util.SplittableRandom;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's live server states across config versions. A server whose definition (address,
 * weight, checks, passive settings) is unchanged by a new config keeps its state: health, operator
 * state and in-flight count survive the swap. Active checkers are started for new servers and
 * stopped for removed ones. Not thread-safe: updated from one thread (the node's control context).
 */
public final class HealthRegistry {
  private static final Logger log = LoggerFactory.getLogger(HealthRegistry.class);

  private final Vertx vertx;
  private final Ticker ticker;
  private final SplittableRandom random = new SplittableRandom();
  private Map<String, Entry> entries = new HashMap<>();

  private record Fingerprint(
      ServerConfig server,
      HealthCheckConfig check,
      UpstreamConfig.PassiveConfig passive,
      Duration slowStart) {}

  private record Entry(Fingerprint fingerprint, ServerState state, HealthChecker checker) {}

  public HealthRegistry(Vertx vertx, Ticker ticker) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.ticker = requireNonNull(ticker, "ticker");
  }

  /**
   * Returns the server states of every upstream of {@code config}, in config order, reusing the
   * states of unchanged servers; starts and stops active checkers to match.
   */
  public Map<String, List<ServerState>> update(GatewayConfig config) {
    Map<String, Entry> next = new HashMap<>();
    Map<String, List<ServerState>> out = new HashMap<>();
    for (UpstreamConfig u : config.upstreams().values()) {
      List<ServerState> states = new ArrayList<>(u.servers().size());
      for (ServerConfig s : u.servers()) {
        String key = u.name() + "/" + s.name();
        Fingerprint fp = new Fingerprint(s, u.healthCheck(), u.passive(), u.slowStart());
        Entry e = entries.get(key);
        if (e == null || !e.fingerprint().equals(fp)) {
          AdminState admin = e == null ? AdminState.ENABLED : e.state().adminState();
          e = create(u, s, fp);
          e.state().adminState(admin);
        }
        next.put(key, e);
        states.add(e.state());
      }
      out.put(u.name(), List.copyOf(states));
    }
    entries.forEach(
        (key, e) -> {
          if (next.get(key) != e && e.checker() != null) {
            e.checker().stop();
          }
        });
    entries = next;
    return out;
  }

  /** The state of one server, or null. */
  public ServerState state(String upstream, String server) {
    Entry e = entries.get(upstream + "/" + server);
    return e == null ? null : e.state();
  }

  /** Every live server state. */
  public List<ServerState> states() {
    return entries.values().stream().map(Entry::state).toList();
  }

  private Entry create(UpstreamConfig u, ServerConfig s, Fingerprint fp) {
    PassiveHealth passive =
        new PassiveHealth(
            u.passive().maxFails(),
            u.passive().failTimeout(),
            ticker,
            () ->
                log.atWarn()
                    .addKeyValue("upstream", u.name())
                    .addKeyValue("server", s.name())
                    .addKeyValue("address", s.address())
                    .addKeyValue("for", u.passive().failTimeout())
                    .log("server marked down by passive checks"));
    HealthCheckConfig check = u.healthCheck();
    ActiveHealth active = check == null ? null : new ActiveHealth(check.rise(), check.fall(), true);
    ServerState state = new ServerState(u.name(), s, passive, active, u.slowStart(), ticker);
    HealthChecker checker = null;
    if (check != null) {
      checker =
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
              });
      checker.start();
    }
    return new Entry(fp, state, checker);
  }

  /** Stops every active checker. */
  public void close() {
    entries.values().stream().map(Entry::checker).filter(Objects::nonNull).forEach(HealthChecker::stop);
    entries = new HashMap<>();
  }
}
