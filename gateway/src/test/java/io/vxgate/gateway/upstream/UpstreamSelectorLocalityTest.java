package io.vxgate.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vxgate.config.BalanceConfig;
import io.vxgate.config.HostPort;
import io.vxgate.config.RetryOn;
import io.vxgate.config.ServerConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.health.ActiveHealth;
import io.vxgate.gateway.health.PassiveHealth;
import io.vxgate.gateway.lb.Endpoint;
import io.vxgate.gateway.lb.PickContext;
import io.vxgate.util.ManualTicker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** {@code locality.prefer-datacenter} with the {@code min-healthy-percent} spill-over. */
class UpstreamSelectorLocalityTest {
  private final Vertx vertx = Vertx.vertx();
  private final UpstreamPool pool =
      UpstreamPool.create(vertx, new UpstreamPool.Settings(8, 32, 10_000, null, true));
  private final ManualTicker ticker = new ManualTicker();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private ServerState server(String name, String dc) {
    ServerConfig c = new ServerConfig(name, new HostPort("127.0.0.1", 1), 1, dc, false, 0, false);
    return new ServerState(
        "u",
        c,
        new PassiveHealth(1, Duration.ofSeconds(10), ticker, () -> {}),
        new ActiveHealth(1, 1, true),
        Duration.ZERO,
        ticker);
  }

  private UpstreamSelector selector(List<ServerState> servers, boolean prefer, int minHealthy) {
    UpstreamConfig cfg =
        new UpstreamConfig(
            "u",
            new BalanceConfig(BalanceConfig.Kind.ROUNDROBIN, null),
            servers.stream().map(ServerState::config).toList(),
            null,
            new UpstreamConfig.PassiveConfig(1, Duration.ofSeconds(10)),
            null,
            2,
            Set.of(RetryOn.CONNECT_FAILURE),
            new UpstreamConfig.TimeoutsConfig(
                Duration.ofSeconds(1), Duration.ofSeconds(1), Duration.ofSeconds(1)),
            new UpstreamConfig.KeepaliveConfig(8, Duration.ofSeconds(10)),
            Duration.ZERO,
            new UpstreamConfig.LocalityConfig(prefer, minHealthy));
    return new UpstreamSelector(
        new Upstream(cfg, servers, List.of(), pool), ticker, new Random(1), "dc1");
  }

  private static List<String> picks(UpstreamSelector sel, int n) {
    List<String> out = new ArrayList<>();
    for (int i = 0; i < n; i++) {
      ServerState s = sel.pick(PickContext.empty());
      out.add(s == null ? "-" : s.name());
    }
    return out;
  }

  @Test
  void localServersTakeEverythingWhileEnoughOfThemAreHealthy() {
    ServerState a1 = server("a1", "dc1");
    ServerState a2 = server("a2", "dc1");
    ServerState b1 = server("b1", "dc2");
    ServerState b2 = server("b2", "dc2");
    UpstreamSelector sel = selector(List.of(a1, b1, a2, b2), true, 50);
    assertThat(picks(sel, 6)).containsExactly("a1", "a2", "a1", "a2", "a1", "a2");
    // one of two local servers down: 50% available, still local
    a1.active().record(false);
    assertThat(picks(sel, 3)).containsExactly("a2", "a2", "a2");
  }

  @Test
  void belowMinHealthyPercentTrafficSpillsToAllServers() {
    ServerState a1 = server("a1", "dc1");
    ServerState a2 = server("a2", "dc1");
    ServerState b1 = server("b1", "dc2");
    UpstreamSelector sel = selector(List.of(a1, a2, b1), true, 75);
    a1.passive().recordFailure(); // down for 10s: 1 of 2 local available = 50% < 75%
    assertThat(picks(sel, 4)).containsExactly("a2", "b1", "a2", "b1");
    ticker.advance(Duration.ofSeconds(11)); // a1 back: local again
    assertThat(picks(sel, 4)).containsOnly("a1", "a2");
  }

  @Test
  void aRetryAfterTheLocalServersFailedGoesToAnotherDatacenter() {
    ServerState a1 = server("a1", "dc1");
    ServerState b1 = server("b1", "dc2");
    UpstreamSelector sel = selector(List.of(a1, b1), true, 50);
    List<Endpoint> tried = new ArrayList<>(List.of(a1));
    PickContext retry =
        new PickContext() {
          @Override
          public CharSequence hashKey() {
            return null;
          }

          @Override
          public boolean tried(Endpoint e) {
            return tried.contains(e);
          }
        };
    assertThat(sel.pick(retry)).isSameAs(b1);
  }

  @Test
  void withoutPreferenceOrClusterVerdictEveryServerIsUsed() {
    ServerState a1 = server("a1", "dc1");
    ServerState b1 = server("b1", "dc2");
    assertThat(picks(selector(List.of(a1, b1), false, 50), 4))
        .containsExactly("a1", "b1", "a1", "b1");
    // the cluster's merged verdict overrides this node's own active state
    UpstreamSelector sel = selector(List.of(a1, b1), true, 50);
    a1.clusterVerdict(false, "active: 2/2 down");
    assertThat(picks(sel, 2)).containsExactly("b1", "b1");
    a1.noClusterVerdict();
    assertThat(picks(sel, 2)).containsExactly("a1", "a1");
  }
}
