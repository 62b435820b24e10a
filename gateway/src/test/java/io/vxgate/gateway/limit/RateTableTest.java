package io.vxgate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.SplittableRandom;
import org.junit.jupiter.api.Test;

/** The key tables: bounded by max-keys with LRU eviction, and consistent with a reference map. */
class RateTableTest {
  private static final long RATE = 1000; // 1/s

  /** Takes one request of {@code key} (nodelay, burst 1000): whether the table held it before. */
  private static boolean take(RateTable t, long key, long now) {
    boolean held = t.excess(key) >= 0;
    t.take(key, now, RATE, 1_000_000, Long.MAX_VALUE, 0);
    return held;
  }

  @Test
  void holdsAtMostMaxKeysDroppingTheLeastRecentlyUsed() {
    RateTable t = new RateTable(3, false);
    take(t, 1, 0);
    take(t, 2, 0);
    take(t, 3, 0);
    take(t, 1, 0); // 1 is now the most recent: 2 goes first
    take(t, 4, 0);
    assertThat(t.size()).isEqualTo(3);
    assertThat(t.excess(2)).isEqualTo(-1);
    assertThat(t.excess(1)).isEqualTo(1000);
    assertThat(t.excess(3)).isZero();
    take(t, 5, 0); // then 3
    assertThat(t.excess(3)).isEqualTo(-1);
    assertThat(t.excess(1)).isEqualTo(1000);
    assertThat(t.excess(4)).isZero();
    assertThat(t.excess(5)).isZero();
  }

  @Test
  void matchesAnLruReferenceOverManyRandomKeys() {
    SplittableRandom random = new SplittableRandom(7);
    int max = 500;
    RateTable t = new RateTable(max, false);
    Map<Long, Integer> reference = new LinkedHashMap<>(16, 0.75f, true);
    for (int i = 0; i < 200_000; i++) {
      // keys collide in the index on purpose: small values and multiples of large powers of two
      long key =
          random.nextInt(4) == 0 ? (random.nextInt(64) + 1L) << 40 : random.nextInt(2000) + 1;
      boolean held = take(t, key, 0);
      assertThat(held).as("key %d at %d", key, i).isEqualTo(reference.containsKey(key));
      reference.merge(key, 1, Integer::sum);
      if (reference.size() > max) {
        Long eldest = reference.keySet().iterator().next();
        reference.remove(eldest);
      }
    }
    assertThat(t.size()).isEqualTo(max);
    for (Map.Entry<Long, Integer> e : reference.entrySet()) {
      // nodelay, no leak (time stands): the excess counts the key's requests after its first
      assertThat(t.excess(e.getKey())).isEqualTo((e.getValue() - 1) * 1000L);
    }
  }

  @Test
  void longIntMapMatchesAHashMap() {
    SplittableRandom random = new SplittableRandom(11);
    LongIntMap m = new LongIntMap(4);
    Map<Long, Integer> reference = new HashMap<>();
    for (int i = 0; i < 100_000; i++) {
      long key = random.nextInt(300) + 1L << (random.nextBoolean() ? 0 : 33);
      int value = random.nextInt(3);
      m.put(key, value);
      if (value == 0) {
        reference.remove(key);
      } else {
        reference.put(key, value);
      }
      long probe = random.nextInt(300) + 1L;
      assertThat(m.get(probe)).isEqualTo(reference.getOrDefault(probe, 0));
    }
    assertThat(m.size()).isEqualTo(reference.size());
    Map<Long, Integer> all = new HashMap<>();
    m.forEach(all::put);
    assertThat(all).isEqualTo(reference);
  }

  @Test
  void reportsEachKeysDemandOnceAndSharesTheRateByDemand() {
    RateTable t = new RateTable(10, true);
    take(t, 1, 0);
    take(t, 1, 0);
    take(t, 2, 0);
    Map<Long, Integer> report = new HashMap<>();
    t.drain(report::put, 0, false);
    assertThat(report).containsOnly(Map.entry(1L, 2), Map.entry(2L, 1));
    report.clear();
    t.drain(report::put, 0, false);
    assertThat(report).isEmpty();
    // alone on key 1 so far: the whole rate
    assertThat(t.share(1, 100_000)).isEqualTo(100_000);
    // 2 here (+1) against 7 elsewhere: a third of the rate
    t.addRemote(1, 7, 0);
    t.addRemote(99, 3, 0);
    assertThat(t.share(1, 100_000)).isEqualTo(100_000 * 3 / 10);
    assertThat(t.share(99, 100_000)).isEqualTo(-1);
    // the next window still counts the last one; the one after forgets it
    t.take(1, 0, RATE, 1_000_000, Long.MAX_VALUE, 1);
    assertThat(t.share(1, 100_000)).isEqualTo(100_000 * 3 / 10);
    t.take(1, 0, RATE, 1_000_000, Long.MAX_VALUE, 3);
    assertThat(t.share(1, 100_000)).isEqualTo(100_000);
  }
}
