package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.util.Map;
import org.junit.jupiter.api.Test;

class AdminStatesTest {
  final JsonObject config =
      new JsonObject(
          "{\"upstreams\":{\"api\":{\"servers\":[{\"name\":\"a1\"},{\"name\":\"a2\"}]}},\"routes\":[]}");
  final ServerId a1 = new ServerId("api", "a1");
  final ServerId a2 = new ServerId("api", "a2");

  @Test
  void setsReadsAndClearsStates() {
    JsonObject drained = AdminStates.with(config, a1, AdminState.DRAIN);
    assertThat(drained.getJsonObject(AdminStates.KEY).encode())
        .isEqualTo("{\"api\":{\"a1\":\"drain\"}}");
    assertThat(AdminStates.get(drained, a1)).isEqualTo(AdminState.DRAIN);
    assertThat(AdminStates.get(drained, a2)).isEqualTo(AdminState.ENABLED);
    assertThat(AdminStates.of(drained)).isEqualTo(Map.of(a1, AdminState.DRAIN));
    JsonObject enabled = AdminStates.with(drained, a1, AdminState.ENABLED);
    assertThat(enabled.containsKey(AdminStates.KEY)).isFalse();
    assertThat(config.containsKey(AdminStates.KEY)).as("input untouched").isFalse();
  }

  @Test
  void unknownStateNamesInAnEntryAreIgnored() {
    JsonObject entry =
        config
            .copy()
            .put(
                AdminStates.KEY,
                new JsonObject(
                    "{\"api\":{\"a1\":\"paused\",\"a2\":\"disabled\"},\"web\":\"drain\"}"));
    assertThat(AdminStates.of(entry)).isEqualTo(Map.of(a2, AdminState.DISABLED));
  }

  @Test
  void dropsStatesOfServersThatAreGone() {
    JsonObject out =
        AdminStates.put(
            config,
            Map.of(
                new ServerId("api", "a9"),
                AdminState.DRAIN,
                new ServerId("web", "w1"),
                AdminState.DISABLED,
                a2,
                AdminState.DISABLED));
    assertThat(AdminStates.of(out)).isEqualTo(Map.of(a2, AdminState.DISABLED));
  }

  @Test
  void jsonNamesAndVerbsHaveOneHome() {
    assertThat(AdminState.NAMES).containsExactly("enabled", "drain", "disabled");
    assertThat(AdminState.fromJson("drain")).isEqualTo(AdminState.DRAIN);
    assertThat(AdminState.fromJson("DRAIN")).isNull();
    assertThat(AdminState.ofAction("disable")).isEqualTo(AdminState.DISABLED);
    assertThat(AdminState.ofAction("disabled")).isNull();
    assertThat(AdminState.expected()).isEqualTo("one of enabled, drain, disabled");
  }

  @Test
  void serverIdsPrintAsUpstreamSlashServerAndSortByUpstreamFirst() {
    assertThat(a1).hasToString("api/a1");
    assertThat(new java.util.TreeSet<>(java.util.List.of(a2, new ServerId("a", "z"), a1)))
        .containsExactly(new ServerId("a", "z"), a1, a2);
  }
}
