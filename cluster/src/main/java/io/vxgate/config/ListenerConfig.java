package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;

/**
 * One client-facing listener.
 *
 * @param redirectHttps nullable; when set, every request is answered with a 301 to https on that
 *     port
 * @param maxHeaderSize bytes, 1k..1m
 * @param maxRequestBody bytes; 0 means unlimited
 * @param maxConnections 0 means unlimited
 * @param tls nullable; plain HTTP when null
 * @param hstsSeconds 0 means no Strict-Transport-Security header
 * @param requestBodyTimeout the longest pause between two reads of a request body (nginx's
 *     client_body_timeout)
 */
public record ListenerConfig(
    String name,
    HostPort bind,
    Integer redirectHttps,
    Duration requestHeaderTimeout,
    int maxHeaderSize,
    long maxRequestBody,
    int maxConnections,
    TlsConfig tls,
    long hstsSeconds,
    Duration requestBodyTimeout) {
  /** The default {@code request-body-timeout}. */
  public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(60);

  public ListenerConfig {
    requireNonNull(name, "name");
    requireNonNull(bind, "bind");
    requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    requireNonNull(requestBodyTimeout, "requestBodyTimeout");
  }

  /** A listener with the default {@code request-body-timeout}. */
  public ListenerConfig(
      String name,
      HostPort bind,
      Integer redirectHttps,
      Duration requestHeaderTimeout,
      int maxHeaderSize,
      long maxRequestBody,
      int maxConnections,
      TlsConfig tls,
      long hstsSeconds) {
    this(
        name,
        bind,
        redirectHttps,
        requestHeaderTimeout,
        maxHeaderSize,
        maxRequestBody,
        maxConnections,
        tls,
        hstsSeconds,
        DEFAULT_REQUEST_BODY_TIMEOUT);
  }
}
