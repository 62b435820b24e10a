package io.vxgate.gateway.upstream;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vxgate.cluster.AdminState;
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

class UpstreamSelectorTest {
  private final Vertx vertx = Vertx.vertx();
  private final UpstreamPool pool =
      UpstreamPool.create(vertx, new UpstreamPool.Settings(8, 32, 10_000, null, true));
  private final ManualTicker ticker = new ManualTicker();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private ServerState server(String name, boolean backup, int maxConns) {
    ServerConfig c =
        new ServerConfig(name, new HostPort("127.0.0.1", 1), 1, null, backup, maxConns, false);
    return new ServerState(
        "u",
        c,
        new PassiveHealth(1, Duration.ofSeconds(10), ticker, () -> {}),
        new ActiveHealth(1, 1, true),
        Duration.ZERO,
        ticker);
  }

  private UpstreamSelector selector(List<ServerState> servers) {
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
            new UpstreamConfig.LocalityConfig(false, 50));
    List<ServerState> primaries = servers.stream().filter(s -> !s.config().backup()).toList();
    List<ServerState> backups = servers.stream().filter(s -> s.config().backup()).toList();
    return new UpstreamSelector(new Upstream(cfg, primaries, backups, pool), ticker, new Random(1));
  }

  private static final class Tried implements PickContext {
    final List<Endpoint> tried = new ArrayList<>();

    @Override
    public CharSequence hashKey() {
      return null;
    }

    @Override
    public boolean tried(Endpoint e) {
      return tried.contains(e);
    }
  }

  @Test
  void backupsGetNothingWhilePrimariesAreAvailable() {
    ServerState a = server("a", false, 0);
    ServerState b = server("b", false, 0);
    ServerState bk = server("bk", true, 0);
    UpstreamSelector sel = selector(List.of(a, b, bk));
    for (int i = 0; i < 10; i++) {
      assertThat(sel.pick(PickContext.empty())).isIn(a, b);
    }
  }

  @Test
  void backupsTakeOverWhenNoPrimaryIsAvailableAndHandBack() {
    ServerState a = server("a", false, 0);
    ServerState bk = server("bk", true, 0);
    UpstreamSelector sel = selector(List.of(a, bk));
    a.active().record(false);
    assertThat(a.available(ticker.nanoTime())).isFalse();
    assertThat(sel.pick(PickContext.empty())).isSameAs(bk);
    a.active().record(true);
    assertThat(sel.pick(PickContext.empty())).isSameAs(a);
  }

  @Test
  void aRetryAfterEveryPrimaryFailedGoesToABackup() {
    ServerState a = server("a", false, 0);
    ServerState bk = server("bk", true, 0);
    UpstreamSelector sel = selector(List.of(a, bk));
    Tried ctx = new Tried();
    ctx.tried.add(a);
    assertThat(sel.pick(ctx)).isSameAs(bk);
  }

  @Test
  void maxConnsAndOperatorStateMakeAServerUnavailable() {
    ServerState a = server("a", false, 1);
    ServerState b = server("b", false, 0);
    UpstreamSelector sel = selector(List.of(a, b));
    a.requestStarted();
    for (int i = 0; i < 4; i++) {
      assertThat(sel.pick(PickContext.empty())).isSameAs(b);
    }
    a.requestEnded();
    b.adminState(AdminState.DRAIN);
    assertThat(sel.pick(PickContext.empty())).isSameAs(a);
    b.adminState(AdminState.DISABLED);
    a.adminState(AdminState.DISABLED);
    assertThat(sel.pick(PickContext.empty())).isNull();
  }

  @Test
  void whenPassiveChecksTookEveryServerOutThePickIgnoresThem() {
    ServerState a = server("a", false, 0);
    ServerState b = server("b", false, 0);
    ServerState bk = server("bk", true, 0);
    UpstreamSelector sel = selector(List.of(a, b, bk));
    a.passive().recordFailure();
    b.passive().recordFailure();
    assertThat(sel.pick(PickContext.empty())).isSameAs(bk);
    bk.passive().recordFailure();
    List<ServerState> picks = new ArrayList<>();
    for (int i = 0; i < 6; i++) {
      picks.add(sel.pick(PickContext.empty()));
    }
    assertThat(picks).containsOnly(a, b, bk).contains(a, b, bk);
    // Panic ignores passive marks only: active verdicts and operator states still exclude.
    a.active().record(false);
    b.adminState(AdminState.DRAIN);
    for (int i = 0; i < 4; i++) {
      assertThat(sel.pick(PickContext.empty())).isSameAs(bk);
    }
    bk.active().record(false);
    assertThat(sel.pick(PickContext.empty())).isNull();
  }

  @Test
  void passiveFailuresTakeAServerOutUntilFailTimeoutPasses() {
    ServerState a = server("a", false, 0);
    ServerState b = server("b", false, 0);
    UpstreamSelector sel = selector(List.of(a, b));
    a.passive().recordFailure();
    for (int i = 0; i < 4; i++) {
      assertThat(sel.pick(PickContext.empty())).isSameAs(b);
    }
    ticker.advance(Duration.ofSeconds(11));
    List<ServerState> picks = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      picks.add(sel.pick(PickContext.empty()));
    }
    assertThat(picks).contains(a, b);
  }
}
