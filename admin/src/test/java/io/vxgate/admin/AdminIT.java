package io.vxgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.http.HttpServer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.admin.cli.Ctl;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.ClusterBootstrap;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.ServerId;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.HostPort;
import io.vxgate.gateway.node.ClusteredNode;
import io.vxgate.util.Ticker;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.PrintStream;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpHeaders;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Two gateway nodes (with the admin extension found on the class path) and a plain clustered Vert.x
 * tool member in one Hazelcast cluster in this JVM, two origins, real sockets.
 */
class AdminIT {
  static final String TOKEN = "s3cret-token";
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  static Vertx origins;
  static int originA;
  static int originB;
  static ClusteredNode a;
  static ClusteredNode b;
  static ClusterNode tool;
  static int adminA;
  static int adminB;
  static Path logs;

  @BeforeAll
  static void start() {
    try {
      logs = java.nio.file.Files.createTempDirectory("admin-it-logs");
    } catch (IOException e) {
      throw new java.io.UncheckedIOException(e);
    }
    origins = Vertx.vertx();
    originA = origin("origin-a");
    originB = origin("origin-b");
    String name = "admin-it-" + UUID.randomUUID();
    int hzA = freePort();
    int hzB = freePort();
    int hzT = freePort();
    adminA = freePort();
    adminB = freePort();
    a = node("gw-a", name, hzA, List.of(hzA, hzB), adminA);
    b = node("gw-b", name, hzB, List.of(hzA, hzB), adminB);
    List<HostPort> members =
        List.of(new HostPort("127.0.0.1", hzA), new HostPort("127.0.0.1", hzB));
    tool =
        ClusterBootstrap.startClustered(
                new ClusterConfig(name, new HostPort("127.0.0.1", hzT), members, null),
                Member.of("tool", "default"),
                new VertxOptions(),
                ClusterBootstrap.Options.tool())
            .await();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                a.cluster().membership().members().size() == 2
                    && b.cluster().membership().members().size() == 2);
  }

  @AfterAll
  static void stop() {
    for (Runnable r :
        List.<Runnable>of(
            () -> tool.close().await(),
            () -> b.stop(Duration.ZERO).await(),
            () -> a.stop(Duration.ZERO).await(),
            () -> origins.close().await())) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }

  @BeforeEach
  void resetRoutes() {
    JsonObject r = api(adminA, "PUT", "/api/routes", routes("a"), TOKEN).body;
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    api(adminA, "POST", "/api/upstreams/a/servers/a1/enable", null, TOKEN);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(b, "/").equals("origin-a"));
  }

  static ClusteredNode node(String id, String cluster, int hz, List<Integer> members, int admin) {
    String yaml =
        """
        node: {id: %s}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [%s]}
        listeners: [{name: web, bind: 127.0.0.1:0}]
        admin: {bind: 127.0.0.1:%d, token: %s}
        access-log: {format: json, file: %s}
        upstreams:
          a: {servers: [{name: a1, address: 127.0.0.1:%d}]}
          b: {servers: [{name: b1, address: 127.0.0.1:%d}]}
        routes:
          - {name: default, upstream: a}
        """
            .formatted(
                id,
                cluster,
                hz,
                String.join(", ", members.stream().map(p -> "127.0.0.1:" + p).toList()),
                admin,
                TOKEN,
                logs.resolve(id + ".log"),
                originA,
                originB);
    GatewayConfig config =
        ConfigLoader.parse(yaml, id + ".yaml", Path.of("."), ConfigOverrides.none());
    ClusteredNode n =
        ClusteredNode.join(config, new VertxOptions().setEventLoopPoolSize(2)).await();
    return n.start(true, false, Ticker.system(), 1).await();
  }

  static int origin(String name) {
    HttpServer s =
        origins
            .createHttpServer()
            .requestHandler(r -> r.response().end(name))
            .listen(0, "127.0.0.1")
            .await();
    return s.actualPort();
  }

  static int freePort() {
    return io.vxgate.testing.FreePorts.pick();
  }

  static JsonObject routes(String upstream) {
    return new JsonObject()
        .put(
            "routes",
            new JsonArray().add(new JsonObject().put("name", "default").put("upstream", upstream)));
  }

  record Reply(int status, JsonObject body, String text, HttpHeaders headers) {}

  static Reply api(int port, String method, String path, JsonObject body, String token) {
    HttpRequest.Builder rb =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(20))
            .method(
                method,
                body == null
                    ? HttpRequest.BodyPublishers.noBody()
                    : HttpRequest.BodyPublishers.ofString(body.encode()));
    if (token != null) {
      rb.header("Authorization", "Bearer " + token);
    }
    try {
      HttpResponse<String> r = http.send(rb.build(), HttpResponse.BodyHandlers.ofString());
      JsonObject j = r.body().startsWith("{") ? new JsonObject(r.body()) : null;
      return new Reply(r.statusCode(), j, r.body(), r.headers());
    } catch (IOException | InterruptedException e) {
      throw new RuntimeException(e);
    }
  }

  static String get(ClusteredNode n, String path) {
    try {
      HttpResponse<String> r =
          http.send(
              HttpRequest.newBuilder(
                      URI.create("http://127.0.0.1:" + n.gateway().port("web") + path))
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.ofString());
      return r.statusCode() == 200 ? r.body() : "status " + r.statusCode();
    } catch (IOException | InterruptedException e) {
      throw new RuntimeException(e);
    }
  }

  static JsonObject request(String address, JsonObject body) {
    return tool.vertx().eventBus().<JsonObject>request(address, body).await().body();
  }

  // ---- event bus

  @Test
  void eventBusCommandsNeedAValidSignature() {
    JsonObject unsigned = request(AdminCommands.CONFIG_GET, new JsonObject());
    assertThat(unsigned.getBoolean("ok")).isFalse();
    assertThat(unsigned.getInteger("code")).isEqualTo(401);
    assertThat(unsigned.getJsonArray("errors").getString(0)).startsWith("json: auth: (missing)");

    JsonObject wrongKey =
        Signatures.sign("not-the-token", AdminCommands.ROUTES_PUT, routes("b"), Clock.systemUTC());
    JsonObject r = request(AdminCommands.ROUTES_PUT, wrongKey);
    assertThat(r.getInteger("code")).isEqualTo(401);
    assertThat(r.getJsonArray("errors").getString(0)).contains("auth.hmac");

    Clock old = Clock.fixed(Instant.now().minusSeconds(120), ZoneOffset.UTC);
    r =
        request(
            AdminCommands.ROUTES_PUT,
            Signatures.sign(TOKEN, AdminCommands.ROUTES_PUT, routes("b"), old));
    assertThat(r.getInteger("code")).isEqualTo(401);
    assertThat(r.getJsonArray("errors").getString(0)).contains("auth.time");

    // signed for another address: refused
    r =
        request(
            AdminCommands.ROUTES_PUT,
            Signatures.sign(TOKEN, AdminCommands.CONFIG_PUT, routes("b"), Clock.systemUTC()));
    assertThat(r.getInteger("code")).isEqualTo(401);
    assertThat(get(b, "/")).isEqualTo("origin-a");

    JsonObject signed =
        Signatures.sign(TOKEN, AdminCommands.ROUTES_PUT, routes("b"), Clock.systemUTC());
    r = request(AdminCommands.ROUTES_PUT, signed);
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getJsonArray("changes").getList()).containsExactly("~routes.default");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> get(a, "/").equals("origin-b") && get(b, "/").equals("origin-b"));
    // a replayed request is refused
    r = request(AdminCommands.ROUTES_PUT, signed);
    assertThat(r.getInteger("code")).as(r.encode()).isEqualTo(401);

    r =
        request(
            AdminCommands.MEMBERS,
            Signatures.sign(TOKEN, AdminCommands.MEMBERS, new JsonObject(), Clock.systemUTC()));
    assertThat(r.getJsonArray("members").stream().map(m -> ((JsonObject) m).getString("id")))
        .containsExactly("gw-a", "gw-b");
    r =
        request(
            AdminCommands.SERVERS_STATE,
            Signatures.sign(
                TOKEN,
                AdminCommands.SERVERS_STATE,
                new JsonObject().put("upstream", "b").put("server", "nope").put("state", "drain"),
                Clock.systemUTC()));
    assertThat(r.getInteger("code")).isEqualTo(404);
    assertThat(r.getJsonArray("errors").getString(0))
        .isEqualTo("json: server: nope (expected: a server of upstream b: b1)");
  }

  // ---- HTTP

  @Test
  void httpApiNeedsTheTokenAndValidatesLikeAFile() {
    assertThat(api(adminA, "GET", "/api/config", null, null).status).isEqualTo(401);
    assertThat(api(adminA, "GET", "/api/config", null, "wrong").status).isEqualTo(401);
    assertThat(api(adminA, "GET", "/metrics", null, null).status).isEqualTo(401);
    Reply r = api(adminA, "GET", "/api/config", null, TOKEN);
    assertThat(r.status).isEqualTo(200);
    long version = r.body.getLong("version");
    assertThat(r.body.getJsonObject("config").getJsonObject("upstreams").fieldNames())
        .contains("a", "b");

    JsonObject bad =
        new JsonObject()
            .put(
                "servers",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "c1")
                            .put("address", "127.0.0.1:1")
                            .put("weight", -1)))
            .put("balance", "fastest");
    r = api(adminA, "PUT", "/api/upstreams/c", bad, TOKEN);
    assertThat(r.status).isEqualTo(400);
    assertThat(r.body.getBoolean("ok")).isFalse();
    assertThat(r.body.getJsonArray("errors").getList())
        .anySatisfy(
            e ->
                assertThat((String) e)
                    .startsWith("json: upstreams.c.servers[0].weight: -1 (expected: "))
        .anySatisfy(e -> assertThat((String) e).startsWith("json: upstreams.c.balance: fastest"));

    r = api(adminA, "DELETE", "/api/upstreams/a", null, TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(400);
    assertThat(r.body.getJsonArray("errors").getString(0))
        .startsWith("json: routes[0].upstream: a");
    assertThat(api(adminA, "DELETE", "/api/upstreams/zz", null, TOKEN).status).isEqualTo(404);
    assertThat(api(adminA, "POST", "/api/upstreams/a/servers/zz/drain", null, TOKEN).status)
        .isEqualTo(404);
    assertThat(api(adminA, "POST", "/api/upstreams/a/servers/a1/pause", null, TOKEN).status)
        .isEqualTo(404);
    assertThat(api(adminA, "POST", "/api/config/rollback/99999", null, TOKEN).status)
        .isEqualTo(404);
    r = api(adminA, "PUT", "/api/routes?version=" + (version - 1), routes("b"), TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(409);
    assertThat(api(adminA, "GET", "/api/nothing", null, TOKEN).status).isEqualTo(404);

    JsonObject cfg = api(adminA, "GET", "/api/config", null, TOKEN).body;
    r = api(adminB, "PUT", "/api/config", cfg, TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(200);
    assertThat(r.body.getBoolean("changed")).isFalse();
  }

  @Test
  void aRouteChangeThroughNodeARoutesTrafficOnNodeB() {
    Reply r = api(adminA, "PUT", "/api/routes", routes("b"), TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(200);
    long v = r.body.getLong("version");
    await().atMost(Duration.ofSeconds(10)).until(() -> get(b, "/").equals("origin-b"));
    assertThat(b.appliedVersion()).isGreaterThanOrEqualTo(v);

    JsonObject history = api(adminB, "GET", "/api/config/history", null, TOKEN).body;
    JsonArray entries = history.getJsonArray("entries");
    assertThat(entries.getJsonObject(entries.size() - 1).getString("author"))
        .isEqualTo("admin@gw-a");

    r = api(adminB, "POST", "/api/config/rollback/" + (v - 1), null, TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(a, "/").equals("origin-a"));
  }

  @Test
  void aLimitPolicyPutThroughNodeAAppliesOnEveryNode() {
    JsonObject cfg = api(adminA, "GET", "/api/config", null, TOKEN).body.getJsonObject("config");
    JsonObject bad = cfg.copy();
    bad.put("limits", new JsonObject().put("once", new JsonObject().put("rate", "0/s")));
    Reply r = api(adminA, "PUT", "/api/config", bad, TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(400);
    assertThat(r.body.getJsonArray("errors").getString(0))
        .startsWith("json: limits.once.rate: 0/s");

    // one request a minute per client address, on each node by itself (scope: node)
    JsonObject limited = cfg.copy();
    limited.put(
        "limits",
        new JsonObject()
            .put(
                "once",
                new JsonObject()
                    .put("rate", "1/m")
                    .put("burst", 0)
                    .put("nodelay", true)
                    .put("scope", "node")));
    limited.getJsonArray("routes").getJsonObject(0).put("limits", new JsonArray().add("once"));
    r = api(adminA, "PUT", "/api/config", limited, TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(200);
    long v = r.body.getLong("version");
    try {
      for (ClusteredNode n : List.of(a, b)) {
        await().atMost(Duration.ofSeconds(10)).until(() -> n.appliedVersion() >= v);
        assertThat(get(n, "/")).isEqualTo("origin-a");
        assertThat(get(n, "/")).isEqualTo("status 429");
      }
    } finally {
      r = api(adminA, "PUT", "/api/config", cfg, TOKEN);
      assertThat(r.status).as(r.text).isEqualTo(200);
    }
    long restored = r.body.getLong("version");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.appliedVersion() >= restored && b.appliedVersion() >= restored);
  }

  @Test
  void drainIsClusterWide() {
    Reply r = api(adminA, "POST", "/api/upstreams/a/servers/a1/drain", null, TOKEN);
    assertThat(r.status).as(r.text).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                b.gateway().health().state(new ServerId("a", "a1")).adminState()
                    == AdminState.DRAIN);
    assertThat(get(b, "/")).isEqualTo("status 503");
    JsonObject a1 = healthServer(api(adminB, "GET", "/api/health", null, TOKEN).body, "a1");
    assertThat(a1.getString("state")).isEqualTo("drain");
    assertThat(a1.getJsonObject("local").getString("state")).isEqualTo("drain");
    // a config change keeps the state
    api(adminA, "PUT", "/api/upstreams/c", oneServer("c1", "127.0.0.1:" + originB), TOKEN);
    assertThat(
            api(adminA, "GET", "/api/config", null, TOKEN)
                .body
                .getJsonObject("config")
                .getJsonObject("server-states")
                .encode())
        .isEqualTo("{\"a\":{\"a1\":\"drain\"}}");
    r = api(adminB, "POST", "/api/upstreams/a/servers/a1/enable", null, TOKEN);
    assertThat(r.status).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(a, "/").equals("origin-a"));
    assertThat(api(adminA, "DELETE", "/api/upstreams/c", null, TOKEN).status).isEqualTo(200);
  }

  /** An upstream of one server, as the admin API takes it. */
  static JsonObject oneServer(String name, String address) {
    return new JsonObject()
        .put(
            "servers",
            new JsonArray().add(new JsonObject().put("name", name).put("address", address)));
  }

  /** Server {@code server} in a {@code GET /api/health} reply. */
  static JsonObject healthServer(JsonObject reply, String server) {
    return reply.getJsonArray("servers").stream()
        .map(JsonObject.class::cast)
        .filter(s -> s.getString("server").equals(server))
        .findFirst()
        .orElseThrow();
  }

  /** Server {@code server} of upstream {@code upstream} in a {@code GET /api/upstreams} reply. */
  static JsonObject upstreamServer(JsonObject reply, String upstream, String server) {
    return reply.getJsonArray("upstreams").stream()
        .map(JsonObject.class::cast)
        .filter(u -> u.getString("name").equals(upstream))
        .flatMap(u -> u.getJsonArray("servers").stream().map(JsonObject.class::cast))
        .filter(x -> x.getString("server").equals(server))
        .findFirst()
        .orElseThrow();
  }

  /** What node {@code node} says of a server in a {@code GET /api/upstreams} reply, or null. */
  static JsonObject nodeView(JsonObject server, String node) {
    return server.getJsonArray("nodes").stream()
        .map(JsonObject.class::cast)
        .filter(n -> n.getString("node").equals(node))
        .findFirst()
        .orElse(null);
  }

  @Test
  void upstreamsShowWhyAServerIsOutOnEachNode() {
    // c1 refuses connections: requests through node a alone take it out there (passive checks)
    JsonObject c =
        oneServer("c1", "127.0.0.1:" + freePort())
            .put("passive", new JsonObject().put("max-fails", 1).put("fail-timeout", "60s"));
    assertThat(api(adminA, "PUT", "/api/upstreams/c", c, TOKEN).status).isEqualTo(200);
    JsonObject routes =
        new JsonObject()
            .put(
                "routes",
                new JsonArray()
                    .add(
                        new JsonObject()
                            .put("name", "c")
                            .put("match", new JsonObject().put("path-prefix", "/c"))
                            .put("upstream", "c"))
                    .add(new JsonObject().put("name", "default").put("upstream", "a")));
    assertThat(api(adminA, "PUT", "/api/routes", routes, TOKEN).status).isEqualTo(200);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(a, "/c").equals("status 502"));
    assertThat(api(adminA, "POST", "/api/upstreams/a/servers/a1/disable", null, TOKEN).status)
        .isEqualTo(200);
    try {
      // node b answers for both nodes: its own view live, node a's from a's stats events
      await()
          .atMost(Duration.ofSeconds(20))
          .untilAsserted(
              () -> {
                Reply r = api(adminB, "GET", "/api/upstreams", null, TOKEN);
                assertThat(r.status).as(r.text).isEqualTo(200);
                assertThat(r.body.getString("node")).isEqualTo("gw-b");
                JsonObject a1 = upstreamServer(r.body, "a", "a1");
                assertThat(a1.getString("state")).isEqualTo("disabled");
                assertThat(
                        a1.getJsonArray("nodes").stream()
                            .map(n -> ((JsonObject) n).getString("node")))
                    .containsExactly("gw-b", "gw-a");
                for (String node : List.of("gw-a", "gw-b")) {
                  JsonObject v = nodeView(a1, node);
                  assertThat(v.getJsonArray("flags").getList()).containsExactly("disabled");
                  assertThat(v.getString("reason")).isEqualTo("disabled by an operator");
                  assertThat(v.getBoolean("available")).isFalse();
                }
                JsonObject c1 = upstreamServer(r.body, "c", "c1");
                JsonObject onA = nodeView(c1, "gw-a");
                assertThat(onA.getJsonArray("flags").getList()).containsExactly("failed_passive");
                assertThat(onA.getString("reason"))
                    .startsWith("passive checks failed on this node, out for ");
                assertThat(onA.getBoolean("available")).isFalse();
                JsonObject onB = nodeView(c1, "gw-b");
                assertThat(onB.getJsonArray("flags").getList()).isEmpty();
                assertThat(onB.getString("reason")).isEqualTo("healthy");
                assertThat(onB.getBoolean("available")).isTrue();
                assertThat(nodeView(upstreamServer(r.body, "b", "b1"), "gw-a").getString("reason"))
                    .isEqualTo("healthy");
              });
      // /api/health has the answering node's flags too
      JsonObject local =
          healthServer(api(adminA, "GET", "/api/health", null, TOKEN).body, "c1")
              .getJsonObject("local");
      assertThat(local.getJsonArray("flags").getList()).containsExactly("failed_passive");
      assertThat(local.getBoolean("healthy")).isFalse();
      // and so has the CLI, one row per server and node
      Run cli = ctl("--admin", "http://127.0.0.1:" + adminB, "upstreams");
      assertThat(cli.code).as(cli.err).isEqualTo(0);
      assertThat(cli.out)
          .containsPattern(
              "(?m)^UPSTREAM\\s+SERVER\\s+STATE\\s+VERDICT\\s+NODE\\s+FLAGS\\s+REASON$")
          .containsPattern(
              "(?m)^a\\s+a1\\s+disabled\\s+\\S+\\s+gw-a\\s+disabled\\s+disabled by an operator$")
          .containsPattern(
              "(?m)^c\\s+c1\\s+enabled\\s+\\S+\\s+gw-a\\s+failed_passive\\s+passive checks failed")
          .containsPattern("(?m)^c\\s+c1\\s+enabled\\s+\\S+\\s+gw-b\\s+-\\s+healthy$");
    } finally {
      api(adminA, "PUT", "/api/routes", routes("a"), TOKEN);
      api(adminA, "DELETE", "/api/upstreams/c", null, TOKEN);
    }
  }

  @Test
  void eventsStreamConfigVersions() throws Exception {
    BlockingQueue<String> lines = new LinkedBlockingQueue<>();
    var resp =
        http.sendAsync(
            HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + adminB + "/api/events"))
                .header("Authorization", "Bearer " + TOKEN)
                .build(),
            HttpResponse.BodyHandlers.ofLines());
    Stream<String> body = resp.get(10, TimeUnit.SECONDS).body();
    Thread reader =
        new Thread(
            () -> {
              try {
                body.forEach(lines::add);
              } catch (UncheckedIOException closed) {
                // the test closed the stream
              }
            });
    reader.setDaemon(true);
    reader.start();
    assertThat(lines.poll(10, TimeUnit.SECONDS)).isEqualTo("retry: 3000");
    api(adminA, "PUT", "/api/routes", routes("b"), TOKEN);
    List<String> seen = new ArrayList<>();
    long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(15);
    while (!seen.contains("event: config") && System.nanoTime() < deadline) {
      String l = lines.poll(1, TimeUnit.SECONDS);
      if (l != null) {
        seen.add(l);
      }
    }
    assertThat(seen).contains("event: config");
    body.close();
  }

  @Test
  void metricsAndHealthEndpoints() {
    get(a, "/");
    Reply m = api(adminA, "GET", "/metrics", null, TOKEN);
    assertThat(m.status).isEqualTo(200);
    assertThat(m.text)
        .contains("vxgate_cluster_members 2.0")
        .contains("vxgate_config_version")
        .contains("vertx_eventbus_")
        // Vert.x's per-request HTTP meters are opt-in (admin.vertx-http-metrics)
        .doesNotContain("vertx_http_server_requests_total");
    // The request path reports per upstream and per server (wired in Exchange).
    assertThat(m.text)
        .containsPattern(
            "vxgate_requests_total\\{[^}]*status_class=\"2xx\"[^}]*upstream=\"a\"[^}]*\\} [1-9]")
        .containsPattern("vxgate_upstream_attempts_total\\{[^}]*server=\"a1\"");
    // Buffering: what is held now, spills, and how early origins were let go.
    assertThat(m.text)
        .containsPattern("vxgate_buffer_memory_bytes(\\{[^}]*\\})? ")
        .containsPattern("vxgate_buffer_disk_bytes(\\{[^}]*\\})? ")
        .containsPattern("vxgate_buffer_spills_total(\\{[^}]*\\})? ")
        .containsPattern("vxgate_buffer_origin_freed_ahead_seconds_count\\{[^}]*upstream=\"a\"");
    assertThat(m.text)
        .containsPattern("vxgate_access_log_dropped_total\\{[^}]*reason=\"queue_full\"[^}]*\\} 0")
        .containsPattern("vxgate_access_log_dropped_total\\{[^}]*reason=\"write_error\"[^}]*\\} 0");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(
            () ->
                api(adminA, "GET", "/metrics", null, TOKEN)
                    .text
                    .matches("(?s).*\\nvxgate_access_log_lines_total(\\{[^}]*\\})? [1-9].*"));
    Reply ready = api(adminA, "GET", "/health/ready", null, null);
    assertThat(ready.status).as(ready.text).isEqualTo(200);
    assertThat(api(adminA, "GET", "/health/live", null, null).status).isEqualTo(200);
    Reply page = api(adminA, "GET", "/", null, null);
    assertThat(page.status).isEqualTo(200);
    assertThat(page.text).contains("vxgate");
  }

  // ---- CLI

  record Run(int code, String out, String err) {}

  static Run ctl(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Ctl.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("VXGATE_ADMIN_TOKEN", TOKEN));
    return new Run(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  @Test
  void logReopenReopensTheNamedNodesAccessLogFile() throws Exception {
    String url = "http://127.0.0.1:" + adminA;
    for (String id : List.of("gw-a", "gw-b")) {
      Path file = logs.resolve(id + ".log");
      get(id.equals("gw-a") ? a : b, "/");
      await().atMost(Duration.ofSeconds(10)).until(() -> Files.exists(file));
      Path rotated = logs.resolve(id + ".log." + System.nanoTime());
      Files.move(file, rotated);
      // gw-b through gw-a's admin address
      Run r =
          id.equals("gw-a")
              ? ctl("--admin", url, "log", "reopen")
              : ctl("--admin", url, "--node", id, "log", "reopen");
      assertThat(r.code).as(r.err).isEqualTo(0);
      assertThat(r.out).isEqualTo("ok: " + id + " reopened its access log\n");
      assertThat(file).exists();
      get(id.equals("gw-a") ? a : b, "/");
      await()
          .atMost(Duration.ofSeconds(10))
          .until(() -> Files.readString(file).contains("\"status\":200"));
    }
    // on the event bus, each node has its own address
    JsonObject r =
        request(
            AdminCommands.logReopenAddress("gw-b"),
            Signatures.sign(
                TOKEN,
                AdminCommands.logReopenAddress("gw-b"),
                new JsonObject(),
                Clock.systemUTC()));
    assertThat(r.getBoolean("ok")).as(r.encode()).isTrue();
    assertThat(r.getString("node")).isEqualTo("gw-b");
    assertThat(r.getBoolean("reopened")).isTrue();
    assertThat(ctl("--admin", url, "log").code).isEqualTo(2);
  }

  @Test
  void cli(@TempDir Path dir) throws IOException {
    String url = "http://127.0.0.1:" + adminA;
    Run r = ctl("--admin", url, "members");
    assertThat(r.code).as(r.err).isEqualTo(0);
    assertThat(r.out).contains("gw-a").contains("gw-b").contains("2 member(s)");
    r = ctl("--admin", url, "--json", "config", "get");
    assertThat(r.code).isEqualTo(0);
    assertThat(
            new JsonObject(r.out).getJsonObject("config").getJsonObject("upstreams").fieldNames())
        .contains("a");
    r = ctl("--admin", url, "--token", "wrong", "members");
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("refused (401)");
    assertThat(ctl("--admin", "http://127.0.0.1:" + freePort(), "members").code).isEqualTo(3);
    assertThat(ctl("--admin", url, "frobnicate").code).isEqualTo(2);
    assertThat(ctl("--admin", url, "server", "drain", "a").code).isEqualTo(2);

    r = ctl("--admin", url, "server", "drain", "a", "a1");
    assertThat(r.code).as(r.err).isEqualTo(0);
    assertThat(r.out).contains("server-states.a/a1: drain");
    r = ctl("--admin", url, "health");
    assertThat(r.out).containsPattern("a\\s+a1\\s+127.0.0.1:\\d+\\s+drain");
    assertThat(ctl("--admin", url, "server", "enable", "a", "a1").code).isEqualTo(0);

    Path routes = dir.resolve("routes.yaml");
    Files.writeString(routes, "routes:\n  - {name: default, upstream: b}\n");
    r = ctl("--admin", url, "routes", "apply", routes.toString());
    assertThat(r.code).as(r.err).isEqualTo(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(b, "/").equals("origin-b"));
    Files.writeString(routes, "routes:\n  - {name: default, upstream: nowhere}\n");
    r = ctl("--admin", url, "routes", "apply", routes.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains("json: routes[0].upstream: nowhere");

    Path bad = dir.resolve("bad.yaml");
    Files.writeString(
        bad,
        "upstreams:\n  x: {servers: [{name: x1, address: 127.0.0.1:1, weight: 0}]}\nroutes: [{name: d, upstream: x}]\n");
    r = ctl("--admin", url, "config", "apply", bad.toString());
    assertThat(r.code).isEqualTo(1);
    assertThat(r.err).contains(bad + ": upstreams.x.servers[0].weight: 0");

    r = ctl("--admin", url, "history");
    assertThat(r.code).isEqualTo(0);
    assertThat(r.out).contains("VERSION").contains("admin@gw-a");
    long v = new JsonObject(ctl("--admin", url, "--json", "config", "get").out).getLong("version");
    r = ctl("--admin", url, "rollback", String.valueOf(v - 2));
    assertThat(r.code).as(r.err).isEqualTo(0);
    await().atMost(Duration.ofSeconds(10)).until(() -> get(b, "/").equals("origin-a"));
  }
}
