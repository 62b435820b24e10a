package io.vxgate.gateway.geoip;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.maxmind.geoip2.DatabaseReader;
import io.vxgate.config.GeoIpConfig;
import io.vxgate.testing.MmdbWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Country lookups in a MaxMind DB written by the test, read by MaxMind's DatabaseReader. */
class GeoIpTest {
  @TempDir Path dir;

  private Path database(String type, int recordSize) {
    return new MmdbWriter(type, recordSize)
        .insert("81.2.69.0/24", MmdbWriter.country("GB"))
        .insert("10.0.0.0/8", MmdbWriter.country("FR"))
        .insert("10.1.0.0/16", MmdbWriter.country("IT"))
        .insert("2001:db8::/32", MmdbWriter.country("DE"))
        .insert("2a02:c7c::/32", MmdbWriter.country("GB"))
        .write(dir.resolve(type + "-" + recordSize + ".mmdb"));
  }

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @ParameterizedTest
  @ValueSource(ints = {24, 28, 32})
  void looksUpIpv4AndIpv6Networks(int recordSize) throws IOException {
    try (GeoIp geo = GeoIp.open(database("GeoIP2-Country", recordSize))) {
      assertThat(geo.databaseType()).isEqualTo("GeoIP2-Country");
      assertThat(geo.country(ip("81.2.69.160"))).isEqualTo("GB");
      assertThat(geo.country(ip("10.200.0.1"))).isEqualTo("FR");
      assertThat(geo.country(ip("10.1.255.255"))).isEqualTo("IT"); // the more specific network
      assertThat(geo.country(ip("2001:db8::1"))).isEqualTo("DE");
      assertThat(geo.country(ip("2a02:c7c:1234::1"))).isEqualTo("GB");
      assertThat(geo.country(ip("::ffff:81.2.69.1"))).isEqualTo("GB"); // IPv4-mapped
    }
  }

  @Test
  void unknownAddressesHaveNoCountry() throws IOException {
    try (GeoIp geo = GeoIp.open(database("GeoIP2-Country", 24))) {
      assertThat(geo.country(ip("81.2.70.1"))).isNull();
      assertThat(geo.country(ip("127.0.0.1"))).isNull();
      assertThat(geo.country(ip("2001:db9::1"))).isNull();
      assertThat(geo.country(ip("::1"))).isNull();
      assertThat(geo.country(null)).isNull();
    }
  }

  @Test
  void theFileIsAValidDatabaseForMaxMindsReader() throws Exception {
    Path file = database("GeoLite2-Country", 24);
    try (DatabaseReader r = new DatabaseReader.Builder(file.toFile()).build()) {
      var response = r.country(ip("81.2.69.160"));
      assertThat(response.country().isoCode()).isEqualTo("GB");
      assertThat(response.country().name()).isEqualTo("United Kingdom");
      assertThat(response.registeredCountry().isoCode()).isEqualTo("GB");
      assertThat(r.tryCountry(ip("192.0.2.1"))).isEmpty();
      assertThat(r.metadata().nodeCount()).isPositive();
    }
  }

  @Test
  void cityDatabasesHaveCountriesToo() throws IOException {
    try (GeoIp geo = GeoIp.open(database("GeoIP2-City", 24))) {
      assertThat(geo.country(ip("2001:db8::1"))).isEqualTo("DE");
    }
  }

  @Test
  void refusesFilesWithoutCountryData() throws IOException {
    Path asn = database("GeoLite2-ASN", 24);
    assertThatThrownBy(() -> GeoIp.open(asn))
        .isInstanceOf(IOException.class)
        .hasMessage(asn + " has database type GeoLite2-ASN, without country data");
    Path text = Files.writeString(dir.resolve("x.mmdb"), "not a database");
    assertThatThrownBy(() -> GeoIp.open(text)).isInstanceOf(IOException.class);
    Path missing = dir.resolve("missing.mmdb");
    assertThatThrownBy(() -> GeoIp.open(missing))
        .isInstanceOf(IOException.class)
        .hasMessage(missing + " is not a readable file");
  }

  @Test
  void lookupsAreThreadSafe() throws Exception {
    try (GeoIp geo = GeoIp.open(database("GeoIP2-Country", 24))) {
      ExecutorService pool = Executors.newFixedThreadPool(8);
      try {
        List<Future<Boolean>> results = new ArrayList<>();
        for (int t = 0; t < 8; t++) {
          results.add(
              pool.submit(
                  () -> {
                    for (int i = 0; i < 5_000; i++) {
                      String a = "10." + (i % 4) + "." + (i % 256) + ".1";
                      String want = i % 4 == 1 ? "IT" : "FR";
                      if (!want.equals(geo.country(ip(a)))
                          || !"DE".equals(geo.country(ip("2001:db8::" + Integer.toHexString(i))))) {
                        return false;
                      }
                    }
                    return true;
                  }));
        }
        for (Future<Boolean> f : results) {
          assertThat(f.get()).isTrue();
        }
      } finally {
        pool.shutdownNow();
      }
    }
  }

  @Test
  void aClosedDatabaseKnowsNoCountry() throws IOException {
    GeoIp geo = GeoIp.open(database("GeoIP2-Country", 24));
    geo.close();
    assertThat(geo.country(ip("81.2.69.160"))).isNull();
  }

  @Test
  void resolverForAConfig() {
    assertThat(CountryResolver.forConfig(null).country(ip("81.2.69.160"))).isNull();
    CountryResolver r =
        CountryResolver.forConfig(new GeoIpConfig(database("GeoIP2-Country", 24).toString()));
    assertThat(r).isInstanceOf(GeoIp.class);
    assertThat(r.country(ip("81.2.69.160"))).isEqualTo("GB");
  }

  @Test
  void aDatabaseMissingOnThisNodeResolvesNothing() {
    CountryResolver r =
        CountryResolver.forConfig(new GeoIpConfig(dir.resolve("gone.mmdb").toString()));
    assertThat(r).isNotInstanceOf(GeoIp.class);
    assertThat(r.country(ip("81.2.69.160"))).isNull();
  }
}
