package io.vxgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.web.Router;
import io.vxgate.cluster.LocalCluster;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.Membership;
import io.vxgate.testing.FreePorts;
import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * {@link NodesProxy} on a real router and real sockets, with members of an in-memory cluster: one
 * whose admin port accepts connections and never answers, one where nothing listens, one with a
 * real admin listener.
 */
class NodesProxyTest {
  static final Duration ANSWER = Duration.ofMillis(700);
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  Vertx vertx;
  ServerSocket silent;
  int port;

  @BeforeEach
  void start() throws IOException {
    vertx = Vertx.vertx();
    // accepts (the kernel completes the handshake) and never reads or answers, like a frozen JVM
    silent = new ServerSocket(0, 50, InetAddress.getLoopbackAddress());
    HttpServer member =
        vertx
            .createHttpServer()
            .requestHandler(
                r ->
                    r.body()
                        .onSuccess(
                            b ->
                                r.response()
                                    .putHeader("Content-Type", "application/json")
                                    .end(
                                        new JsonObject()
                                            .put("method", r.method().name())
                                            .put("uri", r.uri())
                                            .put("hop", r.getHeader(NodesProxy.HOP))
                                            .put("auth", r.getHeader("Authorization"))
                                            .put("body", b.toString())
                                            .encode())))
            .listen(0, "127.0.0.1")
            .await();
    LocalCluster cluster = new LocalCluster();
    Membership me =
        cluster
            .join(vertx, new Member("gw-1", "dc1", "0.0.0.0:" + member.actualPort(), List.of()))
            .membership();
    cluster.join(vertx, new Member("gw-2", "dc1", "127.0.0.1:" + member.actualPort(), List.of()));
    cluster.join(
        vertx, new Member("frozen", "dc1", "127.0.0.1:" + silent.getLocalPort(), List.of()));
    cluster.join(vertx, new Member("gone", "dc1", "127.0.0.1:" + FreePorts.pick(), List.of()));
    cluster.join(vertx, new Member("far", "dc1", "0.0.0.0:9090", List.of()));
    Router router = Router.router(vertx);
    NodesProxy proxy = new NodesProxy(vertx, me, ANSWER);
    router.route(NodesProxy.PREFIX).handler(proxy);
    router.route(NodesProxy.PREFIX + "/*").handler(proxy);
    port =
        vertx.createHttpServer().requestHandler(router).listen(0, "127.0.0.1").await().actualPort();
  }

  @AfterEach
  void stop() throws IOException {
    silent.close();
    vertx.close().await();
  }

  HttpResponse<String> send(String method, String path, String body) throws Exception {
    return http.send(
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .header("Authorization", "Bearer t0k")
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body))
            .build(),
        HttpResponse.BodyHandlers.ofString());
  }

  static String error(HttpResponse<String> r) {
    return new JsonObject(r.body()).getJsonArray("errors").getString(0);
  }

  @Test
  void forwardsTheRestOfThePathTheQueryTheMethodTheBodyAndTheToken() throws Exception {
    HttpResponse<String> r = send("PUT", "/api/nodes/gw-2/api/routes?version=3", "[1,2]");
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue(NodesProxy.ANSWERED_BY)).hasValue("gw-2");
    JsonObject seen = new JsonObject(r.body());
    assertThat(seen.getString("method")).isEqualTo("PUT");
    assertThat(seen.getString("uri")).isEqualTo("/api/routes?version=3");
    assertThat(seen.getString("hop")).isEqualTo("gw-1");
    assertThat(seen.getString("auth")).isEqualTo("Bearer t0k");
    assertThat(seen.getString("body")).isEqualTo("[1,2]");
    // nothing after the id: the member's root; encoded segments stay encoded
    assertThat(new JsonObject(send("GET", "/api/nodes/gw-2", null).body()).getString("uri"))
        .isEqualTo("/");
    assertThat(new JsonObject(send("GET", "/api/nodes/gw-2?a=b", null).body()).getString("uri"))
        .isEqualTo("/?a=b");
    assertThat(
            new JsonObject(send("GET", "/api/nodes/gw-2/api/upstreams/a%20b", null).body())
                .getString("uri"))
        .isEqualTo("/api/upstreams/a%20b");
    // this node's own id, bound to the wildcard address: over the loopback
    r = send("GET", "/api/nodes/gw-1/metrics", null);
    assertThat(r.statusCode()).isEqualTo(200);
    assertThat(r.headers().firstValue(NodesProxy.ANSWERED_BY)).hasValue("gw-1");
  }

  @Test
  void aMemberThatNeverAnswersIs504() throws Exception {
    long t0 = System.nanoTime();
    HttpResponse<String> r = send("GET", "/api/nodes/frozen/api/health", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(504);
    assertThat(Duration.ofNanos(System.nanoTime() - t0)).isGreaterThanOrEqualTo(ANSWER);
    assertThat(r.headers().firstValue(NodesProxy.ANSWERED_BY)).isEmpty();
    assertThat(error(r))
        .isEqualTo("frozen (127.0.0.1:" + silent.getLocalPort() + ") did not answer within 700ms");
  }

  @Test
  void aMemberWhereNothingListensIs502AndOneWithoutAReachableAddressToo() throws Exception {
    HttpResponse<String> r = send("GET", "/api/nodes/gone/api/health", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    assertThat(error(r)).startsWith("gone (127.0.0.1:").contains(") unreachable: ");
    r = send("GET", "/api/nodes/far/api/health", null);
    assertThat(r.statusCode()).as(r.body()).isEqualTo(502);
    assertThat(error(r)).startsWith("far: no reachable admin address (it publishes '0.0.0.0:9090'");
  }

  @Test
  void unknownNestedAndForwardedRequestsAreRefusedHere() throws Exception {
    HttpResponse<String> r = send("GET", "/api/nodes/nope/x", null);
    assertThat(r.statusCode()).isEqualTo(404);
    assertThat(error(r))
        .isEqualTo(
            "json: node: nope (expected: one of the members: far, frozen, gone, gw-1, gw-2)");
    for (String path : List.of("/api/nodes", "/api/nodes/", "/api/nodes?gw-2", "/api/nodes/?x")) {
      r = send("GET", path, null);
      assertThat(r.statusCode()).as(path).isEqualTo(404);
      assertThat(error(r))
          .as(path)
          .startsWith("json: node: (missing) (expected: one of the members:");
    }
    r = send("GET", "/api/nodes/gw-2/api/nodes/gw-1/x", null);
    assertThat(r.statusCode()).isEqualTo(400);
    r = send("GET", "/api/nodes/gw-2/api/nodes", null);
    assertThat(r.statusCode()).isEqualTo(400);
    // a path that merely starts with the same letters is not nested
    r = send("GET", "/api/nodes/gw-2/api/nodesx", null);
    assertThat(r.statusCode()).isEqualTo(200);
  }
}
