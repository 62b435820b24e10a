package io.vxgate.gateway.lb;

import static io.vxgate.gateway.lb.BalancerTesting.picks;
import static io.vxgate.gateway.lb.BalancerTesting.seq;
import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.BalanceConfig;
import io.vxgate.config.BalanceConfig.Kind;
import io.vxgate.util.ManualTicker;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;

class HashBalancerTest {
  private static final int KEYS = 100_000;

  private final ManualTicker ticker = new ManualTicker();

  private Balancer hash(List<? extends Endpoint> servers) {
    return Balancer.create(new BalanceConfig(Kind.SOURCE, null), servers, ticker, null);
  }

  private static List<TestEndpoint> servers(int n) {
    List<TestEndpoint> servers = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      servers.add(TestEndpoint.of("srv-" + i));
    }
    return servers;
  }

  private static String key(int i) {
    return "10.1." + (i >> 8 & 0xFF) + "." + (i & 0xFF) + "/" + i;
  }

  /** The server name each of the {@link #KEYS} keys maps to. */
  private static String[] owners(Balancer b) {
    String[] owners = new String[KEYS];
    for (int i = 0; i < KEYS; i++) {
      owners[i] = b.pick(PickContext.ofKey(key(i))).name();
    }
    return owners;
  }

  private static Map<String, Integer> counts(String[] owners) {
    Map<String, Integer> counts = new HashMap<>();
    for (String o : owners) {
      counts.merge(o, 1, Integer::sum);
    }
    return counts;
  }

  @Test
  void sameKeyGoesToTheSameServerOnEveryCallAndEveryNode() {
    List<TestEndpoint> servers = servers(5);
    List<TestEndpoint> shuffled = new ArrayList<>(servers);
    Collections.shuffle(shuffled, new Random(9));
    Balancer node1 = hash(servers);
    Balancer node2 = hash(shuffled);

    assertThat(shuffled).isNotEqualTo(servers);
    assertThat(owners(node1)).isEqualTo(owners(node1)).isEqualTo(owners(node2));
    assertThat(node1.pick(PickContext.ofKey(new StringBuilder("10.1.0.7/7"))).name())
        .isEqualTo(node1.pick(PickContext.ofKey(key(7))).name());
  }

  @Test
  void spreadsKeysEvenly() {
    Map<String, Integer> counts = counts(owners(hash(servers(5))));

    assertThat(counts).hasSize(5);
    assertThat(counts.values()).allSatisfy(n -> assertThat(n).isBetween(16_000, 24_000));
  }

  @Test
  void doubleWeightGetsAboutTwiceTheKeys() {
    List<TestEndpoint> servers =
        List.of(new TestEndpoint("a", 2), new TestEndpoint("b", 1), new TestEndpoint("c", 1));
    Map<String, Integer> counts = counts(owners(hash(servers)));

    double others = (counts.get("b") + counts.get("c")) / 2.0;
    assertThat(counts.get("a") / others).isBetween(1.7, 2.3);
  }

  @Test
  void removingOneOfTenServersMovesOnlyItsKeys() {
    List<TestEndpoint> servers = servers(10);
    String[] before = owners(hash(servers));
    List<TestEndpoint> without = new ArrayList<>(servers);
    without.remove(3);
    String[] after = owners(hash(without));

    int moved = 0;
    for (int i = 0; i < KEYS; i++) {
      if (!before[i].equals(after[i])) {
        moved++;
        assertThat(before[i]).as("key %s moved from", key(i)).isEqualTo("srv-3");
      }
    }
    assertThat(moved).isBetween(KEYS * 6 / 100, KEYS * 14 / 100);
  }

  @Test
  void unavailableServerMovesOnlyItsKeysWhereARebuildWouldPutThem() {
    List<TestEndpoint> servers = servers(10);
    Balancer b = hash(servers);
    String[] before = owners(b);
    List<TestEndpoint> without = new ArrayList<>(servers);
    without.remove(3);
    String[] rebuilt = owners(hash(without));

    servers.get(3).enabled(false);
    String[] after = owners(b);

    for (int i = 0; i < KEYS; i++) {
      if (!before[i].equals(after[i])) {
        assertThat(before[i]).isEqualTo("srv-3");
      }
    }
    assertThat(after).isEqualTo(rebuilt);

    servers.get(3).enabled(true);
    assertThat(owners(b)).isEqualTo(before);
  }

  @Test
  void retryGoesToTheNextServerOnTheRing() {
    List<TestEndpoint> servers = servers(4);
    Balancer b = hash(servers);
    String key = key(1);
    Endpoint first = b.pick(PickContext.ofKey(key));
    List<TestEndpoint> without = new ArrayList<>(servers);
    without.remove(first);

    Endpoint second = b.pick(TestContext.retryAfter(key, first));
    assertThat(second.name())
        .isNotEqualTo(first.name())
        .isEqualTo(hash(without).pick(PickContext.ofKey(key)).name());

    // every server tried: the first available one on the walk
    assertThat(b.pick(TestContext.retryAfter(key, servers.toArray(new Endpoint[0]))))
        .isSameAs(first);
    ((TestEndpoint) first).enabled(false);
    assertThat(b.pick(TestContext.retryAfter(key, servers.toArray(new Endpoint[0]))))
        .isSameAs(second);
  }

  @Test
  void requestWithoutKeyFallsBackToRoundRobin() {
    Balancer b =
        hash(List.of(new TestEndpoint("a", 5), new TestEndpoint("b", 1), new TestEndpoint("c", 1)));
    assertThat(picks(b, PickContext.empty(), 14)).isEqualTo(seq("a a b a c a a", 2));

    List<TestEndpoint> servers = servers(3);
    assertThat(picks(hash(servers), PickContext.empty(), 6)).isEqualTo(seq("srv-0 srv-1 srv-2", 2));
  }

  @Test
  void noAvailableServerGivesNull() {
    List<TestEndpoint> servers = servers(3);
    servers.forEach(s -> s.enabled(false));
    Balancer b = hash(servers);

    assertThat(b.pick(PickContext.ofKey("k"))).isNull();
    assertThat(b.pick(PickContext.empty())).isNull();
    assertThat(hash(List.of()).pick(PickContext.ofKey("k"))).isNull();
  }
}
