package io.vxgate.config;

import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Reads {@code geoip:} (docs/configuration.md, section "geoip"). */
final class GeoIpSection {
  static final String DATABASE =
      "a MaxMind DB file with country data (GeoIP2 or GeoLite2 Country or City)";

  private GeoIpSection() {}

  /** The section, or null when absent or invalid. */
  static @Nullable GeoIpConfig read(Cursor c, ConfigFiles files) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("database");
    Cursor dc = f.get("database");
    if (!dc.require(DATABASE)) {
      return null;
    }
    String s = dc.scalar(DATABASE, v -> v.isEmpty() ? null : v);
    if (s == null) {
      return null;
    }
    if (files.json()) {
      return new GeoIpConfig(s);
    }
    Path p = files.resolve(dc, s);
    if (p == null) {
      return null;
    }
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      dc.error(s, DATABASE + ", looked for " + p);
      return null;
    }
    String problem = GeoIpDatabases.problem(p);
    if (problem != null) {
      dc.error(s, DATABASE + "; " + p + " " + problem);
      return null;
    }
    return new GeoIpConfig(p.toString());
  }
}
