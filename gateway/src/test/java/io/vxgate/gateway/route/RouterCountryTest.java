package io.vxgate.gateway.route;

import static io.vxgate.gateway.route.RouterTest.ip;
import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.MatchConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.gateway.geoip.CountryResolver;
import io.vxgate.gateway.geoip.GeoIp;
import io.vxgate.testing.MmdbWriter;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@code country} matches, with a stub resolver and with a real database. */
class RouterCountryTest {
  @TempDir Path dir;

  private static RouteConfig route(String name, List<String> countries, String pathPrefix) {
    MatchConfig m =
        new MatchConfig(
            pathPrefix,
            null,
            null,
            null,
            List.of(),
            Map.of(),
            Map.of(),
            List.of(),
            null,
            countries);
    return new RouteConfig(name, m, name, null);
  }

  private static RouterTest.Req from(String source) {
    return new RouterTest.Req(
        "/x", "example.com", HttpMethod.GET, Map.of(), Map.of(), ip(source), false);
  }

  private static final List<RouteConfig> ROUTES =
      List.of(
          route("dach", List.of("DE", "AT", "CH"), null),
          route("uk-admin", List.of("GB"), "/admin/"),
          route("default", List.of(), null));

  @Test
  void matchesTheCountryOfTheSourceAddress() {
    List<InetAddress> asked = new ArrayList<>();
    CountryResolver stub =
        a -> {
          asked.add(a);
          return switch (a.getHostAddress()) {
            case "192.0.2.1" -> "DE";
            case "192.0.2.2" -> "GB";
            default -> null;
          };
        };
    Router r = Router.compile(ROUTES, stub);
    assertThat(r.route(from("192.0.2.1")).name()).isEqualTo("dach");
    assertThat(r.route(from("192.0.2.2")).name()).isEqualTo("default"); // GB, but not /admin/
    assertThat(r.route(from("192.0.2.3")).name()).isEqualTo("default"); // unknown country
    assertThat(asked)
        .extracting(InetAddress::getHostAddress)
        .containsExactly("192.0.2.1", "192.0.2.2", "192.0.2.3");
  }

  @Test
  void countryIsCheckedAfterTheCheaperKeys() {
    List<InetAddress> asked = new ArrayList<>();
    Router r =
        Router.compile(
            List.of(route("uk-admin", List.of("GB"), "/admin/")),
            a -> {
              asked.add(a);
              return "GB";
            });
    assertThat(r.route(from("192.0.2.2"))).isNull(); // path /x: no lookup needed
    assertThat(asked).isEmpty();
  }

  @Test
  void aRequestWithoutSourceHasNoCountry() {
    Router r = Router.compile(ROUTES, a -> a == null ? "DE" : null);
    RouterTest.Req noSource =
        new RouterTest.Req("/x", "example.com", HttpMethod.GET, Map.of(), Map.of(), null, false);
    assertThat(r.route(noSource).name()).isEqualTo("default");
  }

  @Test
  void withoutAResolverCountryRoutesNeverMatch() {
    Router r = Router.compile(ROUTES);
    assertThat(r.route(from("192.0.2.1")).name()).isEqualTo("default");
  }

  @Test
  void routesWithARealDatabase() throws IOException {
    Path db =
        new MmdbWriter("GeoLite2-Country", 24)
            .insert("81.2.69.0/24", MmdbWriter.country("GB"))
            .insert("2001:db8::/32", MmdbWriter.country("DE"))
            .insert("2001:db8:a7::/48", MmdbWriter.country("AT"))
            .write(dir.resolve("country.mmdb"));
    try (GeoIp geo = GeoIp.open(db)) {
      Router r = Router.compile(ROUTES, geo);
      assertThat(r.route(from("2001:db8::1")).name()).isEqualTo("dach");
      assertThat(r.route(from("2001:db8:a7::1")).name()).isEqualTo("dach");
      RouterTest.Req admin =
          new RouterTest.Req(
              "/admin/users",
              "example.com",
              HttpMethod.GET,
              Map.of(),
              Map.of(),
              ip("81.2.69.160"),
              false);
      assertThat(r.route(admin).name()).isEqualTo("uk-admin");
      assertThat(r.route(from("81.2.70.1")).name()).isEqualTo("default");
    }
  }

  @Test
  void fromALoadedConfig() throws IOException {
    new MmdbWriter("GeoLite2-Country", 24)
        .insert("81.2.69.0/24", MmdbWriter.country("GB"))
        .write(dir.resolve("country.mmdb"));
    Path file =
        Files.writeString(
            dir.resolve("gw.yaml"),
            """
            geoip: {database: country.mmdb}
            upstreams: {web: {servers: [{name: w1, address: 127.0.0.1:9001}]}}
            routes:
              - {name: uk, match: {country: [gb]}, upstream: web}
              - {name: rest, upstream: web}
            """);
    GatewayConfig config =
        ConfigLoader.load(file, null, ConfigLoader.Environment.of(Map.of(), "h"));
    // what GatewayNode.apply does
    Router r = Router.compile(config.routes(), CountryResolver.forConfig(config.geoip()));
    assertThat(r.route(from("81.2.69.1")).config().action())
        .isEqualTo(new RouteConfig.Forward("web"));
    assertThat(r.route(from("81.2.69.1")).name()).isEqualTo("uk");
    assertThat(r.route(from("198.51.100.1")).name()).isEqualTo("rest");
  }
}
