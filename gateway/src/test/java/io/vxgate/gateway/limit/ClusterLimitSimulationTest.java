package io.vxgate.gateway.limit;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.buffer.Buffer;
import io.vxgate.cluster.Broadcast;
import io.vxgate.cluster.Subscription;
import io.vxgate.config.LimitConfig;
import io.vxgate.util.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.PriorityQueue;
import java.util.SplittableRandom;
import java.util.function.Consumer;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Three nodes with one cluster-scope policy, their real {@link LimitSync}s exchanging real reports
 * over a simulated network (latency with jitter, partitions), on one hand-moved clock: Poisson
 * arrivals spread 70/20/10 at three times the limit, every request through the real {@link Policy}.
 * Deterministic (seeded), so every figure is exact from run to run.
 */
class ClusterLimitSimulationTest {
  private static final long KEY = Policy.hash("/api");
  private static final double[] SPREAD = {0.7, 0.2, 0.1};

  /** The simulated network: what a node publishes reaches the others after a delay. */
  private static final class Network {
    private record Delivery(long atMs, int to, Buffer message, long seq) {}

    private final SplittableRandom random;
    private final long latencyMs;
    private final PriorityQueue<Delivery> queue =
        new PriorityQueue<>(
            (a, b) -> a.atMs != b.atMs ? Long.compare(a.atMs, b.atMs) : Long.compare(a.seq, b.seq));
    private final List<LimitSync> syncs = new ArrayList<>();
    private final ManualTicker ticker;
    private boolean[] isolated = new boolean[3];
    private long seq;

    Network(ManualTicker ticker, long latencyMs, long seed) {
      this.ticker = ticker;
      this.latencyMs = latencyMs;
      this.random = new SplittableRandom(seed);
    }

    Broadcast endpoint(int from) {
      return new Broadcast() {
        @Override
        public void publish(Buffer message) {
          for (int to = 0; to < syncs.size(); to++) {
            if (to != from && !isolated[from] && !isolated[to]) {
              long at = now() + latencyMs + random.nextInt((int) latencyMs + 1);
              queue.add(new Delivery(at, to, message.copy(), seq++));
            }
          }
        }

        @Override
        public Subscription listen(Consumer<Buffer> listener) {
          throw new UnsupportedOperationException("the simulation delivers to LimitSync.receive");
        }
      };
    }

    long now() {
      return ticker.nanoTime() / 1_000_000;
    }

    void deliver() {
      while (!queue.isEmpty() && queue.peek().atMs <= now()) {
        Delivery d = queue.poll();
        syncs.get(d.to).receive(d.message);
      }
    }
  }

  /** The outcome: requests offered and admitted per node, in each phase. */
  private record Counts(long[] offered, long[] admitted) {
    long admittedTotal() {
      long n = 0;
      for (long a : admitted) {
        n += a;
      }
      return n;
    }
  }

  private static final class Cluster {
    final ManualTicker ticker = new ManualTicker();
    final Network net;
    final Policy[] policies = new Policy[3];
    final LimitSync[] syncs = new LimitSync[3];
    final SplittableRandom arrivals = new SplittableRandom(42);
    final double[] next = new double[3];
    final double[] perMs = new double[3];
    final long[] nextTick = {0, 37, 74};
    final SplittableRandom jitter = new SplittableRandom(5);

    Cluster(LimitConfig config, double demandPerSecond, long latencyMs) {
      net = new Network(ticker, latencyMs, 3);
      for (int i = 0; i < 3; i++) {
        Policy p = new Policy(config);
        policies[i] = p;
        syncs[i] =
            new LimitSync(
                "n" + i,
                net.endpoint(i),
                ticker,
                () -> List.of(p),
                LimitSync.INTERVAL,
                LimitSync.FORGET);
        net.syncs.add(syncs[i]);
        perMs[i] = demandPerSecond * SPREAD[i] / 1000;
        next[i] = exp(perMs[i]);
      }
    }

    private double exp(double perMs) {
      return -Math.log(1 - arrivals.nextDouble()) / perMs;
    }

    /** Runs for {@code ms}: arrivals, deliveries, each node's tick every 100 ms (offset). */
    Counts run(long ms) {
      long[] offered = new long[3];
      long[] admitted = new long[3];
      for (long step = 0; step < ms; step++) {
        ticker.advance(Duration.ofMillis(1));
        long now = net.now();
        net.deliver();
        for (int i = 0; i < 3; i++) {
          if (now >= nextTick[i]) {
            syncs[i].tick();
            nextTick[i] = now + 75 + jitter.nextInt(51);
          }
          while (next[i] <= now) {
            next[i] += exp(perMs[i]);
            offered[i]++;
            if (policies[i].take(KEY, now) >= 0) {
              admitted[i]++;
            }
          }
        }
      }
      return new Counts(offered, admitted);
    }
  }

  private static LimitConfig policy(int perSecond, int burst, LimitConfig.Scope scope) {
    return new LimitConfig(
        "api",
        new LimitConfig.Rate(perSecond, false),
        burst,
        0,
        true,
        0,
        new LimitConfig.Key(LimitConfig.Key.Kind.ROUTE, null),
        List.of(),
        scope,
        1000);
  }

  @ParameterizedTest
  @CsvSource({"20, 5, 20", "100, 10, 20", "100, 10, 150", "1000, 50, 20", "5, 5, 80"})
  void theClusterAdmitsItsLimitWithinTenPercentWhateverTheSpread(
      int rate, int burst, long latencyMs) {
    Cluster c = new Cluster(policy(rate, burst, LimitConfig.Scope.CLUSTER), 3.0 * rate, latencyMs);
    c.run(2000); // the nodes hear each other
    Counts n = c.run(20_000);
    double expected = rate * 20.0;
    assertThat(n.admittedTotal())
        .as(
            "admitted %s of offered %s",
            java.util.Arrays.toString(n.admitted()), java.util.Arrays.toString(n.offered()))
        .isBetween((long) (expected * 0.9), (long) (expected * 1.1));
    // each node's share follows its demand: none starves
    for (int i = 0; i < 3; i++) {
      assertThat((double) n.admitted()[i] / n.admittedTotal())
          .as("node %d: admitted %s", i, java.util.Arrays.toString(n.admitted()))
          .isBetween(SPREAD[i] * 0.6, SPREAD[i] * 1.4);
    }
  }

  @Test
  void withNodeScopeEachNodeAdmitsTheLimitOnItsOwn() {
    int rate = 100;
    Cluster c = new Cluster(policy(rate, 10, LimitConfig.Scope.NODE), 3.0 * rate, 20);
    c.run(2000);
    Counts n = c.run(20_000);
    // 70/20/10 of 300/s: 210, 60 and 30/s offered; a node admits up to 100/s of it
    double expected = (100 + 60 + 30) * 20.0;
    assertThat(n.admittedTotal()).isBetween((long) (expected * 0.9), (long) (expected * 1.1));
    assertThat(n.admitted()[0]).isBetween(1900L, 2100L);
  }

  @Test
  void aNodeCutOffEnforcesItsLastShareAndTheClusterHealsAfterwards() {
    int rate = 100;
    Cluster c = new Cluster(policy(rate, 10, LimitConfig.Scope.CLUSTER), 3.0 * rate, 20);
    c.run(10_000);
    c.net.isolated[0] = true;
    c.run(1500); // noticed after a second without reports
    assertThat(c.syncs[0].cut()).isTrue();
    assertThat(c.syncs[1].cut()).isFalse();
    assertThat(c.syncs[1].peers()).containsExactly("n2");
    Counts split = c.run(10_000);
    // n1 had about 70% of the cluster's requests: it keeps about 70/s
    assertThat(split.admitted()[0]).isBetween(600L, 800L);
    // n2 and n3 hear each other and share the whole limit once n1's demand left their windows
    // (two windows of 2 s): then 100/s for their 90/s of demand, shared 2:1 (all but what comes
    // in a clump over a node's share)
    Counts later = c.run(10_000);
    assertThat(later.admitted()[0]).isBetween(600L, 800L);
    assertThat(later.admitted()[1] + later.admitted()[2])
        .isGreaterThan((long) ((later.offered()[1] + later.offered()[2]) * 0.98));
    c.net.isolated[0] = false;
    c.run(3000);
    assertThat(c.syncs[0].cut()).isFalse();
    Counts healed = c.run(10_000);
    assertThat(healed.admittedTotal()).isBetween(900L, 1100L);
  }

  @Test
  void aCutOffNodeForgetsSilentPeersAfterAMinute() {
    int rate = 100;
    Cluster c = new Cluster(policy(rate, 10, LimitConfig.Scope.CLUSTER), 3.0 * rate, 20);
    c.run(5_000);
    c.net.isolated[0] = true;
    c.run(59_000);
    assertThat(c.syncs[0].cut()).isTrue();
    c.run(2_000);
    assertThat(c.syncs[0].cut()).isFalse();
    assertThat(c.syncs[0].peers()).isEmpty();
    // alone now: the whole limit
    Counts alone = c.run(10_000);
    assertThat(alone.admitted()[0]).isBetween(950L, 1050L);
  }

  @Test
  void aLeavingNodeIsForgottenAtOnce() {
    Cluster c = new Cluster(policy(100, 10, LimitConfig.Scope.CLUSTER), 300, 20);
    c.run(2000);
    assertThat(c.syncs[1].peers()).containsExactlyInAnyOrder("n0", "n2");
    c.syncs[0].stop();
    c.net.endpoint(0).publish(new Reports.Writer("n0", true).done());
    c.net.isolated[0] = true;
    c.run(200);
    assertThat(c.syncs[1].peers()).containsExactly("n2");
    assertThat(c.syncs[1].cut()).isFalse();
  }
}
