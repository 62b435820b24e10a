package io.vxgate.cluster;

import io.vxgate.cluster.ConfigStore.Entry;
import java.util.Comparator;
import org.jspecify.annotations.Nullable;

/**
 * Which config survives when two sides of a split brain merge: the entry with the highest version,
 * then the latest time, then the greatest author (node id), so every node picks the same one
 * whatever order it sees them in.
 */
public final class ConfigMergeRule {
  /** Orders entries from loser to winner. */
  public static final Comparator<Entry> ORDER =
      Comparator.comparingLong(Entry::version)
          .thenComparing(Entry::time)
          .thenComparing(Entry::author);

  private ConfigMergeRule() {}

  /** The surviving entry of {@code a} and {@code b} (either may be null). */
  public static @Nullable Entry winner(@Nullable Entry a, @Nullable Entry b) {
    if (a == null) {
      return b;
    }
    if (b == null) {
      return a;
    }
    return ORDER.compare(a, b) >= 0 ? a : b;
  }
}
