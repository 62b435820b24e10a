package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminStatesTest {
  final JsonObject config =
      new JsonObject(
          "{\"upstreams\":{\"api\":{\"servers\":[{\"name\":\"a1\"},{\"name\":\"a2\"}]}},\"routes\":[]}");

  @Test
  void setsReadsAndClearsStates() {
    JsonObject drained = AdminStates.with(config, "api", "a1", AdminStates.DRAIN);
    assertThat(drained.getJsonObject(AdminStates.KEY).encode())
        .isEqualTo("{\"api\":{\"a1\":\"drain\"}}");
    assertThat(AdminStates.get(drained, "api", "a1")).isEqualTo("drain");
    assertThat(AdminStates.get(drained, "api", "a2")).isEqualTo("enabled");
    assertThat(AdminStates.of(drained)).isEqualTo(Map.of("api/a1", "drain"));
    JsonObject enabled = AdminStates.with(drained, "api", "a1", AdminStates.ENABLED);
    assertThat(enabled.containsKey(AdminStates.KEY)).isFalse();
    assertThat(config.containsKey(AdminStates.KEY)).as("input untouched").isFalse();
    assertThatThrownBy(() -> AdminStates.with(config, "api", "a1", "paused"))
        .isInstanceOf(IllegalArgumentException.class);
  }

  @Test
  void dropsStatesOfServersThatAreGone() {
    JsonObject out =
        AdminStates.put(
            config, Map.of("api/a9", "drain", "web/w1", "disabled", "api/a2", "disabled"));
    assertThat(AdminStates.of(out)).isEqualTo(Map.of("api/a2", "disabled"));
  }
}
