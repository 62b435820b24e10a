package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A named group of origin servers and how to balance, check and retry over them.
 *
 * @param healthCheck no active checks when null
 * @param sticky no sticky sessions when null
 * @param retries how many further servers are tried after the first attempt failed
 * @param tlsVerify whether the certificates of {@code https://} servers are verified (chain and
 *     host name)
 * @param tlsCa PEM content of extra CA certificates trusted besides the JDK's (the content, not the
 *     file, so that the config can travel to other nodes)
 * @param buffering how request and response bodies are buffered (a route may override it)
 */
public record UpstreamConfig(
    String name,
    BalanceConfig balance,
    List<ServerConfig> servers,
    @Nullable HealthCheckConfig healthCheck,
    PassiveConfig passive,
    @Nullable StickyConfig sticky,
    int retries,
    Set<RetryOn> retryOn,
    TimeoutsConfig timeouts,
    KeepaliveConfig keepalive,
    Duration slowStart,
    LocalityConfig locality,
    boolean tlsVerify,
    @Nullable String tlsCa,
    BufferingConfig buffering) {
  /** The default {@link #retries}. */
  public static final int DEFAULT_RETRIES = 2;

  /** The default {@link #retryOn}: failures before a response, never a status. */
  public static final Set<RetryOn> DEFAULT_RETRY_ON =
      Set.of(RetryOn.CONNECT_FAILURE, RetryOn.RESET, RetryOn.TIMEOUT);

  /** The default {@link #slowStart}: none. */
  public static final Duration DEFAULT_SLOW_START = Duration.ZERO;

  /** The default {@link #tlsVerify}. */
  public static final boolean DEFAULT_TLS_VERIFY = true;

  public UpstreamConfig {
    requireNonNull(name, "name");
    requireNonNull(balance, "balance");
    servers = List.copyOf(servers);
    requireNonNull(passive, "passive");
    retryOn = Set.copyOf(retryOn);
    requireNonNull(timeouts, "timeouts");
    requireNonNull(keepalive, "keepalive");
    requireNonNull(slowStart, "slowStart");
    requireNonNull(locality, "locality");
    requireNonNull(buffering, "buffering");
  }

  /** An upstream with the default buffering. */
  public UpstreamConfig(
      String name,
      BalanceConfig balance,
      List<ServerConfig> servers,
      @Nullable HealthCheckConfig healthCheck,
      PassiveConfig passive,
      @Nullable StickyConfig sticky,
      int retries,
      Set<RetryOn> retryOn,
      TimeoutsConfig timeouts,
      KeepaliveConfig keepalive,
      Duration slowStart,
      LocalityConfig locality,
      boolean tlsVerify,
      @Nullable String tlsCa) {
    this(
        name,
        balance,
        servers,
        healthCheck,
        passive,
        sticky,
        retries,
        retryOn,
        timeouts,
        keepalive,
        slowStart,
        locality,
        tlsVerify,
        tlsCa,
        BufferingConfig.DEFAULT);
  }

  /** An upstream that verifies TLS servers against the JDK's trust store. */
  public UpstreamConfig(
      String name,
      BalanceConfig balance,
      List<ServerConfig> servers,
      @Nullable HealthCheckConfig healthCheck,
      PassiveConfig passive,
      @Nullable StickyConfig sticky,
      int retries,
      Set<RetryOn> retryOn,
      TimeoutsConfig timeouts,
      KeepaliveConfig keepalive,
      Duration slowStart,
      LocalityConfig locality) {
    this(
        name,
        balance,
        servers,
        healthCheck,
        passive,
        sticky,
        retries,
        retryOn,
        timeouts,
        keepalive,
        slowStart,
        locality,
        DEFAULT_TLS_VERIFY,
        null);
  }

  /** Nginx-style passive checks: {@code maxFails} failures within {@code failTimeout}. */
  public record PassiveConfig(int maxFails, Duration failTimeout) {
    /** The defaults: one failure within 10 s (nginx's {@code max_fails=1 fail_timeout=10s}). */
    public static final PassiveConfig DEFAULT = new PassiveConfig(1, Duration.ofSeconds(10));
  }

  /**
   * Upstream timeouts: TCP connect, time to response headers, inactivity while streaming. A route
   * may set some of its own ({@link RouteConfig.Timeouts}).
   */
  public record TimeoutsConfig(Duration connect, Duration response, Duration idle) {
    /** The defaults. */
    public static final TimeoutsConfig DEFAULT =
        new TimeoutsConfig(Duration.ofSeconds(5), Duration.ofSeconds(60), Duration.ofSeconds(60));

    public TimeoutsConfig {
      requireNonNull(connect, "connect");
      requireNonNull(response, "response");
      requireNonNull(idle, "idle");
    }
  }

  /** The per-origin keep-alive connection pool (per node). */
  public record KeepaliveConfig(int maxConnections, Duration idleTimeout) {
    /** The defaults. */
    public static final KeepaliveConfig DEFAULT = new KeepaliveConfig(64, Duration.ofSeconds(60));
  }

  /** Datacenter-aware routing (Envoy zone-aware routing with a panic threshold). */
  public record LocalityConfig(boolean preferDatacenter, int minHealthyPercent) {
    /** The defaults: no preference (and a 50% panic threshold when it is turned on). */
    public static final LocalityConfig DEFAULT = new LocalityConfig(false, 50);
  }

  /**
   * Cookie-insert sticky sessions.
   *
   * @param maxAge a session cookie when null
   */
  public record StickyConfig(
      String cookie,
      String path,
      boolean httpOnly,
      boolean secure,
      String sameSite,
      @Nullable Duration maxAge) {
    /** The default {@link #path}. */
    public static final String DEFAULT_PATH = "/";

    /** The default {@link #httpOnly}. */
    public static final boolean DEFAULT_HTTP_ONLY = true;

    /** The default {@link #sameSite}. */
    public static final String DEFAULT_SAME_SITE = "Lax";
  }
}
