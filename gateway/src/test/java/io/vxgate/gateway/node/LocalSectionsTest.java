package io.vxgate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.ConfigLoader;
import io.vxgate.config.GatewayConfig;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** Which node-local changes of a reload wait for the next start. */
class LocalSectionsTest {
  private static GatewayConfig parse(String yaml) {
    return ConfigLoader.parse(
        yaml, "gw.yaml", null, null, ConfigLoader.Environment.of(Map.of(), "h"));
  }

  @Test
  void theNodesBufferingLimitsTakeEffectAtTheNextStart() {
    GatewayConfig before = parse("buffering: {node-memory: 64m}");
    GatewayConfig after = parse("buffering: {node-memory: 128m, temp-dir: /var/tmp/vx}");
    assertThat(LocalSections.restartNeeded(before, after)).containsExactly("buffering");
    assertThat(LocalSections.otherChanges(before, after)).isEmpty();
    assertThat(LocalSections.restartNeeded(before, before)).isEmpty();
  }

  @Test
  void theAccessLogAndTracingAreAppliedInPlace() {
    GatewayConfig before =
        parse("access-log: {file: /var/log/a.log}\ntracing: {otlp: 'http://c1:4318'}");
    GatewayConfig after =
        parse(
            "access-log: {format: json, syslog: '127.0.0.1:514', queue: 64}\n"
                + "tracing: {otlp: 'http://c2:4318', sample: 0.5}");
    assertThat(LocalSections.restartNeeded(before, after)).isEmpty();
    assertThat(LocalSections.otherChanges(before, after)).isEmpty();
    assertThat(AccessLogChanges.reopens(before, after)).isTrue();
    assertThat(AccessLogChanges.of(before, after))
        .containsExactly(
            "access-log: json to syslog 127.0.0.1:514, queue 64 (was: combined to file"
                + " /var/log/a.log)",
            "tracing.otlp: http://c2:4318/v1/traces (was: http://c1:4318/v1/traces)",
            "tracing.sample: 0.5 (was: 1.0)");

    GatewayConfig sampled =
        parse("access-log: {file: /var/log/a.log}\ntracing: {otlp: 'http://c1:4318', sample: 0.1}");
    assertThat(AccessLogChanges.reopens(before, sampled))
        .as("the snapshot has the ratio")
        .isFalse();
    assertThat(AccessLogChanges.of(before, sampled))
        .containsExactly("tracing.sample: 0.1 (was: 1.0)");
    assertThat(AccessLogChanges.of(before, parse("")))
        .containsExactly(
            "access-log: off (was: combined to file /var/log/a.log)",
            "tracing.otlp: none (was: http://c1:4318/v1/traces)");
  }
}
