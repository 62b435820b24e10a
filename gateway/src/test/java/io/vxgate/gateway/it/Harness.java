package io.vxgate.gateway.it;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.GatewayNode;
import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.util.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * Real origins and a real gateway node (2 event loops, port 0) started from YAML text, with a
 * blocking HTTP client and raw sockets for the tests; closing it stops them all.
 *
 * <p>It is a JUnit 5 extension that closes itself:
 *
 * <pre>{@code
 * @RegisterExtension final Harness h = new Harness();        // one per test, closed after it
 * @RegisterExtension static final Harness h = new Harness(); // one per class, closed after all
 *
 * @Test
 * void proxies() throws Exception {
 *   TestOrigin a = h.origin("a");  // a Vert.x origin, then h.gateway(yaml) for the node; or
 *   RawOrigin o = h.gatewayTo(RawOrigin.echo());  // a scripted origin and a node in front of it
 *   RawHttp.Client c = h.connect();
 * }
 * }</pre>
 *
 * A test that creates one with {@code new Harness()} without registering it calls {@link #close()}
 * itself (in an {@code @AfterEach}).
 */
final class Harness
    implements AutoCloseable, BeforeAllCallback, AfterEachCallback, AfterAllCallback {
  final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
  final List<TestOrigin> origins = new ArrayList<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  GatewayNode node;
  int port;

  /** What the node's request path reports to (set before {@link #gateway}). */
  ProxyMetrics metrics = ProxyMetrics.NOOP;

  private final List<RawOrigin> rawOrigins = new ArrayList<>();
  private final List<Client> clients = new ArrayList<>();
  private Future<Void> draining;
  private Duration drainGrace = Duration.ZERO;
  private boolean perClass;
  private boolean closed;

  TestOrigin origin(String name) {
    TestOrigin o = new TestOrigin(vertx, name).start();
    origins.add(o);
    return o;
  }

  /** Starts the gateway from YAML; {@code %LISTENER%} gets a listener block on port 0. */
  Harness gateway(String yaml) {
    GatewayConfig config = parse(yaml);
    node = GatewayNode.start(vertx, config, Ticker.system(), 2, null, metrics).await();
    port = node.port("web");
    return this;
  }

  static GatewayConfig parse(String yaml) {
    String text =
        yaml.replace(
            "%LISTENER%",
            "listeners:\n  - {name: web, bind: 127.0.0.1:0, request-header-timeout: 1s, max-request-body: 2g}\n");
    return ConfigLoader.parse(text, "test.yaml", Path.of("."), ConfigOverrides.none());
  }

  /** Starts a {@link RawOrigin} answering with {@code handler}; closed with the harness. */
  RawOrigin rawOrigin(RawOrigin.Handler handler) {
    try {
      RawOrigin o = RawOrigin.start(handler);
      rawOrigins.add(o);
      return o;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * Starts a {@link RawOrigin} answering with {@code handler} and the gateway with one route to the
   * upstream {@code app}, whose only server it is (no retries, 2 s connect, 5 s response and idle
   * timeouts, a pool of 64 connections).
   */
  RawOrigin gatewayTo(RawOrigin.Handler handler) {
    return gatewayTo(handler, "routes: [{name: default, upstream: app}]");
  }

  /** {@link #gatewayTo(RawOrigin.Handler)} with other routes (YAML, to upstream {@code app}). */
  RawOrigin gatewayTo(RawOrigin.Handler handler, String routes) {
    return gatewayTo(handler, routes, "keepalive: {max-connections: 64, idle-timeout: 60s}");
  }

  /** {@link #gatewayTo(RawOrigin.Handler, String)} with another {@code keepalive:} line. */
  RawOrigin gatewayTo(RawOrigin.Handler handler, String routes, String keepalive) {
    RawOrigin origin = rawOrigin(handler);
    gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: o, address: $O}]
            retries: 0
            timeouts: {connect: 2s, response: 5s, idle: 5s}
            KEEPALIVE
        ROUTES
        """
            .replace("$O", origin.address())
            .replace("KEEPALIVE", keepalive)
            .replace("ROUTES", routes));
    return origin;
  }

  /** A new raw connection to the gateway's {@code web} listener; closed with the harness. */
  Client connect() throws IOException {
    Client c = new Client(port);
    clients.add(c);
    return c;
  }

  /**
   * Stops the node gracefully (a drain of at most {@code grace}) and forgets it; closing the
   * harness waits for the drain to end.
   */
  Future<Void> drain(Duration grace) {
    Future<Void> stopping = node.stop(grace);
    node = null;
    draining = stopping;
    drainGrace = grace;
    return stopping;
  }

  HttpResponse<String> get(String path, String... headers) {
    return send("GET", path, null, headers);
  }

  HttpResponse<String> send(String method, String path, String body, String... headers) {
    HttpRequest.Builder b =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body));
    for (int i = 0; i < headers.length; i += 2) {
      b.header(headers[i], headers[i + 1]);
    }
    try {
      return http.send(b.build(), HttpResponse.BodyHandlers.ofString());
    } catch (IOException e) {
      throw new RuntimeException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new RuntimeException(e);
    }
  }

  /** Sends raw bytes on a new connection and returns everything read until close or timeout. */
  String raw(String request, Duration readTimeout) throws IOException {
    return RawHttp.exchange(port, request, readTimeout).text();
  }

  /** Everything read from {@code in} until it ends, times out or is reset. */
  static String readAll(InputStream in) {
    return RawHttp.readUntilClose(in).text();
  }

  /** Registered in a static field: one harness for the test class, closed after all its tests. */
  @Override
  public void beforeAll(ExtensionContext context) {
    perClass = true;
  }

  @Override
  public void afterEach(ExtensionContext context) {
    if (!perClass) {
      close();
    }
  }

  @Override
  public void afterAll(ExtensionContext context) {
    close();
  }

  /** Closes the raw clients and origins, waits for a drain, stops the node, origins and Vert.x. */
  @Override
  public void close() {
    if (closed) {
      return;
    }
    closed = true;
    clients.forEach(Client::close);
    rawOrigins.forEach(RawOrigin::close);
    if (draining != null) {
      try {
        draining.await(drainGrace.toMillis() + 5_000, TimeUnit.MILLISECONDS);
      } catch (Exception notDrained) {
        // a test that drains asserts on the drain itself
      }
    }
    if (node != null) {
      node.stop(Duration.ZERO).await();
    }
    origins.forEach(TestOrigin::stop);
    vertx.close().await();
  }
}
