package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * The {@code balance:} value of an upstream, and its {@code hash-query}.
 *
 * @param argument the header or cookie name for {@link Kind#HEADER} and {@link Kind#COOKIE}, else
 *     null
 * @param hashQuery for {@link Kind#URI}: the query is hashed with the path (nginx's {@code hash
 *     $request_uri}); always false for the other kinds
 */
public record BalanceConfig(Kind kind, @Nullable String argument, boolean hashQuery) {
  /** The default, {@code roundrobin}. */
  public static final BalanceConfig DEFAULT = new BalanceConfig(Kind.ROUNDROBIN, null);

  /** The default {@link #hashQuery}: the path alone. */
  public static final boolean DEFAULT_HASH_QUERY = false;

  public BalanceConfig {
    requireNonNull(kind, "kind");
    if ((kind == Kind.HEADER || kind == Kind.COOKIE) && argument == null) {
      throw new IllegalArgumentException(
          "balance: " + kind.name().toLowerCase(java.util.Locale.ROOT) + " needs a name");
    }
    if (hashQuery && kind != Kind.URI) {
      throw new IllegalArgumentException("hash-query: true (expected: only with balance: uri)");
    }
  }

  /** A balance without {@code hash-query}. */
  public BalanceConfig(Kind kind, @Nullable String argument) {
    this(kind, argument, DEFAULT_HASH_QUERY);
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
