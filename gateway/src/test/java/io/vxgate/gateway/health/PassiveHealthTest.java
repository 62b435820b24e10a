package io.vxgate.gateway.health;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.UpstreamConfig.PassiveConfig;
import io.vxgate.util.ManualTicker;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;

class PassiveHealthTest {

  private static final Duration FAIL_TIMEOUT = Duration.ofSeconds(30);

  private final ManualTicker ticker = new ManualTicker();
  private final AtomicInteger downs = new AtomicInteger();
  private final PassiveHealth health =
      new PassiveHealth(new PassiveConfig(3, FAIL_TIMEOUT), ticker, downs::incrementAndGet);

  @Test
  void maxFailsWithinFailTimeoutMarksDown() {
    health.recordFailure();
    ticker.advance(Duration.ofSeconds(10));
    health.recordFailure();
    assertThat(health.isDown()).isFalse();
    ticker.advance(Duration.ofSeconds(19));
    health.recordFailure();

    assertThat(health.isDown()).isTrue();
    assertThat(downs).hasValue(1);
    assertThat(health.downUntilNanos()).isEqualTo(ticker.nanoTime() + FAIL_TIMEOUT.toNanos());
  }

  @Test
  void failuresOutsideTheWindowDoNotAddUp() {
    health.recordFailure();
    health.recordFailure();
    ticker.advance(Duration.ofSeconds(31));
    health.recordFailure();

    assertThat(health.isDown()).isFalse();
    assertThat(health.failures()).isEqualTo(1);
    assertThat(downs).hasValue(0);
  }

  @Test
  void windowStartsAtFirstFailureNotLast() {
    health.recordFailure();
    ticker.advance(Duration.ofSeconds(20));
    health.recordFailure();
    ticker.advance(Duration.ofSeconds(11)); // 31s after the first failure, 11s after the second
    health.recordFailure();

    assertThat(health.isDown()).isFalse();
  }

  @Test
  void successesInsideTheWindowDoNotReset() {
    health.recordFailure();
    health.recordSuccess();
    health.recordFailure();
    health.recordSuccess();
    health.recordSuccess();
    health.recordFailure();

    assertThat(health.isDown()).isTrue();
  }

  @Test
  void downLastsExactlyFailTimeout() {
    markDown();
    long start = ticker.nanoTime();

    assertThat(health.isDown(start)).isTrue();
    assertThat(health.isDown(start + FAIL_TIMEOUT.toNanos() - 1)).isTrue();
    assertThat(health.isDown(start + FAIL_TIMEOUT.toNanos())).isTrue();
    assertThat(health.isDown(start + FAIL_TIMEOUT.toNanos() + 1)).isFalse();
    ticker.advance(FAIL_TIMEOUT.plusNanos(1));
    assertThat(health.isDown()).isFalse();
  }

  @Test
  void outcomesWhileDownAreIgnored() {
    markDown();
    long until = health.downUntilNanos();
    ticker.advance(Duration.ofSeconds(5));
    health.recordFailure();
    health.recordSuccess();

    assertThat(health.downUntilNanos()).isEqualTo(until);
    assertThat(health.onProbation()).isTrue();
    assertThat(downs).hasValue(1);
  }

  @Test
  void oneFailureOnProbationMarksDownAgainAtOnce() {
    markDown();
    ticker.advance(FAIL_TIMEOUT.plusNanos(1));
    assertThat(health.isDown()).isFalse();
    assertThat(health.onProbation()).isTrue();

    health.recordFailure();

    assertThat(health.isDown()).isTrue();
    assertThat(health.downUntilNanos()).isEqualTo(ticker.nanoTime() + FAIL_TIMEOUT.toNanos());
    assertThat(downs).hasValue(2);
  }

  @Test
  void successOnProbationResets() {
    markDown();
    ticker.advance(FAIL_TIMEOUT.plusNanos(1));
    health.recordSuccess();

    assertThat(health.onProbation()).isFalse();
    health.recordFailure();
    health.recordFailure();
    assertThat(health.isDown()).isFalse();
    health.recordFailure();
    assertThat(health.isDown()).isTrue();
    assertThat(downs).hasValue(2);
  }

  @Test
  void maxFailsZeroIsNeverDown() {
    PassiveHealth off = new PassiveHealth(0, Duration.ZERO, ticker, downs::incrementAndGet);
    for (int i = 0; i < 100; i++) {
      off.recordFailure();
    }

    assertThat(off.isDown()).isFalse();
    assertThat(off.failures()).isZero();
    assertThat(downs).hasValue(0);
  }

  @Test
  void neverDownBeforeAnyFailureWhateverTheTickerStartsAt() {
    ManualTicker late = new ManualTicker().advance(Duration.ofDays(365));
    PassiveHealth fresh = new PassiveHealth(3, FAIL_TIMEOUT, late, () -> {});

    assertThat(fresh.isDown()).isFalse();
    assertThat(fresh.isDown(0)).isFalse();
    assertThat(fresh.isDown(late.nanoTime() + Duration.ofDays(365).toNanos())).isFalse();
  }

  @Test
  void concurrentFailuresAreAllCounted() throws Exception {
    int threads = 8;
    int perThread = 1_000;
    PassiveHealth shared =
        new PassiveHealth(threads * perThread, FAIL_TIMEOUT, ticker, downs::incrementAndGet);
    PassiveHealth counting =
        new PassiveHealth(threads * perThread + 1, FAIL_TIMEOUT, ticker, () -> {});
    CountDownLatch go = new CountDownLatch(1);
    ExecutorService pool = Executors.newFixedThreadPool(threads);
    try {
      for (int t = 0; t < threads; t++) {
        pool.execute(
            () -> {
              try {
                go.await();
              } catch (InterruptedException e) {
                Thread.currentThread().interrupt();
                return;
              }
              for (int i = 0; i < perThread; i++) {
                shared.recordFailure();
                counting.recordFailure();
                counting.recordSuccess();
              }
            });
      }
      go.countDown();
    } finally {
      pool.shutdown();
      assertThat(pool.awaitTermination(10, TimeUnit.SECONDS)).isTrue();
    }

    assertThat(counting.failures()).isEqualTo(threads * perThread);
    assertThat(counting.isDown()).isFalse();
    assertThat(shared.isDown()).isTrue();
    assertThat(downs).hasValue(1);
  }

  private void markDown() {
    health.recordFailure();
    health.recordFailure();
    health.recordFailure();
    assertThat(health.isDown()).isTrue();
  }
}
