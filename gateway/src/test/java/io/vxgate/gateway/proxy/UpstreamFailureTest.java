package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.VertxException;
import io.vxgate.gateway.upstream.UpstreamPool;
import java.net.ConnectException;
import java.util.concurrent.TimeoutException;
import org.junit.jupiter.api.Test;

class UpstreamFailureTest {
  @Test
  void connectFailuresAreTheOriginsFault() {
    assertThat(UpstreamFailure.ofConnect(new ConnectException("Connection refused")))
        .isEqualTo(UpstreamFailure.CONNECT_FAILURE);
    assertThat(UpstreamFailure.ofConnect(new VertxException(new ConnectException("refused"))))
        .isEqualTo(UpstreamFailure.CONNECT_FAILURE);
    UpstreamFailure timeout = UpstreamFailure.ofConnect(new ConnectTimeoutException("timed out"));
    assertThat(timeout).isEqualTo(UpstreamFailure.CONNECT_TIMEOUT);
    assertThat(timeout.status()).isEqualTo(504);
    assertThat(timeout.countsAgainstServer()).isTrue();
    assertThat(timeout.mayHaveReachedOrigin()).isFalse();
  }

  @Test
  void waitingForAPooledConnectionIsLocalCongestion() {
    UpstreamFailure f =
        UpstreamFailure.ofConnect(new UpstreamPool.PoolTimeoutException("no free connection"));
    assertThat(f).isEqualTo(UpstreamFailure.POOL_TIMEOUT);
    assertThat(f.status()).isEqualTo(503);
    assertThat(f.countsAgainstServer()).isFalse();
    UpstreamFailure full = UpstreamFailure.ofConnect(new UpstreamPool.PoolFullException("busy"));
    assertThat(full).isEqualTo(UpstreamFailure.POOL_FULL);
    assertThat(full.countsAgainstServer()).isFalse();
  }

  @Test
  void failuresAfterSendingMayHaveReachedTheOrigin() {
    assertThat(UpstreamFailure.ofExchange(new TimeoutException()))
        .isEqualTo(UpstreamFailure.TIMEOUT);
    assertThat(UpstreamFailure.ofExchange(new VertxException("Connection was closed")))
        .isEqualTo(UpstreamFailure.RESET);
    assertThat(UpstreamFailure.RESET.mayHaveReachedOrigin()).isTrue();
  }
}
