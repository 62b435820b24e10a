package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * The {@code balance:} value of an upstream.
 *
 * @param argument the header or cookie name for {@link Kind#HEADER} and {@link Kind#COOKIE}, else
 *     null
 */
public record BalanceConfig(Kind kind, String argument) {
  /** The default, {@code roundrobin}. */
  public static final BalanceConfig DEFAULT = new BalanceConfig(Kind.ROUNDROBIN, null);

  public BalanceConfig {
    requireNonNull(kind, "kind");
  }

  /** Balancing algorithms. */
  public enum Kind {
    ROUNDROBIN,
    LEASTCONN,
    RANDOM,
    SOURCE,
    URI,
    HEADER,
    COOKIE;

    /** Whether this algorithm hashes a request key onto a consistent-hash ring. */
    public boolean hashing() {
      return this == SOURCE || this == URI || this == HEADER || this == COOKIE;
    }
  }

  @Override
  public String toString() {
    String k = kind.name().toLowerCase(java.util.Locale.ROOT);
    return argument == null ? k : k + ":" + argument;
  }
}
