package io.vxgate.config;

import static io.vxgate.config.ConfigFixtures.SPEC_EXAMPLE;
import static io.vxgate.config.ConfigFixtures.specFiles;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonObject;
import io.vxgate.testing.MmdbWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class ConfigJsonTest {
  @TempDir Path dir;

  private static final String EXTRA =
      """
        checked:
          balance: uri
          hash-query: true
          servers: [{name: c1, address: 10.0.0.3:80}]
          health-check: {method: OPTIONS, host: "app.example:8080", headers: {X-A: "1", X-B: "2"},
                         expect: {status: "200,204,300-399", body: "~^ok$"}}
        hashed:
          balance: "cookie:SID"
          servers:
            - {name: h1, address: "https://[2001:db8::1]:8443", weight: 7, datacenter: dc3, max-conns: 100}
            - {name: h2, address: 10.0.0.2:80, backup: true}
          health-check: {type: tcp, interval: 1500ms, timeout: 500ms, rise: 1, fall: 1, expect: 204}
          sticky: {cookie: S, path: /app, http-only: false, secure: true, same-site: None, max-age: 1h}
          retry-on: [reset, 500, 504]
          slow-start: 30s
          tls-verify: false
          tls-ca: ca.pem
          buffering: {request: off, response: on, memory: 8k, max-temp-file: 100m}
      """;

  private GatewayConfig full() {
    specFiles(dir);
    try {
      Files.createDirectories(dir.resolve("geo"));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    new MmdbWriter("GeoLite2-Country", 24).write(dir.resolve("geo/country.mmdb"));
    String yaml =
        SPEC_EXAMPLE
                .replace("upstreams:\n", "upstreams:\n" + EXTRA)
                .replace(
                    "min-version: TLSv1.2}",
                    "protocols: [TLSv1.3], ciphersuites: TLS_AES_256_GCM_SHA384,"
                        + " session-tickets: off}")
                .replace(
                    "    hsts: 31536000\n",
                    "    hsts: 31536000\n"
                        + "    keepalive-timeout: 0\n"
                        + "    keepalive-requests: 5\n"
                        + "    client-timeout: 20s\n")
                .replace(
                    "routes:                                        # ordered; first match wins\n",
                    """
                    routes:
                      - name: every-key
                        match:
                          path-prefix: /a/
                          path: /a/b
                          path-regex: "^/a/.*$"
                          host: "*.example.com"
                          methods: [GET]
                          headers: {X-A: "1", X-B: "~^b"}
                          query: {q: "2"}
                          source: ["::1"]
                          websocket: false
                          country: [DE]
                        upstream: hashed
                        strip-prefix: /a
                        request-headers: {set: {X-In: "1", Host: example.org}, remove: [Cookie]}
                        response-headers: {set: {X-Out: "2"}, remove: [Server, X-Powered-By]}
                        buffering: {response: off, max-temp-file: 0}
                        retries: 0
                        retry-on: [503, connect-failure]
                        timeouts: {response: 5m}
                        limits: [per-ip, conns]
                      - {name: moved, match: {path: /old}, redirect: {location: "https://x.test/new", status: 308, keep-path: true}}
                      - {name: gone, match: {path: /gone}, return: {status: 410, body: "gone", content-type: text/html}}
                      - {name: empty, match: {path: /empty}, return: {status: 204}}
                    """)
            + """
            node: {id: gw-1, datacenter: dc1, advertise: 203.0.113.10, shutdown-grace: 10s}
            geoip: {database: geo/country.mmdb}
            dns-sync: {server: 127.0.0.1:53, zone: example.test, name: gw.example.test, ttl: 30,
                       tsig: {name: vxgate, algorithm: hmac-sha512, secret: c2VjcmV0}}
            """;
    yaml = yaml.replaceFirst("node: +\\{id: gw-1, datacenter: dc1\\}.*\n", "");
    yaml += "secrets: {sticky: \"${STICKY}\"}\n";
    yaml += "buffering: {node-memory: 1g, temp-dir: /var/tmp/vx}\n";
    yaml +=
        "access-log: {format: custom, custom: \"$client $${status}!\", file: logs/a.log, queue: 64}\n";
    yaml += "tracing: {otlp: \"http://127.0.0.1:4318\", sample: 0.25}\n";
    yaml +=
        """
        limits:
          per-ip: {rate: 10/s, burst: 20, delay: 5, exempt: [10.0.0.0/8], scope: node}
          conns: {concurrency: 3, key: "header:X-User", max-keys: 1000}
          both: {rate: 30/m, burst: 2, nodelay: true, concurrency: 1, key: route}
        """;
    ConfigFixtures.write(
        dir,
        "ca.pem",
        io.vertx.core.net.SelfSignedCertificate.create("ca.test")
            .certificatePath()
            .transform(ConfigJsonTest::read));
    return ConfigFixtures.parse(
        yaml,
        dir,
        Map.of("VXGATE_ADMIN_TOKEN", "tok", "STICKY", "0123456789abcdef-sticky"),
        ConfigOverrides.none());
  }

  private static String read(String file) {
    try {
      return java.nio.file.Files.readString(Path.of(file));
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
  }

  @Test
  void roundTripsAFullConfig() {
    GatewayConfig c = full();
    assertThat(c.upstreams()).containsKey("hashed");
    assertThat(c.upstreams().get("checked").healthCheck().expect().body()).isEqualTo("~^ok$");
    assertThat(c.upstreams().get("checked").balance().hashQuery()).isTrue();
    assertThat(c.dnsSync()).isNotNull();
    assertThat(c.geoip())
        .isEqualTo(new GeoIpConfig(dir.resolve("geo/country.mmdb").toAbsolutePath().toString()));
    assertThat(c.routes()).hasSize(8);
    assertThat(c.secrets().sticky()).isEqualTo("0123456789abcdef-sticky");
    assertThat(c.accessLog())
        .isEqualTo(
            new AccessLogConfig(
                AccessLogConfig.Format.CUSTOM,
                "$client ${status}!",
                new AccessLogConfig.File(dir.resolve("logs/a.log").toAbsolutePath().toString()),
                64));
    assertThat(c.tracing()).isEqualTo(new TracingConfig("http://127.0.0.1:4318/v1/traces", 0.25));
    assertThat(c.upstreams().get("hashed").tlsVerify()).isFalse();
    assertThat(c.upstreams().get("hashed").buffering())
        .isEqualTo(new BufferingConfig(false, true, 8192, 100L << 20));
    assertThat(c.routes().get(0).buffering())
        .isEqualTo(new BufferingConfig.RouteOverride(null, false, null, 0L));
    assertThat(c.buffering()).isEqualTo(new BufferingConfig.NodeLimits(1L << 30, "/var/tmp/vx"));
    assertThat(c.upstreams().get("hashed").tlsCa()).startsWith("-----BEGIN CERTIFICATE-----");
    assertThat(c.routes().get(0).action()).isEqualTo(new RouteConfig.Forward("hashed"));
    assertThat(c.routes().get(1).action())
        .isEqualTo(new RouteConfig.Redirect("https://x.test/new", 308, true));
    assertThat(c.routes().get(2).action())
        .isEqualTo(new RouteConfig.Return(410, "gone", "text/html"));
    assertThat(c.routes().get(3).action())
        .isEqualTo(new RouteConfig.Return(204, "", "text/plain; charset=utf-8"));
    assertThat(c.listeners().get(2).keepaliveRequests()).isEqualTo(5);
    assertThat(c.listeners().get(2).tls().sessionTickets()).isFalse();
    assertThat(c.routes().get(0).retries()).isZero();
    assertThat(c.routes().get(0).timeouts())
        .isEqualTo(new RouteConfig.Timeouts(null, java.time.Duration.ofMinutes(5), null));
    assertThat(c.routes().get(1).retryOn()).isNull();
    assertThat(c.limits()).containsOnlyKeys("per-ip", "conns", "both");
    assertThat(c.routes().get(0).limits()).containsExactly("per-ip", "conns");
    assertThat(c.routes().get(0).requestHeaders().set())
        .containsExactly(Map.entry("X-In", "1"), Map.entry("Host", "example.org"));

    JsonObject json = ConfigJson.toJson(c);
    GatewayConfig back = ConfigJson.fromJson(json);
    assertThat(back).isEqualTo(c);
    // and through the wire form
    assertThat(ConfigJson.fromJson(new JsonObject(json.encode()))).isEqualTo(c);
  }

  @Test
  void usesTheYamlKeyNames() {
    JsonObject json = ConfigJson.toJson(full());
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder(
            "node",
            "cluster",
            "listeners",
            "admin",
            "dns-sync",
            "trusted-proxies",
            "upstreams",
            "routes",
            "error-pages",
            "geoip",
            "secrets",
            "buffering",
            "access-log",
            "tracing",
            "limits");
    assertThat(json.getJsonObject("geoip").getString("database"))
        .isEqualTo(dir.resolve("geo/country.mmdb").toAbsolutePath().toString());
    JsonObject api = json.getJsonObject("upstreams").getJsonObject("api");
    assertThat(api.getString("balance")).isEqualTo("roundrobin");
    assertThat(api.getJsonObject("health-check").getString("expect")).isEqualTo("200-399");
    assertThat(api.getJsonObject("timeouts").getString("response")).isEqualTo("30s");
    assertThat(api.getJsonArray("retry-on").stream().map(String::valueOf))
        .containsExactly("connect-failure", "timeout", "502", "503");
    assertThat(
            json.getJsonObject("upstreams")
                .getJsonObject("hashed")
                .getJsonArray("servers")
                .getJsonObject(0)
                .getString("address"))
        .isEqualTo("https://[2001:db8::1]:8443");
    assertThat(json.getJsonArray("listeners").getJsonObject(1).getLong("max-request-body"))
        .isEqualTo(104_857_600L);
    assertThat(json.getJsonObject("error-pages").getString("502")).isEqualTo("<h1>502</h1>");
    assertThat(json.getJsonArray("routes").getJsonObject(7).containsKey("match")).isFalse();
  }

  @Test
  void fromJsonValidatesAndDoesNotSubstitute() {
    JsonObject json = ConfigJson.toJson(full());
    json.getJsonObject("error-pages").put("500", "<p>${not substituted}</p>");
    assertThat(ConfigJson.fromJson(json).errorPages().get(500))
        .isEqualTo("<p>${not substituted}</p>");

    json.getJsonObject("upstreams")
        .getJsonObject("api")
        .getJsonArray("servers")
        .getJsonObject(0)
        .put("weight", 0);
    assertThatThrownBy(() -> ConfigJson.fromJson(json, "vxgate.admin.config.put"))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "vxgate.admin.config.put: upstreams.api.servers[0].weight: 0 (expected: 1..256)");
  }

  @Test
  void defaultsRoundTrip() {
    GatewayConfig c = ConfigLoader.defaults(null, ConfigFixtures.env(Map.of()));
    assertThat(ConfigJson.fromJson(ConfigJson.toJson(c))).isEqualTo(c);
  }
}
