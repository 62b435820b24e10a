package io.vxgate.config;

import static io.vxgate.config.ConfigFixtures.parse;
import static io.vxgate.config.ConfigFixtures.upstream;
import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.UpstreamConfig.KeepaliveConfig;
import io.vxgate.config.UpstreamConfig.LocalityConfig;
import io.vxgate.config.UpstreamConfig.PassiveConfig;
import io.vxgate.config.UpstreamConfig.StickyConfig;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Each default lives in one place, the record's {@code DEFAULT} or {@code DEFAULT_*} constant, and
 * is what the reader gives for an absent key. (The values themselves are asserted in {@link
 * ConfigLoaderTest}.)
 */
class ConfigDefaultsTest {
  @TempDir Path dir;

  @Test
  void absentKeysReadAsTheRecordsDefaults() {
    GatewayConfig c =
        parse(
            upstream(
                """
                health-check: {}
                sticky: {cookie: C}
                passive: {}
                timeouts: {}
                keepalive: {}
                locality: {}
                """),
            dir);
    assertThat(c.node().datacenter()).isEqualTo(NodeConfig.DEFAULT_DATACENTER);
    assertThat(c.node().shutdownGrace()).isEqualTo(NodeConfig.DEFAULT_SHUTDOWN_GRACE);
    assertThat(c.cluster().name()).isEqualTo(ClusterConfig.DEFAULT_NAME);
    assertThat(c.cluster().bind()).isEqualTo(ClusterConfig.DEFAULT_BIND);
    assertThat(c.admin().bind()).isEqualTo(AdminConfig.DEFAULT_BIND);
    assertThat(c.tracing()).isEqualTo(TracingConfig.DEFAULT);
    AccessLogConfig log = parse("access-log: {format: json}", dir).accessLog();
    assertThat(log.destination()).isEqualTo(AccessLogConfig.DEFAULT_DESTINATION);
    assertThat(log.queue()).isEqualTo(AccessLogConfig.DEFAULT_QUEUE);
    assertThat(parse("access-log: {}", dir).accessLog().format())
        .isEqualTo(AccessLogConfig.DEFAULT_FORMAT);
    UpstreamConfig u = c.upstreams().get("api");
    assertThat(u.balance()).isEqualTo(BalanceConfig.DEFAULT);
    assertThat(u.servers().get(0).weight()).isEqualTo(ServerConfig.DEFAULT_WEIGHT);
    assertThat(u.healthCheck()).isEqualTo(HealthCheckConfig.DEFAULT);
    assertThat(u.healthCheck().method()).isEqualTo(HealthCheckConfig.DEFAULT_METHOD);
    assertThat(u.healthCheck().expect()).isEqualTo(HealthCheckConfig.Expect.DEFAULT);
    assertThat(u.healthCheck().host()).isNull();
    assertThat(u.healthCheck().headers()).isEmpty();
    assertThat(u.passive()).isEqualTo(PassiveConfig.DEFAULT);
    assertThat(u.timeouts()).isEqualTo(TimeoutsConfig.DEFAULT);
    assertThat(u.keepalive()).isEqualTo(KeepaliveConfig.DEFAULT);
    assertThat(u.locality()).isEqualTo(LocalityConfig.DEFAULT);
    assertThat(u.retries()).isEqualTo(UpstreamConfig.DEFAULT_RETRIES);
    assertThat(u.retryOn()).isEqualTo(UpstreamConfig.DEFAULT_RETRY_ON);
    assertThat(u.slowStart()).isEqualTo(UpstreamConfig.DEFAULT_SLOW_START);
    assertThat(u.tlsVerify()).isEqualTo(UpstreamConfig.DEFAULT_TLS_VERIFY);
    assertThat(u.buffering()).isEqualTo(BufferingConfig.DEFAULT);
    assertThat(c.routes().get(0).buffering()).isEqualTo(BufferingConfig.RouteOverride.NONE);
    assertThat(c.buffering()).isEqualTo(BufferingConfig.NodeLimits.DEFAULT);
    assertThat(c.routes().get(0).limits()).isEmpty();
    assertThat(c.limits()).isEmpty();
    assertThat(u.sticky())
        .isEqualTo(
            new StickyConfig(
                "C",
                StickyConfig.DEFAULT_PATH,
                StickyConfig.DEFAULT_HTTP_ONLY,
                false,
                StickyConfig.DEFAULT_SAME_SITE,
                null));
  }

  @Test
  void absentLimitKeysReadAsTheRecordsDefaults() {
    LimitConfig l = parse("limits: {l: {rate: 1/s}}", dir).limits().get("l");
    assertThat(l.burst()).isEqualTo(LimitConfig.DEFAULT_BURST);
    assertThat(l.delay()).isEqualTo(LimitConfig.DEFAULT_DELAY);
    assertThat(l.nodelay()).isFalse();
    assertThat(l.concurrency()).isZero();
    assertThat(l.key()).isEqualTo(LimitConfig.DEFAULT_KEY);
    assertThat(l.exempt()).isEmpty();
    assertThat(l.scope()).isEqualTo(LimitConfig.DEFAULT_SCOPE);
    assertThat(l.maxKeys()).isEqualTo(LimitConfig.DEFAULT_MAX_KEYS);
    assertThat(parse("limits: {l: {concurrency: 1}}", dir).limits().get("l").rate()).isNull();
  }

  @Test
  void theImplicitListenerIsTheDefaultListenerAndGivesEveryListenerItsDefaults() {
    assertThat(parse("", dir).listeners()).containsExactly(ListenerConfig.DEFAULT);
    HostPort bind = new HostPort("127.0.0.1", 0);
    ListenerConfig a = parse("listeners: [{name: a, bind: 127.0.0.1:0}]", dir).listeners().get(0);
    assertThat(a).isEqualTo(renamed(ListenerConfig.DEFAULT.withBind(bind), "a"));
  }

  @Test
  void withBindChangesOnlyTheAddress() {
    ListenerConfig l =
        new ListenerConfig(
            "t",
            new HostPort("0.0.0.0", 0),
            8443,
            Duration.ofSeconds(3),
            4096,
            5,
            6,
            new TlsConfig(List.of(new TlsConfig.Certificate("c", "k")), "TLSv1.3"),
            7,
            Duration.ofSeconds(8),
            Duration.ZERO,
            9,
            Duration.ofSeconds(10));
    HostPort bound = new HostPort("0.0.0.0", 40123);
    ListenerConfig moved = l.withBind(bound);
    assertThat(moved.bind()).isEqualTo(bound);
    assertThat(moved.withBind(l.bind())).isEqualTo(l);
  }

  @Test
  void routeActionAndSectionDefaults() {
    write("c.pem");
    write("k.pem");
    GatewayConfig c =
        parse(
            """
            listeners: [{name: s, bind: 0.0.0.0:8443, tls: {certificates: [{cert: c.pem, key: k.pem}]}}]
            dns-sync: {server: 127.0.0.1:53, zone: example.test, name: gw.example.test,
                       tsig: {name: k, secret: c2VjcmV0}}
            routes:
              - {name: moved, match: {path: /old}, redirect: {location: /new}}
              - {name: teapot, return: {status: 418}}
            """,
            dir);
    assertThat(c.listeners().get(0).tls().minVersion()).isEqualTo(TlsConfig.DEFAULT_MIN_VERSION);
    assertThat(c.listeners().get(0).tls().protocols()).isEqualTo(TlsConfig.DEFAULT_PROTOCOLS);
    assertThat(c.listeners().get(0).tls().sessionTickets())
        .isEqualTo(TlsConfig.DEFAULT_SESSION_TICKETS);
    assertThat(c.dnsSync().ttl()).isEqualTo(DnsSyncConfig.DEFAULT_TTL);
    assertThat(c.dnsSync().tsig().algorithm())
        .isEqualTo(DnsSyncConfig.TsigConfig.DEFAULT_ALGORITHM);
    assertThat(c.routes())
        .allSatisfy(
            r -> {
              assertThat(r.retries()).isNull();
              assertThat(r.retryOn()).isNull();
              assertThat(r.timeouts()).isEqualTo(RouteConfig.Timeouts.NONE);
            });
    assertThat(c.routes())
        .extracting(RouteConfig::action)
        .containsExactly(
            new RouteConfig.Redirect("/new", RouteConfig.Redirect.DEFAULT_STATUS, false),
            new RouteConfig.Return(418, "", RouteConfig.Return.DEFAULT_CONTENT_TYPE));
  }

  private void write(String name) {
    ConfigFixtures.write(dir, name, name);
  }

  private static ListenerConfig renamed(ListenerConfig l, String name) {
    return new ListenerConfig(
        name,
        l.bind(),
        l.redirectHttps(),
        l.requestHeaderTimeout(),
        l.maxHeaderSize(),
        l.maxRequestBody(),
        l.maxConnections(),
        l.tls(),
        l.hstsSeconds(),
        l.requestBodyTimeout(),
        l.keepaliveTimeout(),
        l.keepaliveRequests(),
        l.clientTimeout());
  }
}
