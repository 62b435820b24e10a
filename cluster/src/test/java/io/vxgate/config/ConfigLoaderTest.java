package io.vxgate.config;

import static io.vxgate.config.ConfigFixtures.SPEC_EXAMPLE;
import static io.vxgate.config.ConfigFixtures.errors;
import static io.vxgate.config.ConfigFixtures.parse;
import static io.vxgate.config.ConfigFixtures.specFiles;
import static io.vxgate.config.ConfigFixtures.upstream;
import static io.vxgate.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.assertj.core.api.Assertions.entry;

import io.vxgate.config.UpstreamConfig.KeepaliveConfig;
import io.vxgate.config.UpstreamConfig.LocalityConfig;
import io.vxgate.config.UpstreamConfig.PassiveConfig;
import io.vxgate.config.UpstreamConfig.StickyConfig;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigLoaderTest {
  @TempDir Path dir;

  private static final Map<String, String> TOKEN = Map.of("VXGATE_ADMIN_TOKEN", "s3cret");

  @Test
  void specExampleParsesWithEveryFieldAsWritten() {
    specFiles(dir);
    Path file = write(dir, "gw.yaml", SPEC_EXAMPLE);
    GatewayConfig c = ConfigLoader.load(file, ConfigOverrides.none(), ConfigFixtures.env(TOKEN));

    assertThat(c.node()).isEqualTo(new NodeConfig("gw-1", "dc1", null, Duration.ofSeconds(30)));
    assertThat(c.cluster())
        .isEqualTo(
            new ClusterConfig(
                "vxgate",
                new HostPort("127.0.0.1", 5701),
                List.of(new HostPort("10.0.0.2", 5701), new HostPort("10.0.0.3", 5701)),
                "vxgate-hz.ns.svc.cluster.local"));
    assertThat(c.listeners())
        .containsExactly(
            new ListenerConfig(
                "web",
                new HostPort("0.0.0.0", 8080),
                8443,
                Duration.ofSeconds(10),
                16384,
                100L << 20,
                10_000,
                null,
                0),
            new ListenerConfig(
                "api",
                new HostPort("0.0.0.0", 8081),
                null,
                Duration.ofSeconds(10),
                16384,
                100L << 20,
                10_000,
                null,
                0),
            new ListenerConfig(
                "web-tls",
                new HostPort("0.0.0.0", 8443),
                null,
                Duration.ofSeconds(10),
                16384,
                100L << 20,
                10_000,
                new TlsConfig(
                    List.of(
                        new TlsConfig.Certificate(
                            dir.resolve("certs/site.crt").toString(),
                            dir.resolve("certs/site.key").toString())),
                    "TLSv1.2"),
                31_536_000));
    assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 9090), "s3cret"));
    assertThat(c.trustedProxies()).containsExactly("127.0.0.1/32");
    assertThat(c.dnsSync()).isNull();

    assertThat(c.upstreams()).containsOnlyKeys("api", "ws", "web");
    UpstreamConfig api = c.upstreams().get("api");
    assertThat(api)
        .isEqualTo(
            new UpstreamConfig(
                "api",
                new BalanceConfig(BalanceConfig.Kind.ROUNDROBIN, null),
                List.of(
                    new ServerConfig(
                        "api1", new HostPort("127.0.0.1", 9001), 2, "dc1", false, 0, false),
                    new ServerConfig(
                        "api2", new HostPort("127.0.0.1", 9002), 2, "dc2", false, 0, false),
                    new ServerConfig(
                        "api3", new HostPort("127.0.0.1", 9003), 1, null, true, 0, false)),
                new HealthCheckConfig(
                    HealthCheckConfig.Type.HTTP,
                    "/health",
                    Duration.ofSeconds(2),
                    Duration.ofSeconds(1),
                    2,
                    3,
                    200,
                    399),
                new PassiveConfig(3, Duration.ofSeconds(30)),
                new StickyConfig("VXROUTE", "/", true, false, "Lax", null),
                2,
                Set.of(
                    RetryOn.CONNECT_FAILURE, RetryOn.TIMEOUT, RetryOn.HTTP_502, RetryOn.HTTP_503),
                new TimeoutsConfig(
                    Duration.ofSeconds(5), Duration.ofSeconds(30), Duration.ofSeconds(60)),
                new KeepaliveConfig(64, Duration.ofSeconds(60)),
                Duration.ZERO,
                new LocalityConfig(true, 50)));
    assertThat(c.upstreams().get("ws").servers())
        .containsExactly(
            new ServerConfig("ws1", new HostPort("::1", 9101), 1, null, false, 0, false));
    assertThat(c.upstreams().get("web").servers())
        .containsExactly(
            new ServerConfig("web1", new HostPort("web.internal", 8443), 1, null, false, 0, true));

    MatchConfig any = MatchConfig.any();
    assertThat(c.routes())
        .containsExactly(
            new RouteConfig(
                "ws",
                new MatchConfig(
                    null, null, null, null, List.of(), Map.of(), Map.of(), List.of(), true,
                    List.of()),
                "ws",
                null),
            new RouteConfig(
                "api",
                new MatchConfig(
                    "/api/",
                    null,
                    null,
                    null,
                    List.of("GET", "POST"),
                    Map.of(),
                    Map.of(),
                    List.of(),
                    null,
                    List.of()),
                "api",
                null),
            new RouteConfig(
                "admin-ui",
                new MatchConfig(
                    null,
                    null,
                    null,
                    "admin.example.com",
                    List.of(),
                    Map.of(),
                    Map.of(),
                    List.of("10.0.0.0/8"),
                    null,
                    List.of()),
                "web",
                null),
            new RouteConfig("default", any, "web", null));
    assertThat(c.errorPages())
        .isEqualTo(Map.of(502, "<h1>502</h1>", 503, "<h1>503</h1>", 504, "<h1>504</h1>"));
  }

  @Test
  void clusterTlsAndWanSettings() {
    for (String f : List.of("node.pem", "node-key.pem", "ca.pem")) {
      write(dir, f, "PEM");
    }
    ClusterConfig c =
        parse(
                """
                cluster:
                  tls: {cert: node.pem, key: node-key.pem, ca: ca.pem}
                  heartbeat-interval: 2s
                  failure-timeout: 15s
                  merge-delay: 1m
                """,
                dir)
            .cluster();
    assertThat(c.tls())
        .isEqualTo(
            new ClusterConfig.Tls(
                dir.resolve("node.pem").toAbsolutePath().toString(),
                dir.resolve("node-key.pem").toAbsolutePath().toString(),
                dir.resolve("ca.pem").toAbsolutePath().toString()));
    assertThat(c.heartbeatInterval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.failureTimeout()).isEqualTo(Duration.ofSeconds(15));
    assertThat(c.mergeDelay()).isEqualTo(Duration.ofMinutes(1));
  }

  @Test
  void emptyFileGivesEveryDefault() {
    GatewayConfig c = parse("", dir);

    assertThat(c.node())
        .isEqualTo(new NodeConfig(ConfigFixtures.HOST, "default", null, Duration.ofSeconds(30)));
    assertThat(c.cluster())
        .isEqualTo(new ClusterConfig("vxgate", new HostPort("127.0.0.1", 5701), List.of(), null));
    assertThat(c.cluster().standalone()).isTrue();
    assertThat(c.listeners())
        .containsExactly(
            new ListenerConfig(
                "web",
                new HostPort("0.0.0.0", 8080),
                null,
                Duration.ofSeconds(10),
                16 * 1024,
                100L * 1024 * 1024,
                10_000,
                null,
                0));
    assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("127.0.0.1", 9090), null));
    assertThat(c.trustedProxies()).isEmpty();
    assertThat(c.upstreams()).isEmpty();
    assertThat(c.routes()).isEmpty();
    assertThat(c.errorPages()).isEmpty();
    assertThat(c.dnsSync()).isNull();
    assertThat(c.accessLog()).isNull();
    assertThat(c.tracing()).isEqualTo(new TracingConfig(null, 1.0));
  }

  @Test
  void accessLogAndTracing() {
    assertThat(parse("access-log: {}", dir).accessLog())
        .isEqualTo(
            new AccessLogConfig(
                AccessLogConfig.Format.COMBINED, null, new AccessLogConfig.Stdout(), 8192));
    assertThat(parse("access-log: {format: json, file: log/access.log}", dir).accessLog())
        .isEqualTo(
            new AccessLogConfig(
                AccessLogConfig.Format.JSON,
                new AccessLogConfig.File(dir.resolve("log/access.log").toString())));
    assertThat(parse("access-log: {format: HAProxy, syslog: \"127.0.0.1:514\"}", dir).accessLog())
        .isEqualTo(
            new AccessLogConfig(
                AccessLogConfig.Format.HAPROXY,
                new AccessLogConfig.Syslog(new HostPort("127.0.0.1", 514))));
    assertThat(
            AccessLogConfig.parts(
                parse("access-log: {format: custom, custom: \"$$ $client $${status}s\"}", dir)
                    .accessLog()
                    .template()))
        .containsExactly(
            new AccessLogConfig.Part("$ ", false),
            new AccessLogConfig.Part("client", true),
            new AccessLogConfig.Part(" ", false),
            new AccessLogConfig.Part("status", true),
            new AccessLogConfig.Part("s", false));
    assertThat(parse("tracing: {otlp: \"https://otel.example:4318/\"}", dir).tracing())
        .isEqualTo(new TracingConfig("https://otel.example:4318/v1/traces", 1.0));
    assertThat(parse("tracing: {otlp: \"http://c:4318/otlp/traces\", sample: 0}", dir).tracing())
        .isEqualTo(new TracingConfig("http://c:4318/otlp/traces", 0));
  }

  @Test
  void upstreamDefaults() {
    GatewayConfig c =
        parse(
            """
            upstreams:
              api:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                health-check: {}
                sticky: {cookie: SRV}
            """,
            dir);
    UpstreamConfig u = c.upstreams().get("api");
    assertThat(u.balance()).isEqualTo(new BalanceConfig(BalanceConfig.Kind.ROUNDROBIN, null));
    assertThat(u.servers())
        .containsExactly(
            new ServerConfig("a1", new HostPort("127.0.0.1", 9001), 1, null, false, 0, false));
    assertThat(u.healthCheck())
        .isEqualTo(
            new HealthCheckConfig(
                HealthCheckConfig.Type.HTTP,
                "/",
                Duration.ofSeconds(2),
                Duration.ofSeconds(1),
                2,
                3,
                200,
                399));
    assertThat(u.passive()).isEqualTo(new PassiveConfig(1, Duration.ofSeconds(10)));
    assertThat(u.sticky()).isEqualTo(new StickyConfig("SRV", "/", true, false, "Lax", null));
    assertThat(u.retries()).isEqualTo(2);
    assertThat(u.retryOn())
        .containsExactlyInAnyOrder(RetryOn.CONNECT_FAILURE, RetryOn.RESET, RetryOn.TIMEOUT);
    assertThat(u.timeouts())
        .isEqualTo(
            new TimeoutsConfig(
                Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60)));
    assertThat(u.keepalive()).isEqualTo(new KeepaliveConfig(64, Duration.ofSeconds(60)));
    assertThat(u.slowStart()).isZero();
    assertThat(u.locality()).isEqualTo(new LocalityConfig(false, 50));
    assertThat(u.buffering()).isEqualTo(new BufferingConfig(true, true, 64 * 1024, 1L << 30));
    assertThat(c.buffering()).isEqualTo(new BufferingConfig.NodeLimits(null, null));
  }

  @Test
  void limitPoliciesAndTheRoutesThatNameThem() {
    GatewayConfig c =
        parse(
            """
            limits:
              per-ip: {rate: 10/s, burst: 20, delay: 5, exempt: [10.0.0.0/8, "::1"]}
              per-user: {rate: 300r/m, burst: 3, nodelay: true, key: "header:X-User", scope: node}
              slow: {concurrency: 4, key: upstream, max-keys: 10}
              both: {rate: 1/m, concurrency: 2, key: "cookie:sid"}
              min: {rate: 5/s}
            upstreams: {api: {servers: [{name: a1, address: 127.0.0.1:9001}]}}
            routes:
              - {name: api, match: {path-prefix: /api}, upstream: api, limits: [per-ip, slow]}
              - {name: default, upstream: api}
            """,
            dir);
    assertThat(c.limits().get("per-ip"))
        .isEqualTo(
            new LimitConfig(
                "per-ip",
                new LimitConfig.Rate(10, false),
                20,
                5,
                false,
                0,
                LimitConfig.DEFAULT_KEY,
                List.of("10.0.0.0/8", "::1"),
                LimitConfig.Scope.CLUSTER,
                LimitConfig.DEFAULT_MAX_KEYS));
    LimitConfig user = c.limits().get("per-user");
    assertThat(user.rate()).isEqualTo(new LimitConfig.Rate(300, true));
    assertThat(user.rate().milliPerSecond()).isEqualTo(5000);
    assertThat(user.passAtOnce()).isEqualTo(Integer.MAX_VALUE);
    assertThat(user.key()).isEqualTo(new LimitConfig.Key(LimitConfig.Key.Kind.HEADER, "X-User"));
    assertThat(user.scope()).isEqualTo(LimitConfig.Scope.NODE);
    LimitConfig slow = c.limits().get("slow");
    assertThat(slow.rate()).isNull();
    assertThat(slow.concurrency()).isEqualTo(4);
    assertThat(slow.key().kind()).isEqualTo(LimitConfig.Key.Kind.UPSTREAM);
    assertThat(slow.maxKeys()).isEqualTo(10);
    LimitConfig both = c.limits().get("both");
    assertThat(both.rate().milliPerSecond()).isEqualTo(16);
    assertThat(both.key()).isEqualTo(new LimitConfig.Key(LimitConfig.Key.Kind.COOKIE, "sid"));
    assertThat(c.limits().get("min"))
        .isEqualTo(LimitConfig.rate("min", new LimitConfig.Rate(5, false), 0));
    assertThat(c.routes().get(0).limits()).containsExactly("per-ip", "slow");
    assertThat(c.routes().get(1).limits()).isEmpty();
  }

  @Test
  void bufferingOfUpstreamsRoutesAndTheNode() {
    GatewayConfig c =
        parse(
            """
            buffering: {node-memory: 256m, temp-dir: buf}
            upstreams:
              api:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                buffering: {request: off, memory: 16k}
            routes:
              - {name: events, match: {path-prefix: /events}, upstream: api,
                 buffering: {response: off, max-temp-file: 0}}
              - {name: uploads, match: {path-prefix: /up}, upstream: api,
                 buffering: {request: on}}
              - {name: default, upstream: api}
            """,
            dir);
    BufferingConfig api = c.upstreams().get("api").buffering();
    assertThat(api).isEqualTo(new BufferingConfig(false, true, 16 * 1024, 1L << 30));
    assertThat(c.routes().get(0).buffering())
        .isEqualTo(new BufferingConfig.RouteOverride(null, false, null, 0L));
    assertThat(c.routes().get(0).buffering().over(api))
        .isEqualTo(new BufferingConfig(false, false, 16 * 1024, 0));
    assertThat(c.routes().get(1).buffering().over(api))
        .isEqualTo(new BufferingConfig(true, true, 16 * 1024, 1L << 30));
    assertThat(c.routes().get(2).buffering()).isEqualTo(BufferingConfig.RouteOverride.NONE);
    assertThat(c.buffering())
        .isEqualTo(
            new BufferingConfig.NodeLimits(
                256L << 20, dir.resolve("buf").toAbsolutePath().normalize().toString()));
  }

  @Test
  void aRouteSetsItsOwnRetriesAndTimeoutsOverItsUpstreams() {
    GatewayConfig c =
        parse(
            """
            upstreams:
              api:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                retries: 3
                retry-on: [reset, 502]
                timeouts: {connect: 2s, response: 10s, idle: 20s}
            routes:
              - {name: upload, match: {path-prefix: /upload}, upstream: api, retries: 0,
                 timeouts: {response: 5m}}
              - {name: flaky, match: {path-prefix: /flaky}, upstream: api, retry-on: [503]}
              - {name: default, upstream: api}
            """,
            dir);
    UpstreamConfig u = c.upstreams().get("api");
    RouteConfig upload = c.routes().get(0);
    RouteConfig flaky = c.routes().get(1);
    assertThat(upload.retries()).isZero();
    assertThat(upload.retries(u)).isZero();
    assertThat(upload.retryOn(u)).containsExactlyInAnyOrder(RetryOn.RESET, RetryOn.HTTP_502);
    assertThat(upload.timeouts())
        .isEqualTo(new RouteConfig.Timeouts(null, Duration.ofMinutes(5), null));
    assertThat(upload.timeouts().over(u.timeouts()))
        .isEqualTo(
            new TimeoutsConfig(
                Duration.ofSeconds(2), Duration.ofMinutes(5), Duration.ofSeconds(20)));
    assertThat(flaky.retries()).isNull();
    assertThat(flaky.retries(u)).isEqualTo(3);
    assertThat(flaky.retryOn(u)).containsExactly(RetryOn.HTTP_503);
    assertThat(flaky.timeouts()).isEqualTo(RouteConfig.Timeouts.NONE);
    assertThat(c.routes().get(2).timeouts()).isEqualTo(RouteConfig.Timeouts.NONE);
  }

  @Test
  void healthCheckMethodHostHeadersAndExpect() {
    GatewayConfig c =
        parse(
            """
            upstreams:
              head:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                health-check: {method: HEAD, host: app.example, headers: {X-Probe: "1", User-Agent: lb},
                               expect: "200,204,300-399"}
              list:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                health-check: {expect: [200, 301-302]}
              body:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                health-check: {expect: {status: 200, body: '~"status": *"ok"'}}
              text:
                servers: [{name: a1, address: 127.0.0.1:9001}]
                health-check: {expect: {body: ok}}
            """,
            dir);
    HealthCheckConfig head = c.upstreams().get("head").healthCheck();
    assertThat(head.method()).isEqualTo("HEAD");
    assertThat(head.host()).isEqualTo("app.example");
    assertThat(head.headers()).containsExactly(entry("X-Probe", "1"), entry("User-Agent", "lb"));
    assertThat(head.expect().statusText()).isEqualTo("200,204,300-399");
    assertThat(head.accepts(204)).isTrue();
    assertThat(head.accepts(201)).isFalse();
    assertThat(head.accepts(302)).isTrue();
    assertThat(c.upstreams().get("list").healthCheck().expect().statusText())
        .isEqualTo("200,301-302");
    HealthCheckConfig.Expect body = c.upstreams().get("body").healthCheck().expect();
    assertThat(body.statusText()).isEqualTo("200");
    assertThat(body.body()).isEqualTo("~\"status\": *\"ok\"");
    HealthCheckConfig text = c.upstreams().get("text").healthCheck();
    assertThat(text.method()).isEqualTo("GET");
    assertThat(text.host()).isNull();
    assertThat(text.expect())
        .isEqualTo(new HealthCheckConfig.Expect(HealthCheckConfig.Expect.DEFAULT.statuses(), "ok"));
  }

  @Test
  void hashQueryGoesWithBalanceUri() {
    GatewayConfig c =
        parse(
            """
            upstreams:
              q: {balance: uri, hash-query: true, servers: [{name: a1, address: 127.0.0.1:9001}]}
              p: {balance: uri, servers: [{name: a1, address: 127.0.0.1:9001}]}
            """,
            dir);
    assertThat(c.upstreams().get("q").balance())
        .isEqualTo(new BalanceConfig(BalanceConfig.Kind.URI, null, true));
    assertThat(c.upstreams().get("p").balance().hashQuery()).isFalse();
  }

  @Test
  void noHealthCheckMeansNone() {
    GatewayConfig c = parse(upstream(""), dir);
    assertThat(c.upstreams().get("api").healthCheck()).isNull();
    assertThat(c.upstreams().get("api").sticky()).isNull();
  }

  @Test
  void healthCheckTimeoutDefaultsToIntervalWhenShorter() {
    GatewayConfig c = parse(upstream("health-check: {interval: 500ms}"), dir);
    assertThat(c.upstreams().get("api").healthCheck().timeout()).isEqualTo(Duration.ofMillis(500));
  }

  @Test
  void listenerDefaultsApplyToEachListener() {
    GatewayConfig c =
        parse("listeners: [{name: a, bind: 127.0.0.1:0}, {name: b, bind: 127.0.0.1:0}]", dir);
    assertThat(c.listeners()).hasSize(2);
    ListenerConfig b = c.listeners().get(1);
    assertThat(b.requestHeaderTimeout()).isEqualTo(Duration.ofSeconds(10));
    assertThat(b.maxHeaderSize()).isEqualTo(16384);
    assertThat(b.maxRequestBody()).isEqualTo(104_857_600L);
    assertThat(b.maxConnections()).isEqualTo(10_000);
    assertThat(b.hstsSeconds()).isZero();
    assertThat(b.tls()).isNull();
    assertThat(b.redirectHttps()).isNull();
    assertThat(b.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(75));
    assertThat(b.keepaliveRequests()).isEqualTo(1000);
    assertThat(b.clientTimeout()).isEqualTo(Duration.ofSeconds(60));
    assertThat(b.keepAlive()).isTrue();
  }

  @Test
  void listenerKeepAliveAndClientTimeout() {
    GatewayConfig c =
        parse(
            """
            listeners:
              - {name: a, bind: 127.0.0.1:0, keepalive-timeout: 5s, keepalive-requests: 100,
                 client-timeout: 30s}
              - {name: b, bind: 127.0.0.1:0, keepalive-timeout: 0, keepalive-requests: 0}
            """,
            dir);
    ListenerConfig a = c.listeners().get(0);
    assertThat(a.keepaliveTimeout()).isEqualTo(Duration.ofSeconds(5));
    assertThat(a.keepaliveRequests()).isEqualTo(100);
    assertThat(a.clientTimeout()).isEqualTo(Duration.ofSeconds(30));
    ListenerConfig b = c.listeners().get(1);
    assertThat(b.keepAlive()).isFalse();
    assertThat(b.keepaliveRequests()).isZero();
  }

  @Test
  void tlsProtocolsCiphersSuitesAndTickets() {
    write(dir, "c.pem", "C");
    write(dir, "k.pem", "K");
    GatewayConfig c =
        parse(
            """
            listeners:
              - name: a
                bind: 127.0.0.1:0
                tls:
                  certificates: [{cert: c.pem, key: k.pem}]
                  protocols: [TLSv1.3, TLSv1.2]
                  ciphers: "ECDHE+AESGCM:-ECDSA:TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256"
                  ciphersuites: "TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256"
                  session-tickets: off
              - name: b
                bind: 127.0.0.1:0
                tls: {certificates: [{cert: c.pem, key: k.pem}], protocols: TLSv1.2,
                      ciphers: [ECDHE-RSA-AES256-GCM-SHA384, ECDHE-RSA-AES128-GCM-SHA256]}
              - name: m
                bind: 127.0.0.1:0
                tls: {certificates: [{cert: c.pem, key: k.pem}], min-version: TLSv1.3}
            """,
            dir);
    TlsConfig a = c.listeners().get(0).tls();
    assertThat(a.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(a.ciphers())
        .containsExactly(
            "ECDHE-RSA-AES128-GCM-SHA256",
            "ECDHE-RSA-AES256-GCM-SHA384",
            "ECDHE-RSA-CHACHA20-POLY1305");
    assertThat(a.ciphersuites())
        .containsExactly("TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");
    assertThat(a.sessionTickets()).isFalse();
    assertThat(a.restrictsTls13()).isTrue();
    TlsConfig b = c.listeners().get(1).tls();
    assertThat(b.protocols()).containsExactly("TLSv1.2");
    assertThat(b.ciphers())
        .containsExactly("ECDHE-RSA-AES256-GCM-SHA384", "ECDHE-RSA-AES128-GCM-SHA256");
    assertThat(b.restrictsTls13()).isFalse();
    TlsConfig m = c.listeners().get(2).tls();
    assertThat(m.protocols()).containsExactly("TLSv1.3");
    assertThat(m.minVersion()).isEqualTo("TLSv1.3");
  }

  @Test
  void tlsMinVersionDefault() {
    write(dir, "c.pem", "C");
    write(dir, "k.pem", "K");
    GatewayConfig c =
        parse(
            "listeners: [{name: s, bind: 0.0.0.0:8443, tls: {certificates: [{cert: c.pem, key:"
                + " k.pem}]}}]",
            dir);
    TlsConfig tls = c.listeners().get(0).tls();
    assertThat(tls.minVersion()).isEqualTo("TLSv1.2");
    assertThat(tls.watch()).isEqualTo(TlsConfig.DEFAULT_WATCH).isFalse();
    assertThat(tls.protocols()).containsExactly("TLSv1.2", "TLSv1.3");
    assertThat(tls.ciphers()).isEqualTo(TlsCiphers.DEFAULT_TLS12);
    assertThat(tls.ciphersuites()).isEqualTo(TlsCiphers.TLS13);
    assertThat(tls.sessionTickets()).isTrue();
  }

  @Test
  void tlsReloadWatchAndItsJsonForm() {
    write(dir, "c.pem", "C");
    write(dir, "k.pem", "K");
    GatewayConfig c =
        parse(
            "listeners: [{name: s, bind: 0.0.0.0:8443, tls: {certificates: [{cert: c.pem, key:"
                + " k.pem}], reload: watch}}]",
            dir);
    assertThat(c.listeners().get(0).tls().watch()).isTrue();
    assertThat(ConfigJson.fromJson(ConfigJson.toJson(c), "json")).isEqualTo(c);
  }

  @Test
  void jsonFormIsAccepted() {
    GatewayConfig c =
        parse(
            """
            {
              "node": {"id": "gw-2", "datacenter": "dc2"},
              "listeners": [{"name": "web", "bind": "0.0.0.0:8080", "max-header-size": "8k"}],
              "upstreams": {"api": {"balance": "header:X-User",
                 "servers": [{"name": "a1", "address": "127.0.0.1:9001", "weight": 3}],
                 "health-check": {"expect": 200, "interval": "5s"}}},
              "routes": [{"name": "api", "match": {"path-prefix": "/api/"}, "upstream": "api"}]
            }
            """,
            dir);
    assertThat(c.node().id()).isEqualTo("gw-2");
    assertThat(c.listeners().get(0).maxHeaderSize()).isEqualTo(8192);
    UpstreamConfig u = c.upstreams().get("api");
    assertThat(u.balance()).isEqualTo(new BalanceConfig(BalanceConfig.Kind.HEADER, "X-User"));
    assertThat(u.servers().get(0).weight()).isEqualTo(3);
    assertThat(u.healthCheck().expect()).isEqualTo(HealthCheckConfig.Expect.range(200, 200));
    assertThat(c.routes().get(0).match().pathPrefix()).isEqualTo("/api/");
  }

  @Test
  void envSubstitutionSetDefaultAndMissing() {
    String yaml =
        """
        node: {id: "${NODE}", datacenter: "${DC:-dc9}"}
        cluster: {members: ["${PEER}:5701"], name: "pre-${SUFFIX:-x}-post"}
        upstreams:
          api:
            servers: [{name: a1, address: "${HOST:-127.0.0.1}:${PORT}", weight: "${W:-4}"}]
        routes: [{name: default, upstream: api}]
        """;
    GatewayConfig c =
        parse(
            yaml,
            dir,
            Map.of("NODE", "n1", "PEER", "10.1.1.1", "PORT", "9005", "SUFFIX", ""),
            ConfigOverrides.none());
    assertThat(c.node().id()).isEqualTo("n1");
    assertThat(c.node().datacenter()).isEqualTo("dc9");
    assertThat(c.cluster().members()).containsExactly(new HostPort("10.1.1.1", 5701));
    assertThat(c.cluster().name()).isEqualTo("pre-x-post");
    ServerConfig s = c.upstreams().get("api").servers().get(0);
    assertThat(s.address()).isEqualTo(new HostPort("127.0.0.1", 9005));
    assertThat(s.weight()).isEqualTo(4);

    assertThat(
            errors(yaml, dir, Map.of("PEER", "10.1.1.1", "PORT", "9005"), ConfigOverrides.none()))
        .containsExactly(
            "gw.yaml: node.id: ${NODE} (expected: NODE set in the environment, or a default:"
                + " ${NODE:-DEFAULT})");
  }

  @Test
  void envSubstitutionInFlowMappingsAsInSpec() {
    GatewayConfig c =
        parse(
            "admin: {bind: 0.0.0.0:9090, token: ${TOKEN}}\n"
                + "cluster: {members: [${A}, ${B:-10.0.0.3:5701}]}",
            dir,
            Map.of("TOKEN", "t", "A", "10.0.0.2:5701"),
            ConfigOverrides.none());
    assertThat(c.admin().token()).isEqualTo("t");
    assertThat(c.cluster().members())
        .containsExactly(new HostPort("10.0.0.2", 5701), new HostPort("10.0.0.3", 5701));
  }

  @Test
  void envSubstitutionEscapeAndSyntax() {
    GatewayConfig c =
        parse(
            upstream("sticky: {cookie: C}") + "node: {id: n}\nadmin: {token: \"$${NOT_A_VAR}\"}",
            dir);
    assertThat(c.admin().token()).isEqualTo("${NOT_A_VAR}");
    assertThat(errors("node: {id: \"${1BAD}\"}", dir))
        .containsExactly("gw.yaml: node.id: ${1BAD} (expected: ${NAME} or ${NAME:-DEFAULT})");
  }

  @Test
  void vertxHttpMetricsAreOptInAndRoundTrip() {
    assertThat(parse("admin: {bind: 127.0.0.1:9090}", dir).admin().vertxHttpMetrics()).isFalse();
    GatewayConfig on = parse("admin: {bind: 127.0.0.1:9090, vertx-http-metrics: true}", dir);
    assertThat(on.admin().vertxHttpMetrics()).isTrue();
    assertThat(ConfigJson.fromJson(ConfigJson.toJson(on)).admin()).isEqualTo(on.admin());
    assertThat(errors("admin: {vertx-http-metrics: maybe}", dir))
        .singleElement(org.assertj.core.api.InstanceOfAssertFactories.STRING)
        .startsWith("gw.yaml: admin.vertx-http-metrics: maybe (expected: ");
  }

  @Test
  void emptyTokenCountsAsUnset() {
    assertThat(errors("admin: {bind: 0.0.0.0:9090, token: \"${T:-}\"}", dir))
        .containsExactly(
            "gw.yaml: admin.bind: 0.0.0.0:9090 (expected: a loopback address unless admin.token is"
                + " set)");
  }

  @Test
  void overridesWinOverFile() {
    String yaml =
        """
        node: {id: file-id, datacenter: file-dc}
        cluster: {bind: 127.0.0.1:5701, members: [10.0.0.9:5701]}
        admin: {bind: 127.0.0.1:9090}
        """;
    ConfigOverrides flags =
        new ConfigOverrides(
            "flag-id", null, "127.0.0.1:5801", "10.0.0.2:5701, 10.0.0.3:5701", null, null);
    ConfigOverrides env =
        ConfigOverrides.fromEnv(
            Map.of(
                "VXGATE_NODE_ID", "env-id",
                "VXGATE_DATACENTER", "env-dc",
                "VXGATE_ADMIN_BIND", "0.0.0.0:9191",
                "VXGATE_ADMIN_TOKEN", "tok"));
    GatewayConfig c = parse(yaml, dir, Map.of(), flags.merge(env));
    assertThat(c.node().id()).isEqualTo("flag-id");
    assertThat(c.node().datacenter()).isEqualTo("env-dc");
    assertThat(c.cluster().bind()).isEqualTo(new HostPort("127.0.0.1", 5801));
    assertThat(c.cluster().members())
        .containsExactly(new HostPort("10.0.0.2", 5701), new HostPort("10.0.0.3", 5701));
    assertThat(c.admin()).isEqualTo(new AdminConfig(new HostPort("0.0.0.0", 9191), "tok"));
  }

  @Test
  void overridesApplyToDefaultsAndEmptyMembersMeansStandalone() {
    GatewayConfig c =
        ConfigLoader.defaults(
            new ConfigOverrides("n7", "dc7", null, "", null, null), ConfigFixtures.env(Map.of()));
    assertThat(c.node().id()).isEqualTo("n7");
    assertThat(c.node().datacenter()).isEqualTo("dc7");
    assertThat(c.cluster().standalone()).isTrue();
    GatewayConfig withMembers =
        parse(
            "cluster: {members: [10.0.0.2:5701]}",
            dir,
            Map.of(),
            new ConfigOverrides(null, null, null, "", null, null));
    assertThat(withMembers.cluster().members()).isEmpty();
  }

  @Test
  void invalidOverridesAreReportedAsOverrides() {
    assertThat(
            errors(
                "",
                dir,
                Map.of(),
                new ConfigOverrides("bad id", null, "nope", "10.0.0.1", "0.0.0.0:9090", null)))
        .containsExactly(
            "overrides: node.id: bad id (expected: a name of letters, digits, '.', '_' or '-')",
            "overrides: cluster.bind: nope (expected: HOST:PORT)",
            "overrides: cluster.members[0]: 10.0.0.1 (expected: HOST:PORT)",
            "overrides: admin.bind: 0.0.0.0:9090 (expected: a loopback address unless admin.token"
                + " is set)");
  }

  @Test
  void overridesFromEnvAndMerge() {
    ConfigOverrides env =
        ConfigOverrides.fromEnv(
            Map.of(
                "VXGATE_NODE_ID", "a",
                "VXGATE_DATACENTER", "b",
                "VXGATE_CLUSTER_BIND", "1.2.3.4:5",
                "VXGATE_MEMBERS", "m:1",
                "VXGATE_ADMIN_BIND", "127.0.0.1:1",
                "VXGATE_ADMIN_TOKEN", "",
                "OTHER", "x"));
    assertThat(env)
        .isEqualTo(new ConfigOverrides("a", "b", "1.2.3.4:5", "m:1", "127.0.0.1:1", null));
    assertThat(ConfigOverrides.fromEnv(Map.of()).isEmpty()).isTrue();
    ConfigOverrides flags = new ConfigOverrides(null, "flag-dc", null, null, null, "t");
    assertThat(flags.merge(env))
        .isEqualTo(new ConfigOverrides("a", "flag-dc", "1.2.3.4:5", "m:1", "127.0.0.1:1", "t"));
    assertThat(flags.toString()).doesNotContain("t]").contains("adminToken=***");
  }

  @Test
  void unknownKeysWithDidYouMean() {
    assertThat(
            errors(
                """
                upstream: {}
                upstreams:
                  api:
                    servers: [{name: a1, address: 127.0.0.1:9001, wieght: 2, max_conns: 3}]
                    helth-check: {}
                routes: [{name: default, upstream: api, match: {path_prefix: /x}}]
                """,
                dir))
        .containsExactly(
            "gw.yaml: upstream (expected: one of: node, cluster, listeners, admin, dns-sync,"
                + " trusted-proxies, upstreams, routes, error-pages, geoip, secrets, buffering,"
                + " access-log, tracing, limits; did you mean upstreams?)",
            "gw.yaml: upstreams.api: helth-check (expected: one of: balance, hash-query, servers, health-check,"
                + " passive, sticky, retries, retry-on, timeouts, keepalive, slow-start, locality,"
                + " tls-verify, tls-ca, buffering; did you mean health-check?)",
            "gw.yaml: upstreams.api.servers[0]: wieght (expected: one of: name, address, weight,"
                + " datacenter, backup, max-conns; did you mean weight?)",
            "gw.yaml: upstreams.api.servers[0]: max_conns (expected: one of: name, address, weight,"
                + " datacenter, backup, max-conns; did you mean max-conns?)",
            "gw.yaml: routes[0].match: path_prefix (expected: one of: path-prefix, path,"
                + " path-regex, host, methods, headers, query, source, websocket, country; did you"
                + " mean path-prefix?)");
    assertThat(errors("xyzzy: 1", dir))
        .containsExactly(
            "gw.yaml: xyzzy (expected: one of: node, cluster, listeners, admin, dns-sync,"
                + " trusted-proxies, upstreams, routes, error-pages, geoip, secrets, buffering,"
                + " access-log, tracing, limits)");
  }

  @Test
  void multipleErrorsAreAllReported() {
    ConfigException e =
        org.junit.jupiter.api.Assertions.assertThrows(
            ConfigException.class,
            () ->
                parse(
                    """
                    listeners: [{name: web, bind: 0.0.0.0:8080, max-header-size: 16kb}]
                    upstreams:
                      api:
                        balance: rr
                        servers:
                          - {name: a1, address: 127.0.0.1:9001, weight: 0}
                          - {name: a2, address: 127.0.0.1, weight: 300}
                        timeouts: {connect: 5}
                    routes: [{name: default, upstream: apii}]
                    """,
                    dir));
    List<String> lines =
        List.of(
            "gw.yaml: listeners[0].max-header-size: 16kb (expected: a size from 1k to 1m)",
            "gw.yaml: upstreams.api.balance: rr (expected: one of: roundrobin, leastconn, source,"
                + " uri, header:NAME, cookie:NAME, random)",
            "gw.yaml: upstreams.api.servers[0].weight: 0 (expected: 1..256)",
            "gw.yaml: upstreams.api.servers[1].address: 127.0.0.1 (expected: HOST:PORT or"
                + " https://HOST:PORT)",
            "gw.yaml: upstreams.api.servers[1].weight: 300 (expected: 1..256)",
            "gw.yaml: upstreams.api.timeouts.connect: 5 (expected: a positive duration like 500ms,"
                + " 2s, 1m or 1h)",
            "gw.yaml: routes[0].upstream: apii (expected: one of the upstreams: api)");
    assertThat(e.errors().stream().map(ConfigError::toString)).containsExactlyElementsOf(lines);
    assertThat(e.getMessage()).isEqualTo(String.join("\n", lines));
  }

  @Test
  void yamlSyntaxErrorNamesLineAndColumn() {
    assertThat(errors("node:\n  id: a\n  id: b\n", dir))
        .singleElement()
        .asString()
        .startsWith("gw.yaml: line 3, column 3: found duplicate key id");
    assertThat(errors("node: [a, b\n", dir))
        .singleElement()
        .asString()
        .startsWith("gw.yaml: line ")
        .endsWith("(expected: valid YAML)");
    assertThat(errors("- a\n- b\n", dir))
        .containsExactly("gw.yaml: [a, b] (expected: a mapping of sections)");
  }

  @Test
  void loadReportsAnUnreadableFile() {
    Path missing = dir.resolve("nope.yaml");
    assertThatThrownBy(() -> ConfigLoader.load(missing, null))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            missing
                + ": cannot be read (NoSuchFileException) (expected: a readable YAML or JSON"
                + " file)");
  }

  @Test
  void errorPagesAreLoadedRelativeToTheConfigFile() {
    Path sub = dir.resolve("etc");
    write(sub, "pages/503.html", "sorry");
    Path file = write(sub, "gw.yaml", "error-pages: {503: pages/503.html}\n");
    GatewayConfig c = ConfigLoader.load(file, ConfigOverrides.none(), ConfigFixtures.env(Map.of()));
    assertThat(c.errorPages()).containsExactly(Map.entry(503, "sorry"));
  }

  @Test
  void dnsSyncAndAdvertiseOfSpecSection3() {
    GatewayConfig c =
        parse(
            """
            node: {id: gw-1, advertise: 203.0.113.10, shutdown-grace: 45s}
            dns-sync: {server: 127.0.0.1:53, zone: example.test, name: gw.example.test, ttl: 30,
                       tsig: {name: vxgate, algorithm: hmac-sha256, secret: c2VjcmV0}}
            """,
            dir);
    assertThat(c.node())
        .isEqualTo(new NodeConfig("gw-1", "default", "203.0.113.10", Duration.ofSeconds(45)));
    assertThat(c.dnsSync())
        .isEqualTo(
            new DnsSyncConfig(
                new HostPort("127.0.0.1", 53),
                "example.test",
                "gw.example.test",
                30,
                new DnsSyncConfig.TsigConfig("vxgate", "hmac-sha256", "c2VjcmV0")));
    assertThat(c.dnsSync().tsig().toString()).doesNotContain("c2VjcmV0");
  }

  @Test
  void defaultYamlIsValid() {
    GatewayConfig c = ConfigLoader.defaults(null, ConfigFixtures.env(Map.of()));
    assertThat(c.node().id()).isEqualTo(ConfigFixtures.HOST);
    assertThat(c.listeners())
        .extracting(ListenerConfig::name, l -> l.bind().toString())
        .containsExactly(org.assertj.core.groups.Tuple.tuple("web", "0.0.0.0:8080"));
    assertThat(c.admin().bind()).isEqualTo(new HostPort("127.0.0.1", 9090));
    UpstreamConfig demo = c.upstreams().get("demo");
    assertThat(demo.balance().kind()).isEqualTo(BalanceConfig.Kind.ROUNDROBIN);
    assertThat(demo.servers())
        .extracting(ServerConfig::name, s -> s.address().toString())
        .containsExactly(
            org.assertj.core.groups.Tuple.tuple("demo1", "127.0.0.1:9001"),
            org.assertj.core.groups.Tuple.tuple("demo2", "127.0.0.1:9002"),
            org.assertj.core.groups.Tuple.tuple("demo3", "127.0.0.1:9003"));
    assertThat(demo.healthCheck().type()).isEqualTo(HealthCheckConfig.Type.HTTP);
    assertThat(demo.healthCheck().path()).isEqualTo("/health");
    assertThat(demo.healthCheck().interval()).isEqualTo(Duration.ofSeconds(2));
    assertThat(c.routes())
        .containsExactly(new RouteConfig("default", MatchConfig.any(), "demo", null));
    assertThat(ConfigLoader.defaultText()).contains("# ");
  }
}
