package io.vxgate.admin.importer;

/**
 * vxgate keys that the translation maps to but that vxgate does not accept yet. While a key is not
 * {@link #available()}, the directives that need it are reported as left out ("not yet supported by
 * vxgate: KEY planned"). Once {@code bin/vxgate --check-config} accepts a key, turning its {@code
 * available} flag to {@code true} here makes the importers write it ({@code PlannedKeyTest} checks
 * every available key against the config loader with {@link #sample()}).
 */
enum PlannedKey {
  ROUTE_TIMEOUTS(
      "routes[].timeouts", true, "routes: [{name: r, upstream: u, timeouts: {response: 5s}}]"),
  ROUTE_RETRIES("routes[].retries", true, "routes: [{name: r, upstream: u, retries: 1}]"),
  ROUTE_RETRY_ON(
      "routes[].retry-on", true, "routes: [{name: r, upstream: u, retry-on: [connect-failure]}]"),
  LISTENER_KEEPALIVE_TIMEOUT(
      "listeners[].keepalive-timeout",
      true,
      "listeners: [{name: l, bind: 127.0.0.1:0, keepalive-timeout: 65s}]"),
  LISTENER_KEEPALIVE_REQUESTS(
      "listeners[].keepalive-requests",
      true,
      "listeners: [{name: l, bind: 127.0.0.1:0, keepalive-requests: 1000}]"),
  LISTENER_CLIENT_TIMEOUT(
      "listeners[].client-timeout",
      true,
      "listeners: [{name: l, bind: 127.0.0.1:0, client-timeout: 30s}]"),
  BUFFERING(
      "upstreams.*.buffering",
      true,
      "upstreams: {u: {servers: [{name: s, address: 127.0.0.1:1}], buffering: {request: off, response: off}}}"),
  HEALTH_METHOD(
      "upstreams.*.health-check.method",
      true,
      "upstreams: {u: {servers: [{name: s, address: 127.0.0.1:1}], health-check: {method: HEAD}}}"),
  HEALTH_HOST(
      "upstreams.*.health-check.host",
      true,
      "upstreams: {u: {servers: [{name: s, address: 127.0.0.1:1}], health-check: {host: a.example}}}"),
  HEALTH_EXPECT_BODY(
      "upstreams.*.health-check.expect (body)",
      true,
      "upstreams: {u: {servers: [{name: s, address: 127.0.0.1:1}], health-check: {expect: {body: ok}}}}"),
  TLS_PROTOCOLS(
      "listeners[].tls.protocols",
      true,
      "listeners: [{name: l, bind: 127.0.0.1:0, tls: {certificates: [{cert: %CERT%, key: %KEY%}],"
          + " protocols: [TLSv1.2]}}]"),
  TLS_CIPHERS(
      "listeners[].tls.ciphers",
      true,
      "listeners: [{name: l, bind: 127.0.0.1:0, tls: {certificates: [{cert: %CERT%, key: %KEY%}],"
          + " ciphers: 'ECDHE-RSA-AES128-GCM-SHA256', ciphersuites: TLS_AES_128_GCM_SHA256}}]"),
  TLS_SESSION_TICKETS(
      "listeners[].tls.session-tickets",
      true,
      "listeners: [{name: l, bind: 127.0.0.1:0, tls: {certificates: [{cert: %CERT%, key: %KEY%}],"
          + " session-tickets: off}}]"),
  HASH_QUERY(
      "upstreams.*.hash-query",
      true,
      "upstreams: {u: {balance: uri, hash-query: true, servers: [{name: s, address: 127.0.0.1:1}]}}");

  private final String key;
  private final boolean available;
  private final String sample;

  PlannedKey(String key, boolean available, String sample) {
    this.key = key;
    this.available = available;
    this.sample = sample;
  }

  /** The key as docs/configuration.md names it. */
  String key() {
    return key;
  }

  /** The key's last part, as written in its mapping ({@code keepalive-timeout}). */
  String field() {
    return key.substring(key.lastIndexOf('.') + 1);
  }

  /** Whether vxgate accepts the key, so that the importers write it. */
  boolean available() {
    return available;
  }

  /**
   * A config fragment using the key, for the test that keeps {@link #available()} honest ({@code
   * %CERT%} and {@code %KEY%} stand for a certificate and its key).
   */
  String sample() {
    return sample;
  }
}
