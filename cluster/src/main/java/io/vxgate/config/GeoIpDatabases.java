package io.vxgate.config;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.nio.file.Path;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Checks that a file is a MaxMind DB that country lookups can read (for {@code geoip.database}).
 */
final class GeoIpDatabases {
  /**
   * Database types with a {@code country} record: the same rule as GeoIP2's {@code
   * DatabaseReader.country}, which accepts any type whose name contains one of these.
   */
  static final List<String> COUNTRY_TYPES = List.of("Country", "City", "Enterprise");

  private GeoIpDatabases() {}

  /**
   * Null when {@code file} is a usable MaxMind DB, else what is wrong, e.g. "is not a MaxMind DB".
   */
  static @Nullable String problem(Path file) {
    Metadata m;
    try (Reader r = new Reader(file.toFile())) {
      m = r.getMetadata();
    } catch (IOException | RuntimeException e) {
      return "is not a MaxMind DB (" + e.getClass().getSimpleName() + ")";
    }
    if (m.binaryFormatMajorVersion() != 2) {
      return "has MaxMind DB format version " + m.binaryFormatMajorVersion() + ", not 2";
    }
    String type = m.databaseType() == null ? "" : m.databaseType();
    for (String t : COUNTRY_TYPES) {
      if (type.contains(t)) {
        return null;
      }
    }
    return "has database type " + (type.isEmpty() ? "\"\"" : type) + ", without country data";
  }
}
