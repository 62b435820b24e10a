package io.vxgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

class SyntaxTest {
  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "0s, 0",
    "0ms, 0",
    "500ms, 500",
    "2s, 2000",
    "1m, 60000",
    "1h, 3600000",
    "90s, 90000",
    "1000ms, 1000",
    "24h, 86400000"
  })
  void durations(String text, long millis) {
    assertThat(Syntax.duration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "5",
        "-1s",
        "1.5s",
        "1d",
        "1S",
        "1 s",
        "s",
        "1m30s",
        "1sec",
        "99999999999999999999s",
        "9223372036854775807h"
      })
  void invalidDurations(String text) {
    assertThat(Syntax.duration(text)).isNull();
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0s",
    "500, 500ms",
    "2000, 2s",
    "90000, 90s",
    "60000, 1m",
    "3600000, 1h",
    "1500, 1500ms"
  })
  void formatDurations(long millis, String text) {
    assertThat(Syntax.formatDuration(Duration.ofMillis(millis))).isEqualTo(text);
    assertThat(Syntax.duration(text)).isEqualTo(Duration.ofMillis(millis));
  }

  @ParameterizedTest
  @CsvSource({
    "0, 0",
    "512, 512",
    "1k, 1024",
    "16k, 16384",
    "16K, 16384",
    "100m, 104857600",
    "1g, 1073741824",
    "2G, 2147483648",
    "8589934591g, 9223372035781033984"
  })
  void sizes(String text, long bytes) {
    assertThat(Syntax.size(text)).isEqualTo(bytes);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {"", "k", "-1", "1.5m", "16kb", "1t", "1 k", "8589934592g", "99999999999999999999"})
  void invalidSizes(String text) {
    assertThat(Syntax.size(text)).isNull();
  }

  @Test
  void hostPorts() {
    assertThat(Syntax.hostPort("0.0.0.0:8080", 0)).isEqualTo(new HostPort("0.0.0.0", 8080));
    assertThat(Syntax.hostPort("[::1]:9001", 0)).isEqualTo(new HostPort("::1", 9001));
    assertThat(Syntax.hostPort("gw.example.com:1", 1)).isEqualTo(new HostPort("gw.example.com", 1));
    assertThat(Syntax.hostPort("127.0.0.1:0", 0)).isEqualTo(new HostPort("127.0.0.1", 0));
    assertThat(Syntax.hostPort("127.0.0.1:0", 1)).isNull();
    assertThat(Syntax.hostPort("::1:9001", 0)).isNull();
    assertThat(Syntax.hostPort("[::1]", 0)).isNull();
    assertThat(Syntax.hostPort("host:+80", 0)).isNull();
    assertThat(Syntax.hostPort("host:65536", 0)).isNull();
    assertThat(Syntax.hostPort("ho st:80", 0)).isNull();
    assertThat(Syntax.hostPort(":80", 0)).isNull();
    assertThat(Syntax.hostPort("[nothex]:80", 0)).isNull();
  }

  @Test
  void serverAddresses() {
    assertThat(Syntax.serverAddress("https://a.b:8443"))
        .isEqualTo(new Syntax.ServerAddress(new HostPort("a.b", 8443), true));
    assertThat(Syntax.serverAddress("HTTPS://a.b/"))
        .isEqualTo(new Syntax.ServerAddress(new HostPort("a.b", 443), true));
    assertThat(Syntax.serverAddress("http://[::1]"))
        .isEqualTo(new Syntax.ServerAddress(new HostPort("::1", 80), false));
    assertThat(Syntax.serverAddress("a.b:80"))
        .isEqualTo(new Syntax.ServerAddress(new HostPort("a.b", 80), false));
    assertThat(Syntax.serverAddress("a.b")).isNull();
    assertThat(Syntax.serverAddress("https://a.b/path")).isNull();
    assertThat(Syntax.serverAddress("tcp://a.b:1")).isNull();
  }

  @Test
  void loopbackAndWildcard() {
    assertThat(Syntax.loopback("127.0.0.1")).isTrue();
    assertThat(Syntax.loopback("127.1.2.3")).isTrue();
    assertThat(Syntax.loopback("::1")).isTrue();
    assertThat(Syntax.loopback("LOCALHOST")).isTrue();
    assertThat(Syntax.loopback("0.0.0.0")).isFalse();
    assertThat(Syntax.loopback("10.0.0.1")).isFalse();
    assertThat(Syntax.loopback("gw.example.com")).isFalse();
    assertThat(Syntax.wildcard("0.0.0.0")).isTrue();
    assertThat(Syntax.wildcard("::")).isTrue();
    assertThat(Syntax.wildcard("127.0.0.1")).isFalse();
  }

  @Test
  void suggestions() {
    java.util.List<String> keys = java.util.List.of("max-conns", "weight", "name");
    assertThat(Suggestions.closest("maxConns", keys)).isEqualTo("max-conns");
    assertThat(Suggestions.closest("wieght", keys)).isEqualTo("weight");
    assertThat(Suggestions.closest("nmae", keys)).isEqualTo("name");
    assertThat(Suggestions.closest("address", keys)).isNull();
    assertThat(Suggestions.hint("501", java.util.List.of("500"))).isEmpty();
  }

  @Test
  void envSubstitution() {
    java.util.Map<String, String> env = java.util.Map.of("A", "x", "EMPTY", "");
    assertThat(EnvSubstitution.substitute("${A}", env::get).value()).isEqualTo("x");
    assertThat(EnvSubstitution.substitute("a${A}b${A}", env::get).value()).isEqualTo("axbx");
    assertThat(EnvSubstitution.substitute("${B:-d}", env::get).value()).isEqualTo("d");
    assertThat(EnvSubstitution.substitute("${EMPTY:-d}", env::get).value()).isEqualTo("d");
    assertThat(EnvSubstitution.substitute("${EMPTY}", env::get).value()).isEmpty();
    assertThat(EnvSubstitution.substitute("${B:-}", env::get).value()).isEmpty();
    assertThat(EnvSubstitution.substitute("$${A}", env::get).value()).isEqualTo("${A}");
    assertThat(EnvSubstitution.substitute("cost: $5", env::get).value()).isEqualTo("cost: $5");
    assertThat(EnvSubstitution.substitute("${B}", env::get).error())
        .isEqualTo("B set in the environment, or a default: ${B:-DEFAULT}");
    assertThat(EnvSubstitution.substitute("${A", env::get).error())
        .isEqualTo("${NAME} or ${NAME:-DEFAULT}");
    assertThat(EnvSubstitution.substitute("${}", env::get).error())
        .isEqualTo("${NAME} or ${NAME:-DEFAULT}");
  }
}
