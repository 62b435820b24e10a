package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import java.time.Instant;
import org.junit.jupiter.api.Test;

class ConfigEntrySupersedesTest {
  private static ConfigStore.Entry entry(long v, String author, long t) {
    return new ConfigStore.Entry(v, author, Instant.ofEpochSecond(t), new JsonObject());
  }

  @Test
  void newerVersionsAreApplied() {
    assertThat(ConfigStore.Entry.supersedes(entry(1, "a", 1), null)).isTrue();
    assertThat(ConfigStore.Entry.supersedes(entry(3, "a", 1), entry(2, "a", 5))).isTrue();
  }

  @Test
  void olderVersionsAndTheSameEntryAreNot() {
    assertThat(ConfigStore.Entry.supersedes(entry(1, "a", 9), entry(2, "a", 5))).isFalse();
    assertThat(ConfigStore.Entry.supersedes(entry(2, "a", 5), entry(2, "a", 5))).isFalse();
  }

  @Test
  void theOtherSidesEntryWithTheSameNumberAfterASplitBrainIsApplied() {
    // While split, n1 wrote version 2 on one side and n3 version 2 on the other; the merge kept
    // n1's. n3 must switch to it although the number did not change.
    ConfigStore.Entry mine = entry(2, "admin@n3", 100);
    ConfigStore.Entry kept = entry(2, "admin@n1", 99);
    assertThat(ConfigStore.Entry.supersedes(kept, mine)).isTrue();
  }
}
