package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * The GeoIP database (cluster-wide, optional) that {@code country} route matches look client
 * addresses up in.
 *
 * @param database the MaxMind DB file (GeoIP2/GeoLite2 Country or City, or a compatible database):
 *     absolute after loading from a file, where it was checked to be a readable MaxMind DB with
 *     country data. The path travels through the cluster, not the file, so every node needs the
 *     database at this path.
 */
public record GeoIpConfig(String database) {
  public GeoIpConfig {
    requireNonNull(database, "database");
  }
}
