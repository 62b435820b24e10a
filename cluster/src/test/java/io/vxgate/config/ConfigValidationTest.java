package io.vxgate.config;

import static io.vxgate.config.ConfigFixtures.errors;
import static io.vxgate.config.ConfigFixtures.parse;
import static io.vxgate.config.ConfigFixtures.upstream;
import static io.vxgate.config.ConfigFixtures.write;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vxgate.testing.MmdbWriter;
import java.nio.file.Path;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;
import org.junit.jupiter.params.provider.ValueSource;

/** Every validation rule rejects a bad value with the exact message. */
class ConfigValidationTest {
  @TempDir Path dir;

  private static final String NAME = "(expected: a name of letters, digits, '.', '_' or '-')";
  private static final String EXPECT =
      "(expected: a status like 200, a range like 200-399 or a list like 200,204,300-399, within"
          + " 100..599)";
  private static final String EXPECT_ANY =
      "(expected: a status like 200, a range like 200-399 or a list like 200,204,300-399, within"
          + " 100..599; or {status: STATUSES, body: TEXT | ~REGEX})";
  private static final String CIDR = "(expected: an IPv4 or IPv6 address or CIDR like 10.0.0.0/8)";

  private static String servers(String items) {
    return "upstreams:\n  api:\n    servers:\n"
        + items.indent(6)
        + "routes: [{name: default, upstream: api}]\n";
  }

  private static String route(String r) {
    return "upstreams: {api: {servers: [{name: a1, address: 127.0.0.1:9001}]}}\nroutes:\n"
        + r.indent(2);
  }

  private static String limit(String policy) {
    return "limits:\n  l: " + policy + "\n";
  }

  static Stream<Arguments> rejected() {
    return Stream.of(
        // names
        Arguments.of(
            "listeners: [{name: we b, bind: 0.0.0.0:80}]", "listeners[0].name: we b " + NAME),
        Arguments.of(
            "listeners: [{name: \"\", bind: 0.0.0.0:80}]", "listeners[0].name: \"\" " + NAME),
        Arguments.of("node: {id: \"gw/1\"}", "node.id: gw/1 " + NAME),
        Arguments.of("node: {datacenter: dc 1}", "node.datacenter: dc 1 " + NAME),
        Arguments.of("cluster: {name: a:b}", "cluster.name: a:b " + NAME),
        Arguments.of(
            "upstreams: {my api: {servers: [{name: a, address: 127.0.0.1:1}]}}",
            "upstreams: my api " + NAME),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:9001, datacenter: \"dc/2\"}"),
            "upstreams.api.servers[0].datacenter: dc/2 " + NAME),
        // listeners
        Arguments.of(
            "listeners: [{name: web, bind: 0.0.0.0:80}, {name: web, bind: 0.0.0.0:81}]",
            "listeners[1].name: web (expected: a name not used by listeners[0])"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:8080}, {name: b, bind: 0.0.0.0:8080}]",
            "listeners[1].bind: 0.0.0.0:8080 (expected: an address not used by listeners[0])"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:8080}, {name: b, bind: 127.0.0.1:8080}]",
            "listeners[1].bind: 127.0.0.1:8080 (expected: an address not used by listeners[0])"),
        Arguments.of(
            "admin: {bind: 127.0.0.1:8080}",
            "admin.bind: 127.0.0.1:8080 (expected: an address not used by listeners[0])"),
        Arguments.of(
            "cluster: {bind: 127.0.0.1:9090}",
            "admin.bind: 127.0.0.1:9090 (expected: an address not used by cluster.bind)"),
        Arguments.of(
            "listeners: [{name: a, bind: 8080}]", "listeners[0].bind: 8080 (expected: HOST:PORT)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:70000}]",
            "listeners[0].bind: 0.0.0.0:70000 (expected: HOST:PORT)"),
        Arguments.of(
            "listeners: [{name: a}]", "listeners[0].bind: (missing) (expected: HOST:PORT)"),
        Arguments.of("listeners: web", "listeners: web (expected: a list of listeners)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, redirect-https: 0}]",
            "listeners[0].redirect-https: 0 (expected: 1..65535)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, max-header-size: 16kb}]",
            "listeners[0].max-header-size: 16kb (expected: a size from 1k to 1m)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, max-header-size: 2m}]",
            "listeners[0].max-header-size: 2m (expected: a size from 1k to 1m)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, max-request-body: 1t}]",
            "listeners[0].max-request-body: 1t (expected: a size like 16k, 100m, 1g or plain"
                + " bytes)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, max-connections: -1}]",
            "listeners[0].max-connections: -1 (expected: an integer >= 0)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, keepalive-timeout: -1s}]",
            "listeners[0].keepalive-timeout: -1s (expected: a duration like 500ms, 2s, 1m, 1h or"
                + " 0)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, keepalive-requests: many}]",
            "listeners[0].keepalive-requests: many (expected: an integer >= 0)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, client-timeout: 0}]",
            "listeners[0].client-timeout: 0 (expected: a positive duration like 500ms, 2s, 1m or"
                + " 1h)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, request-header-timeout: 0}]",
            "listeners[0].request-header-timeout: 0 (expected: a positive duration like 500ms, 2s,"
                + " 1m or 1h)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:80, hsts: 1y}]",
            "listeners[0].hsts: 1y (expected: a number of seconds >= 0)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:443, tls: {}}]",
            "listeners[0].tls.certificates: (missing) (expected: a list of {cert, key} files)"),
        Arguments.of(
            "listeners: [{name: a, bind: 0.0.0.0:443, tls: {certificates: []}}]",
            "listeners[0].tls.certificates: [] (expected: at least one {cert, key})"),
        // admin
        Arguments.of(
            "admin: {bind: 0.0.0.0:9090}",
            "admin.bind: 0.0.0.0:9090 (expected: a loopback address unless admin.token is set)"),
        Arguments.of(
            "admin: {bind: \"[::]:9090\"}",
            "admin.bind: [::]:9090 (expected: a loopback address unless admin.token is set)"),
        // cluster
        Arguments.of(
            "cluster: {members: [10.0.0.2]}", "cluster.members[0]: 10.0.0.2 (expected: HOST:PORT)"),
        Arguments.of(
            "cluster: {kubernetes: {service-dns: \"not a name\"}}",
            "cluster.kubernetes.service-dns: not a name (expected: a DNS name)"),
        Arguments.of(
            "cluster: {heartbeat-interval: 500ms}",
            "cluster.heartbeat-interval: 500ms (expected: a whole number of seconds, at least 1s,"
                + " like 1s, 5s or 1m)"),
        Arguments.of(
            "cluster: {merge-delay: 0}",
            "cluster.merge-delay: 0 (expected: a whole number of seconds, at least 1s, like 1s, 5s"
                + " or 1m)"),
        Arguments.of(
            "cluster: {heartbeat-interval: 3s, failure-timeout: 5s}",
            "cluster.failure-timeout: 5s (expected: at least twice cluster.heartbeat-interval"
                + " (PT3S))"),
        // trusted proxies
        Arguments.of("trusted-proxies: [10.0.0.300]", "trusted-proxies[0]: 10.0.0.300 " + CIDR),
        Arguments.of("trusted-proxies: [\"::1/129\"]", "trusted-proxies[0]: ::1/129 " + CIDR),
        Arguments.of("trusted-proxies: [proxy.local]", "trusted-proxies[0]: proxy.local " + CIDR),
        // servers
        Arguments.of(
            servers(
                """
                - {name: a1, address: 127.0.0.1:9001}
                - {name: a2, address: 127.0.0.1:9002}
                - {name: a3, address: 127.0.0.1:9003, weight: -1}
                """),
            "upstreams.api.servers[2].weight: -1 (expected: 1..256)"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:9001, weight: 257}"),
            "upstreams.api.servers[0].weight: 257 (expected: 1..256)"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:9001, weight: two}"),
            "upstreams.api.servers[0].weight: two (expected: 1..256)"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:9001}\n- {name: a1, address: 127.0.0.1:9002}"),
            "upstreams.api.servers[1].name: a1 (expected: a name not used by servers[0])"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:9001, backup: true}"),
            "upstreams.api.servers: [a1] (expected: at least one server with backup: false)"),
        Arguments.of(
            "upstreams: {api: {servers: []}}",
            "upstreams.api.servers: [] (expected: at least one server with backup: false)"),
        Arguments.of(
            "upstreams: {api: {balance: random}}",
            "upstreams.api.servers: (missing) (expected: a list of servers)"),
        Arguments.of(
            servers("- {name: a1}"),
            "upstreams.api.servers[0].address: (missing) (expected: HOST:PORT or"
                + " https://HOST:PORT)"),
        Arguments.of(
            servers("- {name: a1, address: \"ftp://h:1\"}"),
            "upstreams.api.servers[0].address: ftp://h:1 (expected: HOST:PORT or"
                + " https://HOST:PORT)"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:0}"),
            "upstreams.api.servers[0].address: 127.0.0.1:0 (expected: HOST:PORT or"
                + " https://HOST:PORT)"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:1, backup: maybe}"),
            "upstreams.api.servers[0].backup: maybe (expected: true or false)"),
        Arguments.of(
            servers("- {name: a1, address: 127.0.0.1:1, max-conns: -5}"),
            "upstreams.api.servers[0].max-conns: -5 (expected: an integer >= 0)"),
        // balance
        Arguments.of(
            upstream("balance: header"),
            "upstreams.api.balance: header (expected: header:NAME with a header name)"),
        Arguments.of(
            upstream("balance: \"cookie:\""),
            "upstreams.api.balance: cookie: (expected: cookie:NAME with a cookie name)"),
        Arguments.of(
            upstream("balance: leastcon"),
            "upstreams.api.balance: leastcon (expected: one of: roundrobin, leastconn, source, uri,"
                + " header:NAME, cookie:NAME, random; did you mean leastconn?)"),
        Arguments.of(
            upstream("balance: \"uri:x\""),
            "upstreams.api.balance: uri:x (expected: one of: roundrobin, leastconn, source, uri,"
                + " header:NAME, cookie:NAME, random)"),
        // retries
        Arguments.of(
            upstream("retry-on: [timeout, 501]"),
            "upstreams.api.retry-on[1]: 501 (expected: one of: connect-failure, reset, timeout,"
                + " 500, 502, 503, 504)"),
        Arguments.of(
            upstream("retry-on: [conect-failure]"),
            "upstreams.api.retry-on[0]: conect-failure (expected: one of: connect-failure, reset,"
                + " timeout, 500, 502, 503, 504; did you mean connect-failure?)"),
        Arguments.of(upstream("retries: -1"), "upstreams.api.retries: -1 (expected: 0..100)"),
        // buffering
        Arguments.of(
            upstream("buffering: {request: maybe}"),
            "upstreams.api.buffering.request: maybe (expected: on or off)"),
        Arguments.of(
            upstream("buffering: {memory: 64kb}"),
            "upstreams.api.buffering.memory: 64kb (expected: a size like 64k, 100m, 1g or plain"
                + " bytes)"),
        Arguments.of(
            upstream("buffering: {max-temp-file: -1}"),
            "upstreams.api.buffering.max-temp-file: -1 (expected: a size like 64k, 100m, 1g or"
                + " plain bytes)"),
        Arguments.of(
            upstream("buffering: {requests: off}"),
            "upstreams.api.buffering: requests (expected: one of: request, response, memory,"
                + " max-temp-file; did you mean request?)"),
        Arguments.of(
            route("- {name: r, upstream: api, buffering: {response: no}}"),
            "routes[0].buffering.response: no (expected: on or off)"),
        Arguments.of(
            "buffering: {node-memory: lots}",
            "buffering.node-memory: lots (expected: a size like 64k, 100m, 1g or plain bytes)"),
        Arguments.of(
            "buffering: {memory: 1m}",
            "buffering: memory (expected: one of: node-memory, temp-dir)"),
        Arguments.of(
            upstream("hash-query: true"),
            "upstreams.api.hash-query: true (expected: only with balance: uri)"),
        Arguments.of(
            upstream("balance: uri\nhash-query: yes"),
            "upstreams.api.hash-query: yes (expected: true or false)"),
        // limits
        Arguments.of(
            limit("{rate: 10/h}"),
            "limits.l.rate: 10/h (expected: a rate like 10/s or 300/m (1..1000000 requests))"),
        Arguments.of(
            limit("{rate: 0/s}"),
            "limits.l.rate: 0/s (expected: a rate like 10/s or 300/m (1..1000000 requests))"),
        Arguments.of(limit("{rate: 1/s, burst: -1}"), "limits.l.burst: -1 (expected: 0..1000000)"),
        Arguments.of(
            limit("{rate: 1/s, burst: 5, delay: 2, nodelay: true}"),
            "limits.l.delay: 2 (expected: no delay with nodelay: true)"),
        Arguments.of(
            limit("{concurrency: 5, burst: 5}"), "limits.l.burst: 5 (expected: only with rate)"),
        Arguments.of(limit("{concurrency: 0}"), "limits.l.concurrency: 0 (expected: 1..1000000)"),
        Arguments.of(
            limit("{burst: 5}"),
            "limits.l: {burst: 5} (expected: a policy with rate, concurrency or both)"),
        Arguments.of(
            limit("{rate: 1/s, key: ip}"),
            "limits.l.key: ip (expected: client-ip, header:NAME, cookie:NAME, route or upstream)"),
        Arguments.of(
            limit("{rate: 1/s, key: \"header:X Y\"}"),
            "limits.l.key: header:X Y (expected: client-ip, header:NAME, cookie:NAME, route or"
                + " upstream)"),
        Arguments.of(
            limit("{rate: 1/s, scope: global}"),
            "limits.l.scope: global (expected: cluster or node)"),
        Arguments.of(
            limit("{rate: 1/s, max-keys: 0}"), "limits.l.max-keys: 0 (expected: 1..10000000)"),
        Arguments.of(
            limit("{rate: 1/s, exempt: [10.0.0.0/33]}"), "limits.l.exempt[0]: 10.0.0.0/33 " + CIDR),
        Arguments.of(
            limit("{rate: 1/s, brust: 5}"),
            "limits.l: brust (expected: one of: rate, burst, delay, nodelay, concurrency, key,"
                + " exempt, scope, max-keys; did you mean burst?)"),
        Arguments.of("limits: {\"a b\": {rate: 1/s}}", "limits: a b " + NAME),
        Arguments.of(
            route("- {name: r, upstream: api, limits: [nope]}"),
            "routes[0].limits[0]: nope (expected: the name of a limit (none is defined))"),
        Arguments.of(
            "limits: {l: {rate: 1/s}}\n" + route("- {name: r, upstream: api, limits: [l, m]}"),
            "routes[0].limits[1]: m (expected: one of the limits: l)"),
        Arguments.of(
            "limits: {l: {rate: 1/s}}\n" + route("- {name: r, upstream: api, limits: [l, l]}"),
            "routes[0].limits[1]: l (expected: a limit not listed before)"),
        Arguments.of(
            "limits: {l: {rate: 1/s}}\n" + route("- {name: r, return: {status: 204}, limits: [l]}"),
            "routes[0].limits: [l] (expected: only on a route with an upstream)"),
        // health checks
        Arguments.of(
            upstream("health-check: {expect: 200-99}"),
            "upstreams.api.health-check.expect: 200-99 " + EXPECT_ANY),
        Arguments.of(
            upstream("health-check: {expect: 2xx}"),
            "upstreams.api.health-check.expect: 2xx " + EXPECT_ANY),
        Arguments.of(
            upstream("health-check: {expect: \"200,,204\"}"),
            "upstreams.api.health-check.expect: 200,,204 " + EXPECT_ANY),
        Arguments.of(
            upstream("health-check: {expect: [200, 600]}"),
            "upstreams.api.health-check.expect: 200,600 " + EXPECT_ANY),
        Arguments.of(
            upstream("health-check: {expect: {status: 20}}"),
            "upstreams.api.health-check.expect.status: 20 " + EXPECT),
        Arguments.of(
            upstream("health-check: {expect: {body: \"~(\"}}"),
            "upstreams.api.health-check.expect.body: ~( (expected: ~REGEX with a valid regular"
                + " expression; Unclosed group)"),
        Arguments.of(
            upstream("health-check: {expect: {body: \"\"}}"),
            "upstreams.api.health-check.expect.body: \"\" (expected: a text, or ~REGEX with a"
                + " valid regular expression)"),
        Arguments.of(
            upstream("health-check: {method: HEAD, expect: {body: ok}}"),
            "upstreams.api.health-check.expect.body: ok (expected: no body check with method HEAD,"
                + " whose answers have no body)"),
        Arguments.of(
            upstream("health-check: {expect: {code: 200}}"),
            "upstreams.api.health-check.expect: code (expected: one of: status, body)"),
        Arguments.of(
            upstream("health-check: {method: head}"),
            "upstreams.api.health-check.method: head (expected: an uppercase method token like GET"
                + " or HEAD)"),
        Arguments.of(
            upstream("health-check: {host: \"a b\"}"),
            "upstreams.api.health-check.host: a b (expected: a host name or address, with an"
                + " optional :PORT)"),
        Arguments.of(
            upstream("health-check: {headers: {Host: a.example}}"),
            "upstreams.api.health-check.headers: Host (expected: other fields than Host, which"
                + " health-check.host sets)"),
        Arguments.of(
            upstream("health-check: {headers: {X-A: \"a\\nb\"}}"),
            "upstreams.api.health-check.headers.X-A: a\nb (expected: a header value without"
                + " control characters)"),
        Arguments.of(
            upstream("health-check: {rise: 0}"),
            "upstreams.api.health-check.rise: 0 (expected: an integer >= 1)"),
        Arguments.of(
            upstream("health-check: {fall: 0}"),
            "upstreams.api.health-check.fall: 0 (expected: an integer >= 1)"),
        Arguments.of(
            upstream("health-check: {interval: 2s, timeout: 5s}"),
            "upstreams.api.health-check.timeout: 5s (expected: at most the interval, 2s)"),
        Arguments.of(
            upstream("health-check: {type: udp}"),
            "upstreams.api.health-check.type: udp (expected: http or tcp)"),
        Arguments.of(
            upstream("health-check: {path: health}"),
            "upstreams.api.health-check.path: health (expected: a path starting with '/')"),
        // passive, timeouts, keepalive, locality, slow-start
        Arguments.of(
            upstream("passive: {max-fails: -1}"),
            "upstreams.api.passive.max-fails: -1 (expected: an integer >= 0)"),
        Arguments.of(
            upstream("passive: {fail-timeout: 0s}"),
            "upstreams.api.passive.fail-timeout: 0s (expected: a positive duration like 500ms, 2s,"
                + " 1m or 1h)"),
        Arguments.of(
            upstream("timeouts: {response: 30}"),
            "upstreams.api.timeouts.response: 30 (expected: a positive duration like 500ms, 2s, 1m"
                + " or 1h)"),
        Arguments.of(
            upstream("keepalive: {max-connections: 0}"),
            "upstreams.api.keepalive.max-connections: 0 (expected: an integer >= 1)"),
        Arguments.of(
            upstream("locality: {min-healthy-percent: 101}"),
            "upstreams.api.locality.min-healthy-percent: 101 (expected: 0..100)"),
        Arguments.of(
            upstream("slow-start: 1.5s"),
            "upstreams.api.slow-start: 1.5s (expected: a duration like 500ms, 2s, 1m, 1h or 0)"),
        // sticky
        Arguments.of(
            upstream("sticky: {path: /}"),
            "upstreams.api.sticky.cookie: (missing) (expected: a cookie name)"),
        Arguments.of(
            upstream("sticky: {cookie: \"a b\"}"),
            "upstreams.api.sticky.cookie: a b (expected: a cookie name)"),
        Arguments.of(
            upstream("sticky: {cookie: S, same-site: loose}"),
            "upstreams.api.sticky.same-site: loose (expected: Strict, Lax or None)"),
        // routes
        Arguments.of(
            route(
                "- {name: default, match: {path: /y}, upstream: api}\n"
                    + "- {name: default, match: {path: /x}, upstream: api}"),
            "routes[1].name: default (expected: a name not used by routes[0])"),
        Arguments.of(
            route("- {name: r}"),
            "routes[0]: r (expected: exactly one of: upstream, redirect, return)"),
        Arguments.of(
            "routes: [{name: r, upstream: api}]",
            "routes[0].upstream: api (expected: the name of an upstream (none is defined))"),
        Arguments.of(
            route("- {name: r, upstream: ap}"),
            "routes[0].upstream: ap (expected: one of the upstreams: api)"),
        Arguments.of(
            route("- {name: all, upstream: api}\n- {name: late, match: {path: /x}, upstream: api}"),
            "routes[1]: late (expected: no route after routes[0] all, which matches every"
                + " request)"),
        Arguments.of(
            route("- {name: all, match: {}, upstream: api}\n- {name: late, upstream: api}"),
            "routes[1]: late (expected: no route after routes[0] all, which matches every"
                + " request)"),
        Arguments.of(
            route("- {name: r, upstream: api, strip-prefix: api}"),
            "routes[0].strip-prefix: api (expected: a path starting with '/')"),
        Arguments.of(
            route("- {name: r, upstream: api, retries: 101}"),
            "routes[0].retries: 101 (expected: 0..100)"),
        Arguments.of(
            route("- {name: r, upstream: api, retry-on: [timeout, 501]}"),
            "routes[0].retry-on[1]: 501 (expected: one of: connect-failure, reset, timeout, 500,"
                + " 502, 503, 504)"),
        Arguments.of(
            route("- {name: r, upstream: api, timeouts: {response: 0}}"),
            "routes[0].timeouts.response: 0 (expected: a positive duration like 500ms, 2s, 1m or"
                + " 1h)"),
        Arguments.of(
            route("- {name: r, upstream: api, timeouts: {read: 5s}}"),
            "routes[0].timeouts: read (expected: one of: connect, response, idle)"),
        Arguments.of(
            route("- {name: r, return: {status: 200}, retries: 1}"),
            "routes[0].retries: 1 (expected: only on a route with an upstream)"),
        Arguments.of(
            route("- {name: r, redirect: {location: /x}, timeouts: {response: 1s}}"),
            "routes[0].timeouts: {response: 1s} (expected: only on a route with an upstream)"),
        Arguments.of(
            route("- {name: r, match: {path-prefix: api/}, upstream: api}"),
            "routes[0].match.path-prefix: api/ (expected: a path starting with '/')"),
        Arguments.of(
            route("- {name: r, match: {path: x}, upstream: api}"),
            "routes[0].match.path: x (expected: a path starting with '/')"),
        Arguments.of(
            route("- {name: r, match: {path-regex: \"^/(a\"}, upstream: api}"),
            "routes[0].match.path-regex: ^/(a (expected: a valid regular expression; Unclosed"
                + " group)"),
        Arguments.of(
            route("- {name: r, match: {host: \"exa mple.com\"}, upstream: api}"),
            "routes[0].match.host: exa mple.com (expected: a host name or *.suffix)"),
        Arguments.of(
            route("- {name: r, match: {host: \"*example.com\"}, upstream: api}"),
            "routes[0].match.host: *example.com (expected: a host name or *.suffix)"),
        Arguments.of(
            route("- {name: r, match: {methods: [get]}, upstream: api}"),
            "routes[0].match.methods[0]: get (expected: an uppercase method token like GET)"),
        Arguments.of(
            route("- {name: r, match: {headers: {X-A: \"~(\"}}, upstream: api}"),
            "routes[0].match.headers.X-A: ~( (expected: a value or ~REGEX with a valid regular"
                + " expression; Unclosed group)"),
        Arguments.of(
            route("- {name: r, match: {headers: {\"bad name\": x}}, upstream: api}"),
            "routes[0].match.headers: bad name (expected: a header name)"),
        Arguments.of(
            route("- {name: r, match: {source: [10.0.0.0/33]}, upstream: api}"),
            "routes[0].match.source[0]: 10.0.0.0/33 " + CIDR),
        Arguments.of(
            route("- {name: r, match: {source: [\"2001:db8::/129\"]}, upstream: api}"),
            "routes[0].match.source[0]: 2001:db8::/129 " + CIDR),
        Arguments.of(
            route("- {name: r, match: {websocket: yes}, upstream: api}"),
            "routes[0].match.websocket: yes (expected: true or false)"),
        Arguments.of(
            route("- {name: r, match: {country: [DE]}, upstream: api}"),
            "routes[0].match.country: [DE] (expected: a top-level geoip: {database: FILE} to look"
                + " countries up in)"),
        Arguments.of(
            route("- {name: r, match: {methods: GET}, upstream: api}"),
            "routes[0].match.methods: GET (expected: a list of methods)"),
        // error pages
        Arguments.of(
            "error-pages: {302: x.html}", "error-pages: 302 (expected: a status code in 400..599)"),
        Arguments.of(
            "error-pages: {oops: x.html}",
            "error-pages: oops (expected: a status code in 400..599)"),
        // dns sync
        Arguments.of(
            "dns-sync: {server: 127.0.0.1:53, zone: example.test, name: gw.other.test}",
            "dns-sync.name: gw.other.test (expected: a DNS name inside zone example.test)"),
        Arguments.of(
            "dns-sync: {server: 127.0.0.1:53, zone: example.test, name: gw.example.test, tsig:"
                + " {name: k, secret: \"***\"}}",
            "dns-sync.tsig.secret: *** (expected: a base64 key)"),
        Arguments.of(
            "dns-sync: {zone: example.test, name: gw.example.test}",
            "dns-sync.server: (missing) (expected: HOST:PORT)"),
        Arguments.of(
            servers("- 127.0.0.1:9001"),
            "upstreams.api.servers[0]: 127.0.0.1:9001 (expected: a mapping with keys: name,"
                + " address, weight, datacenter, backup, max-conns)"),
        Arguments.of(
            "listeners: [web]",
            "listeners[0]: web (expected: a mapping with keys: name, bind, redirect-https,"
                + " request-header-timeout, request-body-timeout, keepalive-timeout,"
                + " keepalive-requests, client-timeout, max-header-size, max-request-body,"
                + " max-connections, tls, hsts)"),
        Arguments.of(
            "upstreams: {api: {servers: [{name: a, address: 127.0.0.1:1}]}}\nroutes: [default]",
            "routes[0]: default (expected: a mapping with keys: name, match, upstream,"
                + " strip-prefix, request-headers, response-headers, redirect, return,"
                + " buffering, retries, retry-on, timeouts, limits)"),
        // route actions
        Arguments.of(
            route("- {name: r, upstream: api, return: {status: 200}}"),
            "routes[0]: upstream, return (expected: exactly one of: upstream, redirect, return)"),
        Arguments.of(
            route("- {name: r, redirect: {location: 'ftp://x'}}"),
            "routes[0].redirect.location: ftp://x (expected: an absolute http(s) URL or a path"
                + " starting with '/')"),
        Arguments.of(
            route("- {name: r, redirect: {location: /x, status: 303}}"),
            "routes[0].redirect.status: 303 (expected: 301, 302, 307 or 308)"),
        Arguments.of(
            route("- {name: r, return: {body: hi}}"),
            "routes[0].return.status: (missing) (expected: 200..599)"),
        Arguments.of(
            route("- {name: r, return: {status: 99}}"),
            "routes[0].return.status: 99 (expected: 200..599)"),
        Arguments.of(
            route("- {name: r, upstream: api, request-headers: {set: {'X A': v}}}"),
            "routes[0].request-headers.set: X A (expected: a header name)"),
        Arguments.of(
            route("- {name: r, upstream: api, response-headers: {remove: ['a:b']}}"),
            "routes[0].response-headers.remove[0]: a:b (expected: a header name)"),
        Arguments.of(
            route("- {name: r, upstream: api, response-headers: {set: {X-A: \"a\\nb\"}}}"),
            "routes[0].response-headers.set.X-A: a\nb (expected: a header value without control"
                + " characters)"),
        // secrets and upstream TLS
        Arguments.of(
            route("- {name: r, upstream: api}") + "secrets: {sticky: short}",
            "secrets.sticky: short (expected: a secret of at least 16 characters)"),
        Arguments.of(
            route("- {name: r, upstream: api}") + "secrets: {stiky: 0123456789abcdefg}",
            "secrets: stiky (expected: one of: sticky; did you mean sticky?)"),
        Arguments.of(
            "upstreams: {api: {servers: [{name: a1, address: 127.0.0.1:9001}], tls-verify: no}}\n"
                + "routes: [{name: r, upstream: api}]",
            "upstreams.api.tls-verify: no (expected: true or false)"),
        // access-log, tracing
        Arguments.of(
            "access-log: {format: apache}",
            "access-log.format: apache (expected: one of: combined, haproxy, json, custom)"),
        Arguments.of(
            "access-log: {format: custom}",
            "access-log.custom: (missing) (expected: " + AccessLogSection.TEMPLATE + ")"),
        Arguments.of(
            "access-log: {format: custom, custom: \"$client $sttus\"}",
            "access-log.custom: $sttus (expected: " + AccessLogSection.TEMPLATE + ")"),
        Arguments.of(
            "access-log:\n  format: custom\n  custom: \"$${status\"",
            "access-log.custom: ${status (expected: " + AccessLogSection.TEMPLATE + ")"),
        Arguments.of(
            "access-log: {format: json, custom: $status}",
            "access-log.custom: $status (expected: format: custom with it)"),
        Arguments.of(
            "access-log: {stdout: true, file: access.log}",
            "access-log: {stdout: true, file: access.log} (expected: one destination: stdout,"
                + " file or syslog)"),
        Arguments.of(
            "access-log: {syslog: localhost}",
            "access-log.syslog: localhost (expected: HOST:PORT)"),
        Arguments.of(
            "access-log: {file: .}", "access-log.file: . (expected: a file path, not a directory)"),
        Arguments.of(
            "access-log: {queue: 0}", "access-log.queue: 0 (expected: an integer 1..1048576)"),
        Arguments.of(
            "tracing: {otlp: \"collector:4318\"}",
            "tracing.otlp: collector:4318 (expected: an http:// or https:// URL)"),
        Arguments.of("tracing: {sample: 2}", "tracing.sample: 2 (expected: a number 0..1)"),
        // node
        Arguments.of(
            "node: {shutdown-grace: forever}",
            "node.shutdown-grace: forever (expected: a duration like 500ms, 2s, 1m, 1h or 0)"),
        // structure
        Arguments.of(
            "node: gw-1",
            "node: gw-1 (expected: a mapping with keys: id, datacenter, advertise,"
                + " shutdown-grace)"),
        Arguments.of(
            "upstreams: [api]",
            "upstreams: [api] (expected: a mapping of upstream names to upstreams)"));
  }

  @ParameterizedTest
  @MethodSource("rejected")
  void rejectsWithExactMessage(String yaml, String error) {
    assertThat(errors(yaml, dir)).containsExactly("gw.yaml: " + error);
  }

  private static final String CIPHERS =
      "(expected: TLS 1.2 cipher suites by OpenSSL name, or OpenSSL keywords like HIGH,"
          + " ECDHE+AESGCM or !aNULL, separated by ':'; the suites: "
          + String.join(", ", TlsCiphers.tls12Names())
          + ")";

  static Stream<Arguments> rejectedTls() {
    return Stream.of(
        Arguments.of(
            "protocols: [TLSv1.1, TLSv1.2]",
            "protocols: TLSv1.1 (expected: TLS versions among TLSv1.2, TLSv1.3; did you mean"
                + " TLSv1.2?)"),
        Arguments.of(
            "protocols: \"SSLv3 TLSv1.3\"",
            "protocols: SSLv3 (expected: TLS versions among TLSv1.2, TLSv1.3)"),
        Arguments.of(
            "protocols: [TLSv1.3], min-version: TLSv1.3",
            "protocols: [TLSv1.3] (expected: either protocols or min-version, not both)"),
        Arguments.of(
            "ciphers: ECDHE-RSA-AES128-GCM-SHA257",
            "ciphers: ECDHE-RSA-AES128-GCM-SHA257 " + CIPHERS),
        Arguments.of("ciphers: \"HIGH:!aNULL:FOO\"", "ciphers: FOO " + CIPHERS),
        Arguments.of(
            "ciphers: \"ALL:!ALL\"",
            "ciphers: ALL:!ALL (expected: a cipher list that names at least one TLS 1.2 cipher"
                + " suite)"),
        Arguments.of("ciphers: \"RC4-SHA\"", "ciphers: RC4-SHA " + CIPHERS),
        Arguments.of(
            "ciphersuites: TLS_AES_128_CCM_SHA256",
            "ciphersuites: TLS_AES_128_CCM_SHA256 (expected: TLS 1.3 cipher suites among"
                + " TLS_AES_128_GCM_SHA256, TLS_AES_256_GCM_SHA384, TLS_CHACHA20_POLY1305_SHA256)"),
        Arguments.of("session-tickets: maybe", "session-tickets: maybe (expected: on or off)"));
  }

  @ParameterizedTest
  @MethodSource("rejectedTls")
  void rejectsTlsSettingsWithExactMessage(String tlsKeys, String error) {
    ConfigFixtures.write(dir, "c.pem", "C");
    ConfigFixtures.write(dir, "k.pem", "K");
    String yaml =
        "listeners: [{name: s, bind: 0.0.0.0:8443, tls: {certificates: [{cert: c.pem, key:"
            + " k.pem}], "
            + tlsKeys
            + "}}]";
    assertThat(errors(yaml, dir)).containsExactly("gw.yaml: listeners[0].tls." + error);
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "listeners: [{name: a, bind: 127.0.0.1:0}, {name: b, bind: 127.0.0.1:0}]",
        "listeners: [{name: a, bind: 127.0.0.1:8080}, {name: b, bind: 127.0.0.2:8080}]",
        "admin: {bind: \"[::1]:9090\"}",
        "admin: {bind: localhost:9090}",
        "admin: {bind: 127.0.0.5:9090}",
        "admin: {bind: 0.0.0.0:9090, token: t}",
        "trusted-proxies: [127.0.0.1, 10.0.0.0/8, \"::1\", \"2001:db8::/32\", 0.0.0.0/0]"
      })
  void accepts(String yaml) {
    parse(yaml, dir);
  }

  @Test
  void acceptsEveryMatchKey() {
    new MmdbWriter("GeoIP2-Country", 24).write(dir.resolve("country.mmdb"));
    String routes =
        route(
            """
            - name: r
              match:
                path-prefix: /a/
                path: /a/b
                path-regex: "^/a/[0-9]+$"
                host: "*.Example.com"
                methods: [GET, PURGE]
                headers: {X-Env: prod, X-Id: "~^[0-9]+$"}
                query: {debug: "1"}
                source: [10.0.0.0/8, "fd00::/8"]
                websocket: false
                country: [de, FR]
              upstream: api
            """);
    GatewayConfig c = parse("geoip: {database: country.mmdb}\n" + routes, dir);
    MatchConfig m = c.routes().get(0).match();
    assertThat(m.pathPrefix()).isEqualTo("/a/");
    assertThat(m.path()).isEqualTo("/a/b");
    assertThat(m.pathRegex()).isEqualTo("^/a/[0-9]+$");
    assertThat(m.host()).isEqualTo("*.example.com");
    assertThat(m.methods()).containsExactly("GET", "PURGE");
    assertThat(m.headers()).isEqualTo(Map.of("X-Env", "prod", "X-Id", "~^[0-9]+$"));
    assertThat(m.query()).isEqualTo(Map.of("debug", "1"));
    assertThat(m.source()).containsExactly("10.0.0.0/8", "fd00::/8");
    assertThat(m.websocket()).isFalse();
    assertThat(m.country()).containsExactly("DE", "FR");
  }

  @Test
  void balanceValues() {
    for (String b :
        new String[] {
          "roundrobin", "leastconn", "source", "uri", "random", "header:X-User", "cookie:SID"
        }) {
      BalanceConfig bc =
          parse(upstream("balance: \"" + b + "\""), dir).upstreams().get("api").balance();
      assertThat(bc.toString()).isEqualTo(b);
    }
  }

  @Test
  void serverAddressForms() {
    GatewayConfig c =
        parse(
            servers(
                """
                - {name: a, address: "https://api.example.com"}
                - {name: b, address: "http://10.0.0.1"}
                - {name: c, address: "https://[2001:db8::1]:8443"}
                - {name: d, address: "[::1]:9001"}
                """),
            dir);
    assertThat(c.upstreams().get("api").servers())
        .extracting(s -> (s.tls() ? "tls " : "") + s.address())
        .containsExactly(
            "tls api.example.com:443", "10.0.0.1:80", "tls [2001:db8::1]:8443", "[::1]:9001");
  }

  @Test
  void missingErrorPageAndCertificateFiles() {
    Path missing = dir.resolve("errors/502.html").toAbsolutePath();
    Path cert = dir.resolve("c.pem").toAbsolutePath();
    write(dir, "k.pem", "K");
    assertThat(
            errors(
                """
                listeners:
                  - {name: s, bind: 0.0.0.0:443, tls: {certificates: [{cert: c.pem, key: k.pem}]}}
                  - {name: t, bind: 0.0.0.0:444, tls: {certificates: [{key: k.pem}], min-version: TLSv1.1}}
                error-pages: {502: errors/502.html}
                """,
                dir))
        .containsExactly(
            "gw.yaml: listeners[0].tls.certificates[0].cert: c.pem (expected: a readable file,"
                + " looked for "
                + cert
                + ")",
            "gw.yaml: listeners[1].tls.certificates[0].cert: (missing) (expected: a file)",
            "gw.yaml: listeners[1].tls.min-version: TLSv1.1 (expected: TLSv1.2 or TLSv1.3)",
            "gw.yaml: error-pages.502: errors/502.html (expected: a readable file, looked for "
                + missing
                + ")");
  }

  @Test
  void tlsReloadIsWatchOrOff() {
    write(dir, "c.pem", "C");
    write(dir, "k.pem", "K");
    assertThat(
            errors(
                "listeners: [{name: a, bind: 0.0.0.0:443, tls: {certificates: [{cert: c.pem, key:"
                    + " k.pem}], reload: always}}]",
                dir))
        .containsExactly("gw.yaml: listeners[0].tls.reload: always (expected: watch or off)");
  }

  @Test
  void clusterTlsNeedsItsThreeFiles() {
    write(dir, "k.pem", "K");
    Path cert = dir.resolve("c.pem").toAbsolutePath();
    assertThat(errors("cluster: {tls: {cert: c.pem, key: k.pem}}", dir))
        .containsExactly(
            "gw.yaml: cluster.tls.cert: c.pem (expected: a readable file, looked for " + cert + ")",
            "gw.yaml: cluster.tls.ca: (missing) (expected: a file)");
  }

  @Test
  void errorPageTooLarge() {
    write(dir, "big.html", "x".repeat((1 << 20) + 1));
    assertThat(errors("error-pages: {500: big.html}", dir))
        .containsExactly("gw.yaml: error-pages.500: big.html (expected: a file of at most 1m)");
  }

  @Test
  void invalidHostnameAsDefaultNodeId() {
    assertThatThrownBy(
            () ->
                ConfigLoader.parse(
                    "", "gw.yaml", dir, null, ConfigLoader.Environment.of(Map.of(), "my host")))
        .isInstanceOf(ConfigException.class)
        .hasMessage(
            "gw.yaml: node.id: my host (expected: a name of letters, digits, '.', '_' or '-'"
                + " (node.id is not set: the host name is used))");
  }
}
