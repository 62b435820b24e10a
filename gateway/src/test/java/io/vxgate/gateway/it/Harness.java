package io.vxgate.gateway.it;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.GatewayNode;
import io.vxgate.util.Ticker;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Starts real origins and a real gateway node (2 event loops, port 0) from YAML text, and offers a
 * blocking HTTP client and raw sockets for the tests.
 */
final class Harness implements AutoCloseable {
  final Vertx vertx = Vertx.vertx(new VertxOptions().setEventLoopPoolSize(4));
  final List<TestOrigin> origins = new ArrayList<>();
  final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();
  GatewayNode node;
  int port;

  TestOrigin origin(String name) {
    TestOrigin o = new TestOrigin(vertx, name).start();
    origins.add(o);
    return o;
  }

  /** Starts the gateway from YAML; {@code %LISTENER%} gets a listener block on port 0. */
  Harness gateway(String yaml) {
    GatewayConfig config = parse(yaml);
    node = GatewayNode.start(vertx, config, Ticker.system(), 2).await();
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
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) readTimeout.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      return readAll(s.getInputStream());
    }
  }

  static String readAll(InputStream in) {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) > 0) {
        sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
    } catch (IOException timeoutOrReset) {
      // what was read so far is the answer
    }
    return sb.toString();
  }

  @Override
  public void close() {
    if (node != null) {
      node.stop(Duration.ZERO).await();
    }
    origins.forEach(TestOrigin::stop);
    vertx.close().await();
  }
}
