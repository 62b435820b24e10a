package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * DNS sync (node-local, optional): the cluster keeps the A/AAAA records of {@link #name} equal to
 * the ready members' {@code node.advertise} addresses, by RFC 2136 dynamic updates sent to {@link
 * #server}.
 *
 * @param zone the zone updated (the SOA owner)
 * @param name the record name, inside {@code zone}
 * @param ttl the TTL of the records, in seconds
 * @param tsig updates are unsigned when null (test servers only)
 */
public record DnsSyncConfig(
    HostPort server, String zone, String name, int ttl, @Nullable TsigConfig tsig) {
  /** The default {@link #ttl}. */
  public static final int DEFAULT_TTL = 30;

  public DnsSyncConfig {
    requireNonNull(server, "server");
    requireNonNull(zone, "zone");
    requireNonNull(name, "name");
  }

  /**
   * The TSIG key (RFC 8945) that signs updates.
   *
   * @param algorithm {@code hmac-sha256} and the like, as in BIND
   * @param secret the base64 key
   */
  public record TsigConfig(String name, String algorithm, String secret) {
    /** The default {@link #algorithm}. */
    public static final String DEFAULT_ALGORITHM = "hmac-sha256";

    public TsigConfig {
      requireNonNull(name, "name");
      requireNonNull(algorithm, "algorithm");
      requireNonNull(secret, "secret");
    }

    /** The secret is never printed. */
    @Override
    public String toString() {
      return "TsigConfig[name=" + name + ", algorithm=" + algorithm + ", secret=***]";
    }
  }
}
