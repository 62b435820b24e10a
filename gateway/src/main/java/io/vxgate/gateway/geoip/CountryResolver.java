package io.vxgate.gateway.geoip;

import io.vxgate.config.GeoIpConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The country of a client address, for {@code country} route matches. Implementations are
 * thread-safe and cheap enough to call on the request path.
 */
@FunctionalInterface
public interface CountryResolver {

  /**
   * The upper-case ISO 3166-1 alpha-2 code of the country of {@code address}, or null when unknown
   * (null address, address not in the database, database without that record).
   */
  @Nullable String country(@Nullable InetAddress address);

  /** Knows no country: every {@code country} match fails. */
  static CountryResolver none() {
    return address -> null;
  }

  /**
   * The resolver of a config's {@code geoip} section: {@link #none()} when {@code config} is null,
   * else the database it names, opened now (see {@link GeoIp#open}).
   *
   * <p>When the database cannot be opened on this node (the file was validated where the config was
   * loaded, but the path travels through the cluster), the error is logged and {@link #none()} is
   * returned, so routes with {@code country} do not match and the node keeps serving the others.
   * The returned {@link GeoIp} is not closed when a later config replaces it: requests of the old
   * config may still use it, and its memory map is released when it is garbage collected.
   */
  static CountryResolver forConfig(@Nullable GeoIpConfig config) {
    if (config == null) {
      return none();
    }
    try {
      return GeoIp.open(Path.of(config.database()));
    } catch (IOException | RuntimeException e) {
      Logger log = LoggerFactory.getLogger(CountryResolver.class);
      log.atError()
          .addKeyValue("database", config.database())
          .setCause(e)
          .log("cannot open the GeoIP database: no route matches on country");
      return none();
    }
  }
}
