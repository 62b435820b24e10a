package io.vxgate.admin;

import static io.vxgate.admin.AdminIT.TOKEN;
import static io.vxgate.admin.AdminIT.api;
import static io.vxgate.admin.AdminIT.ctl;
import static io.vxgate.admin.AdminIT.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.admin.AdminIT.Reply;
import io.vxgate.testing.FixedOrigin;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.MethodOrderer;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.TestMethodOrder;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code /api/nodes/{id}/...} across three node JVMs ({@code io.vxgate.gateway.Main} with the admin
 * extension on the class path), all reached through gw-1's admin address. gw-3's admin listener is
 * bound to the wildcard address, so the others reach it at its cluster address. The last test stops
 * gw-3 with SIGSTOP: 504 while it is a member, 404 once the cluster has dropped it.
 */
@TestMethodOrder(MethodOrderer.OrderAnnotation.class)
class NodesProxyIT {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final List<String> IDS = List.of("gw-1", "gw-2", "gw-3");
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

  @TempDir static Path dir;
  static Vertx origins;
  static final int[] hz = {freePort(), freePort(), freePort()};
  static final int[] web = {freePort(), freePort(), freePort()};
  static final int[] admin = {freePort(), freePort(), freePort()};
  static final Process[] procs = new Process[3];

  @BeforeAll
  static void start() throws IOException {
    origins = Vertx.vertx();
    int origin = FixedOrigin.start(origins, "origin");
    String cluster = "nodes-it-" + UUID.randomUUID();
    for (int i = 0; i < 3; i++) {
      Path file = dir.resolve("gw-" + (i + 1) + ".yaml");
      Files.writeString(file, yaml(i, cluster, origin));
      procs[i] = NodeProcess.launch(file, dir.resolve("gw-" + (i + 1) + ".log"));
    }
    for (int i = 0; i < 3; i++) {
      int port = admin[i];
      await()
          .atMost(WAIT)
          .pollInterval(Duration.ofMillis(500))
          .until(() -> status(port, "/health/ready") == 200);
    }
    await().atMost(WAIT).until(() -> ids(get("/api/cluster/members").text()).equals(IDS));
  }

  @AfterAll
  static void stop() {
    for (Process p : procs) {
      if (p != null) {
        signal(p, "CONT");
        p.destroyForcibly();
      }
    }
    if (origins != null) {
      origins.close().await();
    }
  }

  static String yaml(int i, String cluster, int origin) {
    StringBuilder members = new StringBuilder();
    for (int p : hz) {
      members.append(members.length() == 0 ? "" : ", ").append("127.0.0.1:").append(p);
    }
    return """
        node: {id: gw-%d, datacenter: dc%d}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [%s]}
        listeners: [{name: web, bind: 127.0.0.1:%d}]
        admin: {bind: %s:%d, token: %s}
        upstreams:
          app: {servers: [{name: s1, address: 127.0.0.1:%d}]}
        routes:
          - {name: default, upstream: app}
        """
        .formatted(
            i + 1,
            i == 0 ? 1 : 2,
            cluster,
            hz[i],
            members,
            web[i],
            i == 2 ? "0.0.0.0" : "127.0.0.1",
            admin[i],
            TOKEN,
            origin);
  }

  /** A call to gw-1's admin API with the token. */
  static Reply get(String path) {
    return api(admin[0], "GET", path, null, TOKEN);
  }

  static int status(int port, String path) {
    try {
      return api(port, "GET", path, null, TOKEN).status();
    } catch (RuntimeException notYet) {
      return -1;
    }
  }

  static List<String> ids(String membersReply) {
    List<String> out = new ArrayList<>();
    new JsonObject(membersReply)
        .getJsonArray("members", new JsonArray())
        .forEach(m -> out.add(((JsonObject) m).getString("id")));
    return out;
  }

  static String firstError(Reply r) {
    return r.body().getJsonArray("errors").getString(0);
  }

  /** The sum of {@code vxgate_requests_total} of upstream {@code app} in a Prometheus text. */
  static double appRequests(String metrics) {
    Matcher m =
        Pattern.compile("(?m)^vxgate_requests_total\\{[^}]*upstream=\"app\"[^}]*\\} (\\S+)$")
            .matcher(metrics);
    double sum = 0;
    while (m.find()) {
      sum += Double.parseDouble(m.group(1));
    }
    return sum;
  }

  static void signal(Process p, String sig) {
    try {
      new ProcessBuilder("kill", "-" + sig, String.valueOf(p.pid())).start().waitFor();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  @Test
  @Order(1)
  void everyMembersHealthAndMetricsThroughOneAddress() throws Exception {
    for (String id : IDS) {
      Reply r = get("/api/nodes/" + id + "/api/health");
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      assertThat(r.headers().firstValue(NodesProxy.ANSWERED_BY)).hasValue(id);
      assertThat(r.body().getString("node")).isEqualTo(id);
      assertThat(r.body().getJsonArray("servers").getJsonObject(0).getString("server"))
          .isEqualTo("s1");
      r = get("/api/nodes/" + id + "/health/ready");
      assertThat(r.status()).as(r.text()).isEqualTo(200);
      // the query string goes along
      r = get("/api/nodes/" + id + "/api/cluster/members?x=1");
      assertThat(r.body().getString("node")).isEqualTo(id);
      assertThat(ids(r.text())).isEqualTo(IDS);
    }
    // traffic through gw-2 only shows in gw-2's metrics
    double before2 = appRequests(get("/api/nodes/gw-2/metrics").text());
    double before3 = appRequests(get("/api/nodes/gw-3/metrics").text());
    for (int i = 0; i < 7; i++) {
      assertThat(api(web[1], "GET", "/", null, null).text()).isEqualTo("origin");
    }
    // (a request is counted as its response ends, which may be just after the client read it)
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              Reply m2 = get("/api/nodes/gw-2/metrics");
              assertThat(m2.status()).isEqualTo(200);
              assertThat(m2.headers().firstValue("Content-Type").orElse(""))
                  .startsWith("text/plain");
              assertThat(appRequests(m2.text())).isEqualTo(before2 + 7);
            });
    assertThat(appRequests(get("/api/nodes/gw-3/metrics").text())).isEqualTo(before3);

    // a method and a body go along: a change made through gw-3, seen everywhere
    Reply drain =
        api(admin[0], "POST", "/api/nodes/gw-3/api/upstreams/app/servers/s1/drain", null, TOKEN);
    assertThat(drain.status()).as(drain.text()).isEqualTo(200);
    assertThat(drain.body().getJsonArray("changes").getList())
        .containsExactly("server-states.app/s1: drain");
    JsonObject routes =
        new JsonObject()
            .put(
                "routes",
                new JsonArray()
                    .add(new JsonObject().put("name", "default").put("upstream", "app")));
    Reply put = api(admin[0], "PUT", "/api/nodes/gw-2/api/routes", routes, TOKEN);
    assertThat(put.status()).as(put.text()).isEqualTo(200);
    assertThat(put.body().getBoolean("changed")).isFalse();
    Reply enable =
        api(admin[0], "POST", "/api/nodes/gw-2/api/upstreams/app/servers/s1/enable", null, TOKEN);
    assertThat(enable.status()).as(enable.text()).isEqualTo(200);

    // gw-3's own id through its wildcard-bound listener: proxied to itself over the loopback
    Reply self = api(admin[2], "GET", "/api/nodes/gw-3/api/health", null, TOKEN);
    assertThat(self.status()).as(self.text()).isEqualTo(200);
    assertThat(self.body().getString("node")).isEqualTo("gw-3");
  }

  @Test
  @Order(2)
  void theTokenIsCheckedHereAndPassedOn() throws Exception {
    Reply none = api(admin[0], "GET", "/api/nodes/gw-2/api/health", null, null);
    assertThat(none.status()).isEqualTo(401);
    assertThat(none.headers().firstValue(NodesProxy.ANSWERED_BY)).isEmpty();
    assertThat(firstError(none)).startsWith("json: Authorization: (missing)");
    Reply wrong = api(admin[0], "GET", "/api/nodes/gw-2/metrics", null, "not-the-token");
    assertThat(wrong.status()).isEqualTo(401);
    assertThat(wrong.headers().firstValue(NodesProxy.ANSWERED_BY)).isEmpty();
    // gw-2 needs the token too: its answer shows the caller's token got there
    Reply ok = api(admin[0], "GET", "/api/nodes/gw-2/metrics", null, TOKEN);
    assertThat(ok.status()).isEqualTo(200);
    assertThat(ok.headers().firstValue(NodesProxy.ANSWERED_BY)).hasValue("gw-2");
  }

  @Test
  @Order(3)
  void anUnknownMemberIs404NamingTheMembers() {
    for (String path : List.of("/api/nodes/gw-9/api/health", "/api/nodes", "/api/nodes/")) {
      Reply r = get(path);
      assertThat(r.status()).as(path).isEqualTo(404);
      assertThat(firstError(r))
          .as(path)
          .endsWith("(expected: one of the members: gw-1, gw-2, gw-3)");
    }
    assertThat(firstError(get("/api/nodes/gw-9/metrics")))
        .isEqualTo("json: node: gw-9 (expected: one of the members: gw-1, gw-2, gw-3)");
  }

  @Test
  @Order(4)
  void oneHopOnly() throws Exception {
    Reply nested = get("/api/nodes/gw-2/api/nodes/gw-3/api/health");
    assertThat(nested.status()).isEqualTo(400);
    assertThat(firstError(nested))
        .isEqualTo(
            "json: path: /api/nodes/gw-2/api/nodes/gw-3/api/health (expected: one hop:"
                + " /api/nodes/ID/PATH with a PATH outside /api/nodes)");
    // a path that only becomes /api/nodes/... once normalized is refused
    Reply dotted = get("/api/nodes/gw-2/x/../api/nodes/gw-3/api/health");
    assertThat(dotted.status()).as(dotted.text()).isEqualTo(400);
    assertThat(dotted.headers().firstValue(NodesProxy.ANSWERED_BY)).isEmpty();
    assertThat(firstError(dotted))
        .isEqualTo(
            "json: path: /api/nodes/gw-2/x/../api/nodes/gw-3/api/health (expected: a normalized"
                + " path (no '.' or '..' segments))");
    // a request a node forwarded is never forwarded again
    HttpResponse<String> hop =
        http.send(
            HttpRequest.newBuilder(
                    URI.create("http://127.0.0.1:" + admin[1] + "/api/nodes/gw-3/api/health"))
                .header("Authorization", "Bearer " + TOKEN)
                .header(NodesProxy.HOP, "gw-1")
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(hop.statusCode()).isEqualTo(400);
    assertThat(new JsonObject(hop.body()).getJsonArray("errors").getString(0))
        .isEqualTo(
            "json: X-Vxgate-Hop: gw-1 (expected: a request no node forwarded (/api/nodes forwards"
                + " one hop only))");
  }

  @Test
  @Order(5)
  void vxgatectlNodeRunsTheCommandOnThatMember() {
    String url = "http://127.0.0.1:" + admin[0];
    for (String id : IDS) {
      AdminIT.Run r = ctl("--admin", url, "--node", id, "--json", "config", "get");
      assertThat(r.code()).as(r.err()).isEqualTo(0);
      assertThat(new JsonObject(r.out()).getString("node")).isEqualTo(id);
    }
    AdminIT.Run members = ctl("--admin", url, "--node=gw-3", "members");
    assertThat(members.code()).as(members.err()).isEqualTo(0);
    assertThat(members.out()).contains("3 member(s)");
    AdminIT.Run drain = ctl("--admin", url, "--node", "gw-2", "server", "drain", "app", "s1");
    assertThat(drain.code()).as(drain.err()).isEqualTo(0);
    assertThat(drain.out()).contains("server-states.app/s1: drain");
    AdminIT.Run health = ctl("--admin", url, "--node", "gw-3", "health");
    assertThat(health.out()).containsPattern("app\\s+s1\\s+127.0.0.1:\\d+\\s+drain");
    assertThat(ctl("--admin", url, "--node", "gw-3", "server", "enable", "app", "s1").code())
        .isEqualTo(0);

    AdminIT.Run unknown = ctl("--admin", url, "--node", "gw-9", "health");
    assertThat(unknown.code()).isEqualTo(1);
    assertThat(unknown.err())
        .contains("refused (404)")
        .contains("json: node: gw-9 (expected: one of the members: gw-1, gw-2, gw-3)");
    assertThat(ctl("--admin", url, "--node", "", "health").code()).isEqualTo(2);
  }

  @Test
  @Order(6)
  void aStoppedMemberIs504ThenADepartedOne404() throws Exception {
    signal(procs[2], "STOP");
    try {
      long t0 = System.nanoTime();
      CompletableFuture<Reply> stopped =
          CompletableFuture.supplyAsync(() -> get("/api/nodes/gw-3/api/health"));
      // the others keep answering while that request waits: asked now, before the cluster's
      // failure detector (5 s) acts on gw-3 and the members re-form (which may hide a live member
      // for a moment when gw-3 was the oldest, Hazelcast's master)
      assertThat(get("/api/nodes/gw-2/api/health").status()).isEqualTo(200);
      Reply r = stopped.get();
      long waited = Duration.ofNanos(System.nanoTime() - t0).toMillis();
      assertThat(r.status()).as(r.text()).isEqualTo(504);
      assertThat(firstError(r))
          .isEqualTo(
              "gw-3 (127.0.0.1:"
                  + admin[2]
                  + ") did not answer within "
                  + NodesProxy.ANSWER_TIMEOUT.toSeconds()
                  + "s");
      assertThat(waited).isGreaterThanOrEqualTo(NodesProxy.ANSWER_TIMEOUT.toMillis() - 100);
      // once the cluster drops gw-3 (no heartbeat for 5 s), it is an unknown member
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                Reply gone = get("/api/nodes/gw-3/api/health");
                assertThat(gone.status()).isEqualTo(404);
                assertThat(firstError(gone))
                    .isEqualTo("json: node: gw-3 (expected: one of the members: gw-1, gw-2)");
              });
    } finally {
      signal(procs[2], "CONT");
    }
  }
}
