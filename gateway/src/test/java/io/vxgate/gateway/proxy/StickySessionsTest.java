package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.HostPort;
import io.vxgate.config.SecretsConfig;
import io.vxgate.config.ServerConfig;
import io.vxgate.config.UpstreamConfig.StickyConfig;
import io.vxgate.gateway.health.PassiveHealth;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.util.ManualTicker;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Base64;
import java.util.List;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.junit.jupiter.api.Test;

class StickySessionsTest {
  private static final byte[] KEY = "0123456789abcdef-secret".getBytes(StandardCharsets.UTF_8);
  private final ManualTicker ticker = new ManualTicker();
  private final ServerState a = server("a");
  private final ServerState b = server("b");
  private final StickyConfig config = new StickyConfig("VXROUTE", "/", true, false, "Lax", null);
  private final StickySessions.Table table =
      new StickySessions.Table(config, "api", List.of(a, b), KEY);

  private ServerState server(String name) {
    return new ServerState(
        "api",
        new ServerConfig(name, new HostPort("127.0.0.1", 1), 1, null, false, 0, false),
        new PassiveHealth(1, Duration.ofSeconds(10), ticker, () -> {}),
        null,
        Duration.ZERO,
        ticker);
  }

  @Test
  void theValueIsTheTruncatedHmacOfUpstreamAndServerInBase64Url() throws Exception {
    Mac mac = Mac.getInstance("HmacSHA256");
    mac.init(new SecretKeySpec(KEY, "HmacSHA256"));
    byte[] full = mac.doFinal("api/a".getBytes(StandardCharsets.UTF_8));
    String expected =
        Base64.getUrlEncoder().withoutPadding().encodeToString(java.util.Arrays.copyOf(full, 16));
    assertThat(StickySessions.encode(KEY, "api", "a")).isEqualTo(expected).hasSize(22);
  }

  @Test
  void decodesEachServersValue() {
    assertThat(table.find(StickySessions.encode(KEY, "api", "a"))).isSameAs(a);
    assertThat(table.find(StickySessions.encode(KEY, "api", "b"))).isSameAs(b);
  }

  @Test
  void rejectsForgedValues() {
    String valid = StickySessions.encode(KEY, "api", "a");
    assertThat(table.find(null)).isNull();
    assertThat(table.find("")).isNull();
    assertThat(table.find("a")).isNull();
    assertThat(table.find(valid + "A")).isNull();
    assertThat(table.find("!!!!!!!!!!!!!!!!!!!!!!")).isNull();
    assertThat(table.find("AAAAAAAAAAAAAAAAAAAAAA")).isNull();
    // right prefix, wrong last character; wrong first character
    char last = valid.charAt(21) == 'A' ? 'Q' : 'A';
    assertThat(table.find(valid.substring(0, 21) + last)).isNull();
    char first = valid.charAt(0) == 'A' ? 'B' : 'A';
    assertThat(table.find(first + valid.substring(1))).isNull();
    // another secret, another upstream, or a plain server name
    assertThat(table.find(StickySessions.encode("other-secret-0123".getBytes(), "api", "a")))
        .isNull();
    assertThat(table.find(StickySessions.encode(KEY, "web", "a"))).isNull();
    assertThat(
            table.find(
                Base64.getUrlEncoder().withoutPadding().encodeToString("a".repeat(16).getBytes())))
        .isNull();
  }

  @Test
  void comparesInConstantTimeAgainstEveryServer() {
    // The table compares with MessageDigest.isEqual (constant time in the content) and does not
    // stop at the first match, so a value is checked against every server whatever it holds.
    StickySessions.Table dup = new StickySessions.Table(config, "api", List.of(a, b, a), KEY);
    assertThat(dup.find(StickySessions.encode(KEY, "api", "a"))).isSameAs(a);
    assertThat(
            java.security.MessageDigest.isEqual(
                StickySessions.digest(KEY, "api", "a"), StickySessions.digest(KEY, "api", "a")))
        .isTrue();
  }

  @Test
  void setCookieCarriesTheAttributes() {
    assertThat(table.setCookie(a, false))
        .isEqualTo(
            "VXROUTE="
                + StickySessions.encode(KEY, "api", "a")
                + "; Path=/; HttpOnly; SameSite=Lax");
    assertThat(table.setCookie(a, true)).contains("; Secure");
    StickySessions.Table full =
        new StickySessions.Table(
            new StickyConfig("S", "/app", false, true, "Strict", Duration.ofHours(1)),
            "api",
            List.of(a),
            KEY);
    assertThat(full.setCookie(a, false))
        .isEqualTo(
            "S="
                + StickySessions.encode(KEY, "api", "a")
                + "; Path=/app; Max-Age=3600; Secure; SameSite=Strict");
    assertThat(full.setCookie(b, false)).isNull();
  }

  @Test
  void aConfiguredSecretIsTheKeyElseOneRandomKeyPerProcess() {
    assertThat(StickySessions.key(new SecretsConfig("0123456789abcdef")))
        .isEqualTo("0123456789abcdef".getBytes(StandardCharsets.UTF_8));
    byte[] local = StickySessions.key(SecretsConfig.NONE);
    assertThat(local).hasSize(32).isEqualTo(StickySessions.key(SecretsConfig.NONE));
  }
}
