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
}
