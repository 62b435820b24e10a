package io.vxgate.gateway.lb;

import io.vxgate.config.BalanceConfig;
import io.vxgate.util.Ticker;
import java.util.List;
import java.util.random.RandomGenerator;

/**
 * Picks one server of a fixed list for a request. One implementation per {@code balance:} value.
 *
 * <p>A balancer is built over an immutable list (a config snapshot) and is <b>confined to one
 * event loop</b>: it is not thread-safe and needs no locks. Each event loop builds its own, as each
 * nginx worker keeps its own round-robin state. Live server state (health, in-flight counts) is read
 * through {@link Endpoint} on every pick.
 */
public interface Balancer {

  /**
   * Picks an available server not yet tried by this request; when every available server was
   * tried, an available one that was tried may be returned. Returns null when no server is
   * available.
   */
  Endpoint pick(PickContext ctx);

  /**
   * Builds the balancer for {@code config} over {@code servers}.
   *
   * @param random used by {@code random} (and nothing else); pass a seeded generator in tests
   */
  static Balancer create(
      BalanceConfig config, List<? extends Endpoint> servers, Ticker ticker, RandomGenerator random) {
    throw new UnsupportedOperationException("not built yet");
  }
}
