package io.vxgate.config;

import static io.vxgate.config.ConfigFixtures.errors;
import static io.vxgate.config.ConfigFixtures.parse;
import static io.vxgate.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vxgate.testing.MmdbWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** The {@code geoip} section and its rule with {@code country} matches. */
class GeoIpConfigTest {
  @TempDir Path dir;

  private static final String DATABASE =
      "(expected: a MaxMind DB file with country data (GeoIP2 or GeoLite2 Country or City)";
  private static final String ROUTES =
      """
      upstreams: {api: {servers: [{name: a1, address: 127.0.0.1:9001}]}}
      routes:
        - {name: eu, match: {country: [de, FR]}, upstream: api}
        - {name: default, upstream: api}
      """;

  @BeforeEach
  void database() {
    new MmdbWriter("GeoLite2-Country", 24)
        .insert("81.2.69.0/24", MmdbWriter.country("GB"))
        .write(dir.resolve("country.mmdb"));
  }

  @Test
  void databaseIsResolvedAgainstTheConfigDirectory() {
    GatewayConfig c = parse("geoip: {database: country.mmdb}\n" + ROUTES, dir);
    assertThat(c.geoip().database())
        .isEqualTo(dir.resolve("country.mmdb").toAbsolutePath().toString());
    assertThat(c.routes().get(0).match().country()).containsExactly("DE", "FR");
  }

  @Test
  void cityAndEnterpriseDatabasesHaveCountryData() {
    new MmdbWriter("GeoIP2-City", 28).write(dir.resolve("city.mmdb"));
    new MmdbWriter("GeoIP2-Enterprise", 32).write(dir.resolve("ent.mmdb"));
    assertThat(parse("geoip: {database: city.mmdb}\n" + ROUTES, dir).geoip()).isNotNull();
    assertThat(parse("geoip: {database: ent.mmdb}\n" + ROUTES, dir).geoip()).isNotNull();
  }

  @Test
  void noGeoipWithoutTheSection() {
    assertThat(parse("", dir).geoip()).isNull();
  }

  @Test
  void countryNeedsAGeoipSection() {
    assertThat(errors(ROUTES, dir))
        .containsExactly(
            "gw.yaml: routes[0].match.country: [de, FR] (expected: a top-level geoip:"
                + " {database: FILE} to look countries up in)");
  }

  @Test
  void anEmptyCountryListNeedsNoDatabase() {
    assertThat(
            parse(ROUTES.replace("country: [de, FR]", "country: [], path: /x"), dir)
                .routes()
                .get(0)
                .match()
                .country())
        .isEmpty();
  }

  @Test
  void countryCodesAreIsoAlpha2() {
    assertThat(errors("geoip: {database: country.mmdb}\n" + ROUTES.replace("de", "UK"), dir))
        .containsExactly(
            "gw.yaml: routes[0].match.country[0]: UK (expected: an ISO 3166-1 alpha-2 country"
                + " code like DE)");
  }

  @Test
  void missingDatabase() {
    Path p = dir.resolve("nope.mmdb").toAbsolutePath();
    assertThat(errors("geoip: {database: nope.mmdb}\n" + ROUTES, dir))
        .containsExactly(
            "gw.yaml: geoip.database: nope.mmdb " + DATABASE + ", looked for " + p + ")");
  }

  @Test
  void aFileThatIsNotAMaxMindDb() {
    Path p = write(dir, "fake.mmdb", "not a database");
    assertThat(errors("geoip: {database: fake.mmdb}\n" + ROUTES, dir))
        .containsExactly(
            "gw.yaml: geoip.database: fake.mmdb "
                + DATABASE
                + "; "
                + p.toAbsolutePath()
                + " is not a MaxMind DB (InvalidDatabaseException))");
  }

  @Test
  void aMaxMindDbWithoutCountries() {
    Path p = new MmdbWriter("GeoLite2-ASN", 24).write(dir.resolve("asn.mmdb"));
    assertThat(errors("geoip: {database: asn.mmdb}\n" + ROUTES, dir))
        .containsExactly(
            "gw.yaml: geoip.database: asn.mmdb "
                + DATABASE
                + "; "
                + p.toAbsolutePath()
                + " has database type GeoLite2-ASN, without country data)");
  }

  @Test
  void sectionShape() {
    assertThat(errors("geoip: {}", dir))
        .containsExactly("gw.yaml: geoip.database: (missing) " + DATABASE + ")");
    assertThat(errors("geoip: {database: country.mmdb, path: x}", dir))
        .containsExactly("gw.yaml: geoip: path (expected: one of: database)");
    assertThat(errors("geoip: country.mmdb", dir))
        .containsExactly(
            "gw.yaml: geoip: country.mmdb (expected: a mapping with keys: database)",
            "gw.yaml: geoip.database: (missing) " + DATABASE + ")");
  }

  @Test
  void anInvalidSectionIsReportedOnceNotAlsoAtEveryCountry() {
    assertThat(errors("geoip: {database: nope.mmdb}\n" + ROUTES, dir)).hasSize(1);
  }

  @Test
  void travelsAsJsonWithoutCheckingTheFile() {
    GatewayConfig c = parse("geoip: {database: country.mmdb}\n" + ROUTES, dir);
    JsonObject json = ConfigJson.toJson(c);
    assertThat(json.getJsonObject("geoip").encode())
        .isEqualTo(new JsonObject().put("database", c.geoip().database()).encode());
    assertThat(ConfigJson.fromJson(json)).isEqualTo(c);

    // the node that applies the config opens the file; the JSON form is not checked against disk
    json.getJsonObject("geoip").put("database", "/elsewhere/country.mmdb");
    assertThat(ConfigJson.fromJson(json).geoip())
        .isEqualTo(new GeoIpConfig("/elsewhere/country.mmdb"));
  }
}
