package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.ConfigStore.Entry;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConfigMergeRuleTest {
  private static Entry e(long v, long t, String author) {
    return new Entry(v, author, Instant.ofEpochSecond(t), new JsonObject().put("v", v));
  }

  @Test
  void highestVersionWinsThenLatestTimeThenGreatestNodeId() {
    assertThat(ConfigMergeRule.winner(e(5, 100, "a"), e(4, 200, "z"))).isEqualTo(e(5, 100, "a"));
    assertThat(ConfigMergeRule.winner(e(4, 200, "z"), e(5, 100, "a"))).isEqualTo(e(5, 100, "a"));
    assertThat(ConfigMergeRule.winner(e(5, 100, "z"), e(5, 101, "a"))).isEqualTo(e(5, 101, "a"));
    assertThat(ConfigMergeRule.winner(e(5, 100, "gw-1"), e(5, 100, "gw-2")))
        .isEqualTo(e(5, 100, "gw-2"));
    assertThat(ConfigMergeRule.winner(e(5, 100, "gw-2"), e(5, 100, "gw-1")))
        .isEqualTo(e(5, 100, "gw-2"));
  }

  @Test
  void anEntryBeatsNone() {
    assertThat(ConfigMergeRule.winner(null, e(1, 1, "a"))).isEqualTo(e(1, 1, "a"));
    assertThat(ConfigMergeRule.winner(e(1, 1, "a"), null)).isEqualTo(e(1, 1, "a"));
  }
}
