package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * A named limit policy of the cluster-wide {@code limits:} section (docs/configuration.md, section
 * "limits"), which routes name in their {@code limits:} list: a request rate with nginx's {@code
 * limit_req} semantics, a cap on requests in flight (nginx's {@code limit_conn}), or both, per key.
 *
 * @param rate nullable: no rate limit
 * @param burst requests over the rate that are taken (delayed or passed) before refusing
 * @param delay how many of the burst pass at once, the rest waits ({@code delay:}); ignored with
 *     {@link #nodelay}
 * @param nodelay the whole burst passes at once
 * @param concurrency requests in flight (and open WebSocket sessions) per key; 0: no cap
 * @param key what the requests are counted by
 * @param exempt CIDRs (as written) of clients the policy does not count
 * @param scope whether the limit holds for the cluster as a whole or for each node
 * @param maxKeys keys held per policy and node at most; the least recently used goes first
 */
public record LimitConfig(
    String name,
    @Nullable Rate rate,
    int burst,
    int delay,
    boolean nodelay,
    int concurrency,
    Key key,
    List<String> exempt,
    Scope scope,
    int maxKeys) {
  /** The {@code burst} when none is given. */
  public static final int DEFAULT_BURST = 0;

  /** The {@code delay} when none is given: every request of the burst waits its turn. */
  public static final int DEFAULT_DELAY = 0;

  /** The {@code key} when none is given. */
  public static final Key DEFAULT_KEY = new Key(Key.Kind.CLIENT_IP, null);

  /** The {@code scope} when none is given. */
  public static final Scope DEFAULT_SCOPE = Scope.CLUSTER;

  /** The {@code max-keys} when none is given. */
  public static final int DEFAULT_MAX_KEYS = 100_000;

  public LimitConfig {
    requireNonNull(name, "name");
    requireNonNull(key, "key");
    exempt = List.copyOf(exempt);
    requireNonNull(scope, "scope");
    if (rate == null && concurrency <= 0) {
      throw new IllegalArgumentException("a limit needs a rate, a concurrency or both: " + name);
    }
  }

  /** A rate limit with the defaults for the rest. */
  public static LimitConfig rate(String name, Rate rate, int burst) {
    return new LimitConfig(
        name,
        rate,
        burst,
        DEFAULT_DELAY,
        false,
        0,
        DEFAULT_KEY,
        List.of(),
        DEFAULT_SCOPE,
        DEFAULT_MAX_KEYS);
  }

  /**
   * How many requests of the burst pass without waiting: all with {@code nodelay}, else {@link
   * #delay}.
   */
  public int passAtOnce() {
    return nodelay ? Integer.MAX_VALUE : delay;
  }

  /**
   * A rate of {@code count} requests per second or per minute ({@code 10/s}, {@code 300/m}).
   *
   * @param perMinute whether {@code count} is per minute (else per second)
   */
  public record Rate(int count, boolean perMinute) {
    public Rate {
      if (count < 1) {
        throw new IllegalArgumentException("rate: " + count);
      }
    }

    /**
     * The rate in thousandths of a request per second, as nginx keeps it (so {@code 1/m} is 16: the
     * integer division is nginx's).
     */
    public long milliPerSecond() {
      return perMinute ? count * 1000L / 60 : count * 1000L;
    }

    /** The window of the rate in seconds: 1 or 60. */
    public int windowSeconds() {
      return perMinute ? 60 : 1;
    }

    @Override
    public String toString() {
      return count + (perMinute ? "/m" : "/s");
    }
  }

  /**
   * What a policy counts requests by.
   *
   * @param name the header or cookie name for {@link Kind#HEADER} and {@link Kind#COOKIE}, else
   *     null
   */
  public record Key(Kind kind, @Nullable String name) {
    /** The kinds of key. */
    public enum Kind {
      /** The client's address (behind {@code trusted-proxies}, from X-Forwarded-For). */
      CLIENT_IP,
      /** A request header's value. */
      HEADER,
      /** A cookie's value. */
      COOKIE,
      /** The route: all its requests share one count. */
      ROUTE,
      /** The upstream: all requests to it through routes with this policy share one count. */
      UPSTREAM
    }

    public Key {
      requireNonNull(kind, "kind");
      if ((kind == Kind.HEADER || kind == Kind.COOKIE) != (name != null)) {
        throw new IllegalArgumentException("a name for header and cookie keys only: " + kind);
      }
    }

    @Override
    public String toString() {
      return switch (kind) {
        case CLIENT_IP -> "client-ip";
        case HEADER -> "header:" + name;
        case COOKIE -> "cookie:" + name;
        case ROUTE -> "route";
        case UPSTREAM -> "upstream";
      };
    }
  }

  /** Where a limit holds. */
  public enum Scope {
    /** For the cluster as a whole: the nodes exchange their counts (docs/cluster.md). */
    CLUSTER,
    /** For each node on its own. */
    NODE;

    /** The name in the config. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }
}
