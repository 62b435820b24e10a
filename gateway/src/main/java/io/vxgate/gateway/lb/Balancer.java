package io.vxgate.gateway.lb;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.BalanceConfig;
import io.vxgate.util.Ticker;
import java.util.List;
import java.util.random.RandomGenerator;
import org.jspecify.annotations.Nullable;

/**
 * Picks one server of a fixed list for a request. One implementation per {@code balance:} value.
 *
 * <p>A balancer is built over an immutable list (a config snapshot) and is <b>not thread-safe</b>:
 * the {@code UpstreamSelector} that owns it makes one pick at a time, for all event loops (as
 * HAProxy's threads share their balancer). Live server state (health, in-flight counts) is read
 * through {@link Endpoint} on every pick.
 */
public interface Balancer {

  /**
   * Picks an available server not yet tried by this request; when every available server was tried,
   * an available one that was tried may be returned. Returns null when no server is available.
   */
  @Nullable Endpoint pick(PickContext ctx);

  /**
   * Builds the balancer for {@code config} over {@code servers}.
   *
   * <ul>
   *   <li>{@code roundrobin}: nginx's smooth weighted round robin; weights 5, 1, 1 give the
   *       repeating sequence {@code a a b a c a a}.
   *   <li>{@code leastconn}: fewest in-flight requests per unit of weight; ties by smooth weighted
   *       round robin.
   *   <li>{@code random}: power of two choices, drawn by weight.
   *   <li>{@code source}, {@code uri}, {@code header:}, {@code cookie:}: consistent hash ring over
   *       {@link PickContext#hashKey()} (160 points per unit of weight, placed by server name);
   *       smooth weighted round robin for requests without a key.
   * </ul>
   *
   * <p>Each pick reads {@code ticker.nanoTime()} once and passes it to {@link
   * Endpoint#available(long)} and {@link Endpoint#effectiveWeight(long)}.
   *
   * @param servers the servers, with unique names; copied
   * @param random used by {@code random} (and nothing else, so it may be null for the other kinds);
   *     pass a seeded generator in tests
   */
  static Balancer create(
      BalanceConfig config,
      List<? extends Endpoint> servers,
      Ticker ticker,
      RandomGenerator random) {
    requireNonNull(config, "config");
    List<Endpoint> list = List.copyOf(requireNonNull(servers, "servers"));
    requireNonNull(ticker, "ticker");
    return switch (config.kind()) {
      case ROUNDROBIN -> new RoundRobinBalancer(list, ticker);
      case LEASTCONN -> new LeastConnBalancer(list, ticker);
      case RANDOM -> new RandomBalancer(list, ticker, requireNonNull(random, "random"));
      case SOURCE, URI, HEADER, COOKIE -> new HashBalancer(list, ticker);
    };
  }
}
