package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import org.jspecify.annotations.Nullable;

/**
 * One client-facing listener.
 *
 * @param redirectHttps when set, every request is answered with a 301 to https on that port
 * @param maxHeaderSize bytes, 1k..1m
 * @param maxRequestBody bytes; 0 means unlimited
 * @param maxConnections 0 means unlimited
 * @param tls plain HTTP when null
 * @param hstsSeconds 0 means no Strict-Transport-Security header
 * @param requestBodyTimeout the longest pause between two reads of a request body (nginx's
 *     client_body_timeout)
 * @param keepaliveTimeout how long an idle keep-alive connection is kept (nginx's
 *     keepalive_timeout); zero: no keep-alive, every response closes its connection
 * @param keepaliveRequests the requests served on one connection, the last one answered with {@code
 *     Connection: close} (nginx's keepalive_requests); 0 means unlimited
 * @param clientTimeout the longest the client may be silent while a request or response is in
 *     progress (HAProxy's timeout client; docs/configuration.md#listeners-node-local)
 */
public record ListenerConfig(
    String name,
    HostPort bind,
    @Nullable Integer redirectHttps,
    Duration requestHeaderTimeout,
    int maxHeaderSize,
    long maxRequestBody,
    int maxConnections,
    @Nullable TlsConfig tls,
    long hstsSeconds,
    Duration requestBodyTimeout,
    Duration keepaliveTimeout,
    int keepaliveRequests,
    Duration clientTimeout) {
  /** The default {@code request-body-timeout}. */
  public static final Duration DEFAULT_REQUEST_BODY_TIMEOUT = Duration.ofSeconds(60);

  /** The default {@code keepalive-timeout} (nginx's {@code keepalive_timeout}). */
  public static final Duration DEFAULT_KEEPALIVE_TIMEOUT = Duration.ofSeconds(75);

  /** The default {@code keepalive-requests} (nginx's {@code keepalive_requests}). */
  public static final int DEFAULT_KEEPALIVE_REQUESTS = 1000;

  /** The default {@code client-timeout} (nginx's {@code send_timeout}). */
  public static final Duration DEFAULT_CLIENT_TIMEOUT = Duration.ofSeconds(60);

  /**
   * The listener of a config without {@code listeners:}; its other values are the defaults of every
   * listener.
   */
  public static final ListenerConfig DEFAULT =
      new ListenerConfig(
          "web",
          new HostPort("0.0.0.0", 8080),
          null,
          Duration.ofSeconds(10),
          16 * 1024,
          100L << 20,
          10_000,
          null,
          0,
          DEFAULT_REQUEST_BODY_TIMEOUT,
          DEFAULT_KEEPALIVE_TIMEOUT,
          DEFAULT_KEEPALIVE_REQUESTS,
          DEFAULT_CLIENT_TIMEOUT);

  public ListenerConfig {
    requireNonNull(name, "name");
    requireNonNull(bind, "bind");
    requireNonNull(requestHeaderTimeout, "requestHeaderTimeout");
    requireNonNull(requestBodyTimeout, "requestBodyTimeout");
    requireNonNull(keepaliveTimeout, "keepaliveTimeout");
    requireNonNull(clientTimeout, "clientTimeout");
  }

  /**
   * A listener with the default {@code request-body-timeout}, {@code keepalive-timeout}, {@code
   * keepalive-requests} and {@code client-timeout}.
   */
  public ListenerConfig(
      String name,
      HostPort bind,
      @Nullable Integer redirectHttps,
      Duration requestHeaderTimeout,
      int maxHeaderSize,
      long maxRequestBody,
      int maxConnections,
      @Nullable TlsConfig tls,
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
        DEFAULT_REQUEST_BODY_TIMEOUT,
        DEFAULT_KEEPALIVE_TIMEOUT,
        DEFAULT_KEEPALIVE_REQUESTS,
        DEFAULT_CLIENT_TIMEOUT);
  }

  /** This listener on another address (a port chosen at start for {@code :0}, say). */
  public ListenerConfig withBind(HostPort bind) {
    return new ListenerConfig(
        name,
        bind,
        redirectHttps,
        requestHeaderTimeout,
        maxHeaderSize,
        maxRequestBody,
        maxConnections,
        tls,
        hstsSeconds,
        requestBodyTimeout,
        keepaliveTimeout,
        keepaliveRequests,
        clientTimeout);
  }

  /** Whether a connection may serve more than one request ({@code keepalive-timeout} above 0). */
  public boolean keepAlive() {
    return !keepaliveTimeout.isZero();
  }
}
