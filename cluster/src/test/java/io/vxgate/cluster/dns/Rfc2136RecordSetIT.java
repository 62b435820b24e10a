package io.vxgate.cluster.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vxgate.config.DnsSyncConfig;
import io.vxgate.config.HostPort;
import io.vxgate.testing.NamedServer;
import java.net.InetAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** {@link RecordSet#rfc2136} against a real BIND 9 (named is required: CI installs it). */
class Rfc2136RecordSetIT {
  @TempDir Path dir;
  private NamedServer named;

  @BeforeEach
  void startNamed() throws Exception {
    named = NamedServer.start(dir, "example.test", List.of("gw 30 IN A 192.0.2.99"));
  }

  @AfterEach
  void stopNamed() {
    if (named != null) {
      named.close();
    }
  }

  private DnsSyncConfig config(String secret) {
    return new DnsSyncConfig(
        new HostPort("127.0.0.1", named.port()),
        "example.test",
        "gw.example.test",
        30,
        new DnsSyncConfig.TsigConfig(NamedServer.KEY_NAME, "hmac-sha256", secret));
  }

  @Test
  void readsAndChangesTheRecordSetWithTsig() throws Exception {
    RecordSet rs = RecordSet.rfc2136(config(named.secret()), Duration.ofSeconds(2));
    assertThat(rs.read()).containsExactly(InetAddress.getByName("192.0.2.99"));
    rs.apply(
        Set.of(InetAddress.getByName("192.0.2.99")),
        Set.of(InetAddress.getByName("127.0.0.11"), InetAddress.getByName("2001:db8::1")));
    assertThat(named.addresses("gw.example.test"))
        .containsExactly("127.0.0.11", "2001:db8:0:0:0:0:0:1");
    assertThat(named.query("gw.example.test", org.xbill.DNS.Type.A).getSection(1).get(0).getTTL())
        .isEqualTo(30);
    rs.apply(
        Set.of(InetAddress.getByName("127.0.0.11"), InetAddress.getByName("2001:db8::1")),
        Set.of());
    assertThat(rs.read()).isEmpty();
  }

  @Test
  void anUpdateWithTheWrongKeyIsRefused() throws Exception {
    RecordSet rs =
        RecordSet.rfc2136(
            config("AAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAAA="), Duration.ofSeconds(2));
    assertThatThrownBy(() -> rs.apply(Set.of(), Set.of(InetAddress.getByName("127.0.0.66"))))
        .hasMessageContaining("TSIG");
    assertThat(named.addresses("gw.example.test")).containsExactly("192.0.2.99");
  }
}
