package io.vxgate.config;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

/** Shared helpers: parse YAML with a fixed environment, collect error strings. */
final class ConfigFixtures {
  static final String HOST = "host-1";

  /**
   * The product's example config (every section, most keys) as written, plus the upstreams its
   * routes name.
   */
  static final String SPEC_EXAMPLE =
      """
      node:    {id: gw-1, datacenter: dc1}            # id default: hostname; datacenter default: "default"
      cluster:
        name: vxgate                                 # members with another name never join
        bind: 127.0.0.1:5701                         # Hazelcast member endpoint
        members: [10.0.0.2:5701, 10.0.0.3:5701]      # TCP-IP join; empty = standalone single member
        kubernetes: {service-dns: vxgate-hz.ns.svc.cluster.local}   # alternative join
      listeners:
        - {name: web, bind: 0.0.0.0:8080, redirect-https: 8443}    # redirect-https: answer 301 to https
        - {name: api, bind: 0.0.0.0:8081, request-header-timeout: 10s, max-header-size: 16k,
           max-request-body: 100m, max-connections: 10000}             # defaults shown
        - name: web-tls
          bind: 0.0.0.0:8443
          tls: {certificates: [{cert: certs/site.crt, key: certs/site.key}], min-version: TLSv1.2}
          hsts: 31536000
      admin: {bind: 127.0.0.1:9090, token: ${VXGATE_ADMIN_TOKEN}}  # token required off loopback
      trusted-proxies: [127.0.0.1/32]               # only these may set X-Forwarded-For
      upstreams:
        api:
          balance: roundrobin      # roundrobin | leastconn | source | uri | header:NAME | cookie:NAME | random
          servers:
            - {name: api1, address: 127.0.0.1:9001, weight: 2, datacenter: dc1}
            - {name: api2, address: 127.0.0.1:9002, weight: 2, datacenter: dc2}
            - {name: api3, address: 127.0.0.1:9003, weight: 1, backup: true, max-conns: 0}
          health-check: {type: http, path: /health, interval: 2s, timeout: 1s, rise: 2, fall: 3, expect: 200-399}
          passive: {max-fails: 3, fail-timeout: 30s}
          sticky: {cookie: VXROUTE}                  # cookie insert; value = signed server name digest
          retries: 2                                 # next-upstream tries for idempotent requests
          retry-on: [connect-failure, timeout, 502, 503]
          timeouts: {connect: 5s, response: 30s, idle: 60s}
          keepalive: {max-connections: 64, idle-timeout: 60s}
          slow-start: 0s
          locality: {prefer-datacenter: true, min-healthy-percent: 50}
        ws:
          servers: [{name: ws1, address: "[::1]:9101"}]
        web:
          servers: [{name: web1, address: https://web.internal:8443}]
      routes:                                        # ordered; first match wins
        - {name: ws,  match: {websocket: true}, upstream: ws}
        - {name: api, match: {path-prefix: /api/, methods: [GET, POST]}, upstream: api}
        - {name: admin-ui, match: {host: admin.example.com, source: [10.0.0.0/8]}, upstream: web}
        - {name: default, upstream: web}
      error-pages: {502: errors/502.html, 503: errors/503.html, 504: errors/504.html}
      """;

  /** A minimal valid config around a fragment of upstream keys. */
  static String upstream(String keys) {
    return "upstreams:\n  api:\n    servers: [{name: a1, address: 127.0.0.1:9001}]\n"
        + keys.indent(4)
        + "routes: [{name: default, upstream: api}]\n";
  }

  private ConfigFixtures() {}

  static ConfigLoader.Environment env(Map<String, String> vars) {
    return ConfigLoader.Environment.of(vars, HOST);
  }

  static GatewayConfig parse(String yaml, Path dir) {
    return parse(yaml, dir, Map.of(), ConfigOverrides.none());
  }

  static GatewayConfig parse(
      String yaml, Path dir, Map<String, String> vars, ConfigOverrides overrides) {
    return ConfigLoader.parse(yaml, "gw.yaml", dir, overrides, env(vars));
  }

  /** The error lines of an invalid config. */
  static List<String> errors(String yaml, Path dir) {
    return errors(yaml, dir, Map.of(), ConfigOverrides.none());
  }

  static List<String> errors(
      String yaml, Path dir, Map<String, String> vars, ConfigOverrides overrides) {
    ConfigException[] caught = new ConfigException[1];
    assertThatThrownBy(() -> parse(yaml, dir, vars, overrides))
        .isInstanceOfSatisfying(ConfigException.class, e -> caught[0] = e);
    return caught[0].errors().stream().map(ConfigError::toString).toList();
  }

  static Path write(Path dir, String relative, String content) {
    try {
      Path p = dir.resolve(relative);
      Files.createDirectories(p.getParent());
      Files.writeString(p, content);
      return p;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Writes the files the example config names. */
  static void specFiles(Path dir) {
    write(dir, "certs/site.crt", "CERT");
    write(dir, "certs/site.key", "KEY");
    write(dir, "errors/502.html", "<h1>502</h1>");
    write(dir, "errors/503.html", "<h1>503</h1>");
    write(dir, "errors/504.html", "<h1>504</h1>");
  }
}
