package io.vxgate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.LimitConfig;
import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What a million distinct client keys cost (docs/benchmarks.md, "Limits"): one cluster-scope policy
 * with {@code max-keys: 1000000}, a request from each of a million addresses, the heap the policy
 * keeps and the process's resident memory before and after; then 200,000 more addresses, which
 * replace the least recently used instead of growing the table.
 */
class LimitMemoryTest {
  private static final Logger log = LoggerFactory.getLogger(LimitMemoryTest.class);
  private static final int KEYS = 1_000_000;

  private static long heapUsed() {
    for (int i = 0; i < 3; i++) {
      System.gc();
    }
    return ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
  }

  private static long rssKb() throws IOException {
    for (String line : Files.readAllLines(Path.of("/proc/self/status"))) {
      if (line.startsWith("VmRSS:")) {
        return Long.parseLong(line.replaceAll("[^0-9]", ""));
      }
    }
    return -1;
  }

  private static String address(int i) {
    return "10." + (i >>> 16 & 0xff) + "." + (i >>> 8 & 0xff) + "." + (i & 0xff);
  }

  @Test
  void aMillionClientKeysTakeAboutSeventyBytesEachAndMaxKeysHolds() throws IOException {
    LimitConfig config =
        new LimitConfig(
            "per-ip",
            new LimitConfig.Rate(10, false),
            20,
            0,
            true,
            0,
            LimitConfig.DEFAULT_KEY,
            List.of(),
            LimitConfig.Scope.CLUSTER,
            KEYS);
    long heapBefore = heapUsed();
    long rssBefore = rssKb();
    Policy p = new Policy(config);
    for (int i = 0; i < KEYS; i++) {
      p.take(Policy.hash(address(i)), i / 1000);
    }
    p.drainDemand((h, n) -> {}); // as the exchange does every 100 ms
    long heapAfter = heapUsed();
    long rssAfter = rssKb();
    long perKey = (heapAfter - heapBefore) / KEYS;
    log.info(
        "{} keys: heap +{} MB ({} bytes a key), resident +{} MB",
        p.keys(),
        (heapAfter - heapBefore) >> 20,
        perKey,
        (rssAfter - rssBefore) >> 10);
    // at most max-keys; 16 segments of a sixteenth each, one filling up before another
    assertThat(p.keys()).isBetween(KEYS * 99 / 100, KEYS);
    assertThat(perKey).isBetween(40L, 100L);
    for (int i = KEYS; i < KEYS + 200_000; i++) {
      p.take(Policy.hash(address(i)), 2000 + i / 1000);
    }
    p.drainDemand((h, n) -> {});
    assertThat(p.keys()).isBetween(KEYS * 99 / 100, KEYS);
    assertThat((heapUsed() - heapBefore) / KEYS).isLessThanOrEqualTo(perKey + 2);
    // the table is still right: a key just seen is held, the first ones are gone
    assertThat(p.excess(Policy.hash(address(KEYS + 199_999)))).isZero();
    assertThat(p.excess(Policy.hash(address(0)))).isEqualTo(-1);
  }
}
