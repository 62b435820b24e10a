package io.vxgate.gateway.health;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.MultiMap;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClient;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.NetClient;
import io.vertx.core.net.NetClientOptions;
import io.vertx.core.net.SocketAddress;
import io.vxgate.config.HealthCheckConfig;
import io.vxgate.config.HostPort;
import java.net.ConnectException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeoutException;
import java.util.random.RandomGenerator;
import java.util.regex.Pattern;
import javax.net.ssl.SSLException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Runs the active health checks of <b>one</b> server and feeds the results into an {@link
 * ActiveHealth}; the {@link HealthListener} hears about UP/DOWN transitions.
 *
 * <ul>
 *   <li><b>HTTP</b>: {@code METHOD path} ({@code GET} unless {@code method} says otherwise) with
 *       {@code Host: host:port} (or {@code host}, which is then also the TLS server name), {@code
 *       User-Agent: vxgate-health} and {@code headers} on a fresh connection ({@code Connection:
 *       close}); the check passes when {@code expect} accepts the status and, when it has a {@code
 *       body}, the body (its first {@value #MAX_BODY} bytes, as UTF-8) contains that text or, for
 *       {@code ~REGEX}, has a match of the expression. Otherwise the body is read and discarded.
 *   <li><b>TCP</b>: the check passes when a connection is established (and, with TLS, the handshake
 *       completes); it is closed at once.
 * </ul>
 *
 * <p>Schedule (as HAProxy): the first check runs after a random delay within one {@code interval}
 * (so checks of many servers and many nodes spread out, like {@code spread-checks}), each next
 * check {@code interval} after the previous one finished, so at most one check is in flight. Each
 * check must finish within {@code timeout} or it fails with {@code "timeout after …"}.
 *
 * <p>TLS: with {@code tls} set, checks use TLS with {@code trustAll} and no host verification. A
 * check asks "is the server alive", not "is it who it claims to be": origins are commonly addressed
 * by IP with internal or self-signed certificates, and the proxied traffic, not the probe, is where
 * certificate verification belongs.
 *
 * <p>All checking runs on one Vert.x context taken at {@link #start()}; the listener is called
 * there and must not block. Transitions are logged at INFO, nothing else is.
 */
public final class HealthChecker {

  private static final Logger LOG = LoggerFactory.getLogger(HealthChecker.class);
  static final String USER_AGENT = "vxgate-health";

  /** The bytes of a check's answer that {@code expect.body} looks at. */
  static final int MAX_BODY = 64 * 1024;

  private final Vertx vertx;
  private final HostPort target;
  private final boolean tls;
  private final HealthCheckConfig config;
  private final ActiveHealth health;
  private final RandomGenerator random;
  private final HealthListener listener;
  private final long intervalMs;
  private final long timeoutMs;
  private final String timeoutReason;

  /** What {@code expect.body} asks for: a regular expression, or (when null) {@link #bodyText}. */
  private final @Nullable Pattern bodyPattern;

  /** The text the body must contain; null when there is no body check or it is a pattern. */
  private final @Nullable String bodyText;

  private final @Nullable RequestOptions request;

  private volatile boolean running;
  private volatile long timerId = -1;
  private @Nullable Context context;

  /** Set by {@link #start()}: the client of HTTP checks, else of TCP checks. */
  private @Nullable HttpClient httpClient;

  private @Nullable NetClient netClient;

  /**
   * @param target the server to check
   * @param tls whether the server speaks TLS ({@code https://} servers)
   * @param health receives every check result
   * @param random draws the delay of the first check; pass a seeded generator in tests
   */
  public HealthChecker(
      Vertx vertx,
      HostPort target,
      boolean tls,
      HealthCheckConfig config,
      ActiveHealth health,
      RandomGenerator random,
      HealthListener listener) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.target = requireNonNull(target, "target");
    this.tls = tls;
    this.config = requireNonNull(config, "config");
    this.health = requireNonNull(health, "health");
    this.random = requireNonNull(random, "random");
    this.listener = requireNonNull(listener, "listener");
    this.intervalMs = config.interval().toMillis();
    this.timeoutMs = config.timeout().toMillis();
    if (intervalMs < 1) {
      throw new IllegalArgumentException("interval: " + config.interval() + " (expected: >= 1ms)");
    }
    if (timeoutMs < 1) {
      throw new IllegalArgumentException("timeout: " + config.timeout() + " (expected: >= 1ms)");
    }
    if (config.type() == HealthCheckConfig.Type.HTTP && config.path() == null) {
      throw new IllegalArgumentException("path: null (expected: a path for HTTP checks)");
    }
    this.timeoutReason = "timeout after " + format(config.timeout());
    String body = config.expect().body();
    this.bodyPattern =
        body != null && body.startsWith("~") ? Pattern.compile(body.substring(1)) : null;
    this.bodyText = body != null && bodyPattern == null ? body : null;
    this.request = config.type() == HealthCheckConfig.Type.HTTP ? request() : null;
  }

  /** The request of every HTTP check (the same each time). */
  private RequestOptions request() {
    MultiMap headers = HttpHeaders.headers();
    headers.set(HttpHeaders.HOST, config.host() != null ? config.host() : target.toString());
    headers.set(HttpHeaders.USER_AGENT, USER_AGENT);
    config.headers().forEach(headers::set);
    RequestOptions options =
        new RequestOptions()
            .setMethod(HttpMethod.valueOf(config.method()))
            .setSsl(tls)
            .setURI(config.path())
            .setConnectTimeout(timeoutMs)
            .setIdleTimeout(timeoutMs)
            .setHeaders(headers);
    if (config.host() == null) {
      return options.setHost(target.host()).setPort(target.port());
    }
    // Connect to the server, name the host (Host, and the TLS server name).
    return options
        .setServer(SocketAddress.inetSocketAddress(target.port(), target.host()))
        .setHost(hostName(config.host()))
        .setPort(target.port());
  }

  /** The name in a {@code host[:port]} value. */
  static String hostName(String hostAndPort) {
    int colon = hostAndPort.lastIndexOf(':');
    int bracket = hostAndPort.lastIndexOf(']');
    String name = colon > bracket ? hostAndPort.substring(0, colon) : hostAndPort;
    return name.startsWith("[") && name.endsWith("]") ? name.substring(1, name.length() - 1) : name;
  }

  /** Starts checking; the first check runs within one interval. Can be called once. */
  public synchronized void start() {
    if (context != null) {
      throw new IllegalStateException("already started: " + target);
    }
    Context context = vertx.getOrCreateContext();
    this.context = context;
    int connectTimeout = (int) Math.min(Integer.MAX_VALUE, timeoutMs);
    if (config.type() == HealthCheckConfig.Type.HTTP) {
      httpClient =
          vertx.createHttpClient(
              new HttpClientOptions()
                  .setKeepAlive(false)
                  .setConnectTimeout(connectTimeout)
                  .setSsl(tls)
                  .setTrustAll(true)
                  .setVerifyHost(false),
              new PoolOptions().setHttp1MaxSize(2).setMaxWaitQueueSize(4));
    } else {
      netClient =
          vertx.createNetClient(
              new NetClientOptions()
                  .setConnectTimeout(connectTimeout)
                  .setSsl(tls)
                  .setTrustAll(true)
                  .setHostnameVerificationAlgorithm(""));
    }
    running = true;
    long firstDelay = 1 + random.nextLong(intervalMs);
    context.runOnContext(v -> schedule(firstDelay));
  }

  /** Stops checking: cancels the timer, drops any check in flight and closes the client. */
  public synchronized Future<Void> stop() {
    running = false;
    vertx.cancelTimer(timerId);
    Future<Void> closed = Future.succeededFuture();
    if (httpClient != null) {
      closed = httpClient.close();
    } else if (netClient != null) {
      closed = netClient.close();
    }
    return closed;
  }

  /** The state machine this checker feeds. */
  public ActiveHealth health() {
    return health;
  }

  /** The checked server. */
  public HostPort target() {
    return target;
  }

  private void schedule(long delayMs) {
    if (running) {
      timerId = vertx.setTimer(delayMs, id -> runCheck());
    }
  }

  private void runCheck() {
    if (!running) {
      return;
    }
    check()
        .onComplete(
            (reason, failure) -> {
              if (!running) {
                return;
              }
              boolean ok = failure == null;
              ActiveHealth.Transition t = health.record(ok);
              if (t != ActiveHealth.Transition.NONE) {
                String why = ok ? reason : String.valueOf(failure.getMessage());
                LOG.info("health {} {}: {}", target, t, why);
                listener.onTransition(ok, why);
              }
              schedule(intervalMs);
            });
  }

  /** One check: succeeds with a description of the good result, fails with the reason. */
  Future<String> check() {
    Promise<String> result = Promise.promise();
    long timer = vertx.setTimer(timeoutMs, id -> result.tryFail(timeoutReason));
    HttpClient http = httpClient;
    NetClient net = netClient;
    Future<String> attempt =
        http != null
            ? httpCheck(http, result)
            : net != null
                ? tcpCheck(net)
                : Future.failedFuture(new IllegalStateException("not started: " + target));
    attempt.onComplete(
        (ok, err) -> {
          vertx.cancelTimer(timer);
          if (err == null) {
            result.tryComplete(ok);
          } else {
            result.tryFail(reason(err));
          }
        });
    return result.future();
  }

  private Future<String> httpCheck(HttpClient httpClient, Promise<String> result) {
    return httpClient
        .request(new RequestOptions(request))
        .compose(
            req -> {
              // a timed-out check must not leave a request holding a pooled connection
              result.future().onFailure(e -> req.reset());
              return req.send();
            })
        .compose(
            resp -> {
              int status = resp.statusCode();
              if (!config.accepts(status) || (bodyPattern == null && bodyText == null)) {
                return resp.end()
                    .compose(
                        v ->
                            config.accepts(status)
                                ? Future.succeededFuture("HTTP " + status)
                                : Future.failedFuture(new CheckFailure("HTTP " + status)));
              }
              return body(resp)
                  .compose(
                      body -> {
                        String text = body.toString(StandardCharsets.UTF_8);
                        if (bodyPattern != null
                            ? bodyPattern.matcher(text).find()
                            : text.contains(bodyText)) {
                          return Future.succeededFuture("HTTP " + status);
                        }
                        return Future.failedFuture(
                            new CheckFailure(
                                "HTTP "
                                    + status
                                    + ", body "
                                    + (bodyPattern != null
                                        ? "does not match " + config.expect().body()
                                        : "does not contain " + bodyText)));
                      });
            });
  }

  /** The first {@link #MAX_BODY} bytes of a response's body, once it ended. */
  private static Future<Buffer> body(HttpClientResponse resp) {
    Promise<Buffer> done = Promise.promise();
    Buffer body = Buffer.buffer();
    resp.handler(
        b -> {
          int room = MAX_BODY - body.length();
          if (room > 0) {
            body.appendBuffer(b, 0, Math.min(room, b.length()));
          }
        });
    resp.exceptionHandler(done::tryFail);
    resp.endHandler(v -> done.tryComplete(body));
    return done.future();
  }

  private Future<String> tcpCheck(NetClient netClient) {
    return netClient
        .connect(target.port(), target.host())
        .compose(
            socket -> {
              socket.close();
              return Future.succeededFuture("TCP connect ok");
            });
  }

  private String reason(Throwable err) {
    for (Throwable t = err; t != null; t = t.getCause()) {
      if (t instanceof CheckFailure) {
        return String.valueOf(t.getMessage());
      }
      if (t instanceof ConnectTimeoutException || t instanceof TimeoutException) {
        return timeoutReason;
      }
      if (t instanceof ConnectException) {
        String msg = String.valueOf(t.getMessage());
        return msg.contains("refused") ? "connect refused" : "connect failed: " + msg;
      }
      if (t instanceof UnknownHostException) {
        return "unknown host " + target.host();
      }
      if (t instanceof SSLException) {
        return "TLS: " + t.getMessage();
      }
    }
    return err.getMessage() != null ? err.getMessage() : err.getClass().getSimpleName();
  }

  private static String format(Duration d) {
    long ms = d.toMillis();
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /** A check that got an answer, and the answer was wrong. */
  private static final class CheckFailure extends Exception {
    CheckFailure(String message) {
      super(message, null, false, false);
    }
  }

  @Override
  public String toString() {
    return "HealthChecker{" + config.type() + " " + (tls ? "tls " : "") + target + '}';
  }
}
