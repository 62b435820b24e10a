package io.vxgate.gateway.upstream;

import static io.vxgate.cluster.HealthFlag.AT_MAX_CONNS;
import static io.vxgate.cluster.HealthFlag.CLUSTER_DOWN;
import static io.vxgate.cluster.HealthFlag.DISABLED;
import static io.vxgate.cluster.HealthFlag.DRAINING;
import static io.vxgate.cluster.HealthFlag.FAILED_ACTIVE_HC;
import static io.vxgate.cluster.HealthFlag.FAILED_PASSIVE;
import static io.vxgate.cluster.HealthFlag.SLOW_START;
import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.HealthFlag;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.ServerId;
import io.vxgate.config.HostPort;
import io.vxgate.config.ServerConfig;
import io.vxgate.gateway.health.ActiveHealth;
import io.vxgate.gateway.health.PassiveHealth;
import io.vxgate.util.ManualTicker;
import java.time.Duration;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/** Flags to availability: {@link ServerState#flags} and the masks of {@link HealthFlag}. */
class ServerStateTest {
  private static final Duration FAIL_TIMEOUT = Duration.ofSeconds(10);
  private static final Duration SLOW_START_TIME = Duration.ofSeconds(20);

  private final ManualTicker ticker = new ManualTicker();

  /** A server with max-conns 2, weight 10, passive 1 failure / 10 s, active rise 1 fall 1. */
  private ServerState server(Duration slowStart) {
    ServerConfig c =
        new ServerConfig("s1", new HostPort("127.0.0.1", 1), 10, null, false, 2, false);
    return new ServerState(
        "api",
        c,
        new PassiveHealth(1, FAIL_TIMEOUT, ticker, () -> {}),
        new ActiveHealth(1, 1, true),
        slowStart,
        ticker);
  }

  private long now() {
    return ticker.nanoTime();
  }

  private static Arguments row(
      String name,
      Consumer<ServerState> setup,
      Set<HealthFlag> flags,
      boolean available,
      boolean inPanic) {
    return Arguments.of(name, setup, flags, available, inPanic);
  }

  static Stream<Arguments> table() {
    Set<HealthFlag> none = Set.of();
    return Stream.of(
        row("fresh", s -> {}, none, true, true),
        row(
            "own active check down",
            s -> s.active().record(false),
            Set.of(FAILED_ACTIVE_HC),
            false,
            false),
        row(
            "own active check down, cluster verdict up: the verdict replaces it",
            s -> {
              s.active().record(false);
              s.clusterVerdict(true, "active: 2/2 up");
            },
            none,
            true,
            true),
        row(
            "own active check up, cluster verdict down",
            s -> s.clusterVerdict(false, "active: 2/2 down"),
            Set.of(CLUSTER_DOWN),
            false,
            false),
        row(
            "cluster verdict dropped: own active check decides again",
            s -> {
              s.active().record(false);
              s.clusterVerdict(true, "active: 2/2 up");
              s.noClusterVerdict();
            },
            Set.of(FAILED_ACTIVE_HC),
            false,
            false),
        row(
            "passive down: out, but not in panic mode",
            s -> s.passive().recordFailure(),
            Set.of(FAILED_PASSIVE),
            false,
            true),
        row(
            "passive down and cluster verdict down",
            s -> {
              s.passive().recordFailure();
              s.clusterVerdict(false, "passive: 2/3 nodes");
            },
            Set.of(FAILED_PASSIVE, CLUSTER_DOWN),
            false,
            false),
        row("drained", s -> s.adminState(AdminState.DRAIN), Set.of(DRAINING), false, false),
        row("disabled", s -> s.adminState(AdminState.DISABLED), Set.of(DISABLED), false, false),
        row(
            "disabled then enabled",
            s -> {
              s.adminState(AdminState.DISABLED);
              s.adminState(AdminState.ENABLED);
            },
            none,
            true,
            true),
        row(
            "at max-conns",
            s -> {
              s.requestStarted();
              s.requestStarted();
            },
            Set.of(AT_MAX_CONNS),
            false,
            false),
        row(
            "below max-conns again",
            s -> {
              s.requestStarted();
              s.requestStarted();
              s.requestEnded();
            },
            none,
            true,
            true),
        row(
            "slow start: ramping, still available",
            ServerState::markActiveUp,
            Set.of(SLOW_START),
            true,
            true),
        row(
            "drained while passive down and at max-conns",
            s -> {
              s.adminState(AdminState.DRAIN);
              s.passive().recordFailure();
              s.requestStarted();
              s.requestStarted();
            },
            Set.of(DRAINING, FAILED_PASSIVE, AT_MAX_CONNS),
            false,
            false));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("table")
  void flagsDecideAvailability(
      String name,
      Consumer<ServerState> setup,
      Set<HealthFlag> flags,
      boolean available,
      boolean inPanic) {
    ServerState s = server(SLOW_START_TIME);
    setup.accept(s);
    int f = s.flags(now());
    assertThat(HealthFlag.of(f)).isEqualTo(flags.isEmpty() ? Set.of() : EnumSet.copyOf(flags));
    assertThat(s.available(now())).isEqualTo(available);
    assertThat(s.availableInPanic(now())).isEqualTo(inPanic);
    assertThat(HealthFlag.available(f)).isEqualTo(available);
    NodeContext.ServerStatus status = s.status();
    assertThat(status.flags()).isEqualTo(HealthFlag.of(f));
    assertThat(status.available()).isEqualTo(available);
    assertThat(status.reason()).isNotBlank();
  }

  @Test
  void aPassiveMarkExpiresAfterFailTimeoutAndTheServerRampsUp() {
    ServerState s = server(SLOW_START_TIME);
    s.passive().recordFailure();
    assertThat(s.flags(now())).isEqualTo(FAILED_PASSIVE.bit()); // the ramp starts afterwards
    assertThat(s.status().reason())
        .startsWith("passive checks failed on this node, out for 10s more");
    ticker.advance(FAIL_TIMEOUT); // the last instant of the mark (inclusive, as nginx)
    assertThat(s.available(now())).isFalse();
    ticker.advance(Duration.ofNanos(1));
    assertThat(s.flags(now())).isEqualTo(SLOW_START.bit());
    assertThat(s.available(now())).isTrue();
    assertThat(s.effectiveWeight(now())).isEqualTo(1);
    ticker.advance(SLOW_START_TIME.dividedBy(2).minusNanos(1));
    assertThat(s.effectiveWeight(now())).isEqualTo(5);
    assertThat(s.status().reason()).isEqualTo("slow start: weight 5 of 10, full in 10s");
    ticker.advance(SLOW_START_TIME.dividedBy(2));
    assertThat(s.flags(now())).isZero();
    assertThat(s.effectiveWeight(now())).isEqualTo(10);
    assertThat(s.status().reason()).isEqualTo("healthy");
  }

  @Test
  void withoutSlowStartNothingRamps() {
    ServerState s = server(Duration.ZERO);
    s.passive().recordFailure();
    ticker.advance(FAIL_TIMEOUT.plusNanos(1));
    s.markActiveUp();
    assertThat(s.flags(now())).isZero();
    assertThat(s.effectiveWeight(now())).isEqualTo(10);
  }

  @Test
  void aClusterVerdictTurningUpStartsTheRampAndReplacesTheOwnActiveState() {
    ServerState s = server(SLOW_START_TIME);
    s.clusterVerdict(false, "active: 2/2 down (gw-2: HTTP 503)");
    assertThat(s.status().reason())
        .isEqualTo("cluster verdict down (active: 2/2 down (gw-2: HTTP 503))");
    ticker.advance(Duration.ofSeconds(60));
    s.active().record(false); // this node's own checker disagrees: the cluster decides
    s.clusterVerdict(true, "active: 2/2 up");
    assertThat(s.flags(now())).isEqualTo(SLOW_START.bit());
    ticker.advance(SLOW_START_TIME);
    assertThat(s.flags(now())).isZero();
    // an up verdict repeated does not restart the ramp
    s.clusterVerdict(true, "active: 2/2 up");
    assertThat(s.flags(now())).isZero();
  }

  @Test
  void operatorStateRoundTripsThroughTheFlags() {
    ServerState s = server(Duration.ZERO);
    for (AdminState a : AdminState.values()) {
      s.adminState(a);
      assertThat(s.adminState()).isEqualTo(a);
      assertThat(s.status().state()).isEqualTo(a);
    }
    s.adminState(AdminState.DISABLED);
    assertThat(s.status().reason()).isEqualTo("disabled by an operator");
    s.adminState(AdminState.DRAIN);
    assertThat(s.status().reason()).isEqualTo("drained by an operator");
  }

  @Test
  void theStatusNamesTheServerAndItsReasons() {
    ServerState s = server(Duration.ZERO);
    s.active().record(false);
    s.requestStarted();
    s.requestStarted();
    NodeContext.ServerStatus st = s.status();
    assertThat(st.id()).isEqualTo(new ServerId("api", "s1"));
    assertThat(st.address()).isEqualTo("127.0.0.1:1");
    assertThat(st.inFlight()).isEqualTo(2);
    assertThat(HealthFlag.names(st.flags())).containsExactly("failed_active_hc", "at_max_conns");
    assertThat(st.reason())
        .isEqualTo("active checks down on this node; at max-conns (2 in flight on this node)");
    assertThat(st.healthy()).isFalse();
  }
}
