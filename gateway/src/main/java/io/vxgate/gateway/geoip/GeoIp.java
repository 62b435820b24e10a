package io.vxgate.gateway.geoip;

import static java.util.Objects.requireNonNull;

import com.maxmind.db.CHMCache;
import com.maxmind.geoip2.DatabaseReader;
import com.maxmind.geoip2.exception.GeoIp2Exception;
import com.maxmind.geoip2.model.CountryResponse;
import java.io.Closeable;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * Country lookups in a MaxMind DB (GeoIP2 or GeoLite2 Country or City, or a compatible database
 * such as DB-IP's), with MaxMind's {@link DatabaseReader}.
 *
 * <p>The file is memory-mapped; decoded records are cached ({@link CHMCache}: a country database
 * has few distinct records), so a lookup is a walk of at most 128 tree nodes and a cache hit.
 * Thread-safe. IPv4 addresses (and IPv4-mapped IPv6 addresses, which Java turns into IPv4) are
 * looked up in the database's IPv4 space.
 */
public final class GeoIp implements CountryResolver, Closeable {
  /** Database types with a country record, as {@link DatabaseReader#country} accepts them. */
  private static final List<String> COUNTRY_TYPES = List.of("Country", "City", "Enterprise");

  private final Path file;
  private final DatabaseReader reader;

  private GeoIp(Path file, DatabaseReader reader) {
    this.file = file;
    this.reader = reader;
  }

  /**
   * Opens a database.
   *
   * @throws IOException when the file cannot be read, is not a MaxMind DB, or has no country data
   */
  public static GeoIp open(Path file) throws IOException {
    requireNonNull(file, "file");
    if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
      throw new IOException(file + " is not a readable file");
    }
    DatabaseReader reader =
        new DatabaseReader.Builder(file.toFile()).withCache(new CHMCache()).build();
    String type = reader.metadata().databaseType();
    if (type == null || COUNTRY_TYPES.stream().noneMatch(type::contains)) {
      reader.close();
      throw new IOException(file + " has database type " + type + ", without country data");
    }
    return new GeoIp(file, reader);
  }

  /** {@inheritDoc} A lookup that fails (corrupt data, IPv6 in an IPv4 database) gives null. */
  @Override
  public @Nullable String country(@Nullable InetAddress address) {
    if (address == null) {
      return null;
    }
    try {
      Optional<CountryResponse> r = reader.tryCountry(address);
      return r.isEmpty() || r.get().country() == null ? null : r.get().country().isoCode();
    } catch (IOException | GeoIp2Exception | RuntimeException e) {
      return null; // not on the request path's account: an unknown country does not match
    }
  }

  /** The database's type, e.g. {@code GeoLite2-Country}. */
  public String databaseType() {
    return reader.metadata().databaseType();
  }

  /** Closes the database; later lookups give null. */
  @Override
  public void close() throws IOException {
    reader.close();
  }

  @Override
  public String toString() {
    return "GeoIp[" + file + ", " + databaseType() + "]";
  }
}
