package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.testing.MmdbWriter;
import java.nio.file.Path;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Source and country ACLs end to end, behind a trusted proxy and without one. */
class RoutingIT {
  @RegisterExtension final Harness h = new Harness();

  private void start(Path dir, String trusted) {
    Path db =
        new MmdbWriter("GeoLite2-Country", 24)
            .insert("81.2.69.0/24", MmdbWriter.country("GB"))
            .insert("2.160.0.0/12", MmdbWriter.country("DE"))
            .write(dir.resolve("country.mmdb"));
    TestOrigin uk = h.origin("uk");
    TestOrigin office = h.origin("office");
    TestOrigin world = h.origin("world");
    h.gateway(
        """
        %LISTENER%
        trusted-proxies: [TRUSTED]
        geoip: {database: DB}
        upstreams:
          uk: {servers: [{name: uk, address: $UK}]}
          office: {servers: [{name: office, address: $OFFICE}]}
          world: {servers: [{name: world, address: $WORLD}]}
        routes:
          - {name: uk, match: {country: [GB]}, upstream: uk}
          - {name: office, match: {source: [10.20.0.0/16]}, upstream: office}
          - {name: world, upstream: world}
        """
            .replace("TRUSTED", trusted)
            .replace("DB", db.toString())
            .replace("$UK", uk.address())
            .replace("$OFFICE", office.address())
            .replace("$WORLD", world.address()));
  }

  @Test
  void behindATrustedProxyTheForwardedClientAddressIsMatched(@TempDir Path dir) {
    start(dir, "127.0.0.1/32");
    assertThat(h.get("/", "X-Forwarded-For", "81.2.69.160").body()).isEqualTo("uk");
    assertThat(h.get("/", "X-Forwarded-For", "2.165.1.1").body()).isEqualTo("world");
    assertThat(h.get("/", "X-Forwarded-For", "10.20.3.4").body()).isEqualTo("office");
    assertThat(h.get("/").body()).isEqualTo("world");
    // The origin is told the same client.
    h.get("/", "X-Forwarded-For", "81.2.69.160");
    assertThat(h.origins.get(0).lastHeaders.get().get("X-Real-IP")).isEqualTo("81.2.69.160");
  }

  @Test
  void anUntrustedClientCannotClaimAnotherAddress(@TempDir Path dir) {
    start(dir, "192.0.2.0/24");
    assertThat(h.get("/", "X-Forwarded-For", "81.2.69.160").body()).isEqualTo("world");
    assertThat(h.get("/", "X-Forwarded-For", "10.20.3.4").body()).isEqualTo("world");
  }
}
