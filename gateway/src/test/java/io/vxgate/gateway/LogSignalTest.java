package io.vxgate.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.cluster.AccessLogControl;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import sun.misc.Signal;

/** The JVM leaves SIGUSR1 to the application, and the handler reopens the access log. */
class LogSignalTest {
  @Test
  void sigusr1ReachesTheHandlerWhichReopensTheLog() {
    AtomicInteger reopened = new AtomicInteger();
    AccessLogControl log =
        new AccessLogControl() {
          @Override
          public CompletableFuture<Boolean> reopen() {
            reopened.incrementAndGet();
            return CompletableFuture.completedFuture(true);
          }
        };
    // HotSpot does not reserve SIGUSR1: installing a handler succeeds (else it throws).
    assertThat(LogSignal.install(() -> log)).isTrue();
    Signal.raise(new Signal(LogSignal.NAME));
    await().atMost(Duration.ofSeconds(10)).until(() -> reopened.get() == 1);
  }
}
