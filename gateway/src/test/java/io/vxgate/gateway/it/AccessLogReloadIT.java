package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.vertx.core.http.HttpServer;
import io.vxgate.testing.FreePorts;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP with a changed {@code access-log} and {@code tracing} section, on a real node JVM under
 * load (docs/operations.md, "Reloading"): the log moves to its new file and format and the spans to
 * their new collector, every request in one file exactly once; a file that cannot be opened refuses
 * the reload, and the file in force stays.
 */
class AccessLogReloadIT {
  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;
  private Process node;
  private int web;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.destroy();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  private Path config() {
    return dir.resolve("node.yaml");
  }

  /** Writes the node's config with {@code accessLog} and {@code tracing} (YAML flow mappings). */
  private void write(String origin, int hz, int admin, String accessLog, String tracing)
      throws IOException {
    Files.writeString(
        config(),
        """
        node: {id: gw-l}
        cluster: {name: logreload-CLUSTER, bind: 127.0.0.1:HZ, members: []}
        listeners: [{name: web, bind: 127.0.0.1:WEB}]
        admin: {bind: 127.0.0.1:ADMIN}
        access-log: ACCESS_LOG
        tracing: TRACING
        upstreams: {app: {servers: [{name: o1, address: ORIGIN}]}}
        routes: [{name: app, upstream: app}]
        """
            .replace("CLUSTER", Long.toString(ProcessHandle.current().pid()))
            .replace("HZ", Integer.toString(hz))
            .replace("WEB", Integer.toString(web))
            .replace("ADMIN", Integer.toString(admin))
            .replace("ACCESS_LOG", accessLog)
            .replace("TRACING", tracing)
            .replace("ORIGIN", origin));
  }

  private void sighup() throws Exception {
    assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(node.pid())).start().waitFor())
        .isZero();
  }

  private String nodeLog() throws IOException {
    return Files.readString(dir.resolve("node.out"));
  }

  /** A receiver of OTLP/HTTP exports: the request ids of the spans it got. */
  private Set<String> receiver(List<HttpServer> servers) {
    Set<String> ids = ConcurrentHashMap.newKeySet();
    HttpServer s =
        h.vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              try {
                                ids.addAll(
                                    requestIds(
                                        ExportTraceServiceRequest.parseFrom(body.getBytes())));
                                req.response()
                                    .putHeader("Content-Type", "application/x-protobuf")
                                    .end();
                              } catch (Exception e) {
                                req.response().setStatusCode(400).end();
                              }
                            }))
            .listen(0, "127.0.0.1")
            .await();
    servers.add(s);
    return ids;
  }

  @Test
  void sighupMovesTheLogAndTheSpansUnderLoadWithoutALostLine() throws Exception {
    TestOrigin origin = h.origin("o");
    web = FreePorts.pick();
    int hz = FreePorts.pick();
    int admin = FreePorts.pick();
    List<HttpServer> servers = new ArrayList<>();
    Set<String> spansBefore = receiver(servers);
    Set<String> spansAfter = receiver(servers);
    Path before = dir.resolve("logs/before.log");
    Path after = dir.resolve("other/after.log");
    write(
        origin.address(),
        hz,
        admin,
        "{format: custom, custom: 'A $request_id $status', file: logs/before.log}",
        "{otlp: 'http://127.0.0.1:" + servers.get(0).actualPort() + "', sample: 1}");
    node = NodeProcess.launch(config(), dir.resolve("node.out"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create("http://127.0.0.1:" + web + "/");
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get(http, uri, "warm-up") == 200);

    // Load from 4 clients, each request with an id of its own, while the node reloads.
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    Set<String> answered = ConcurrentHashMap.newKeySet();
    List<Thread> clients = new ArrayList<>();
    for (int c = 0; c < 4; c++) {
      int client = c;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; running.get() && i < 5_000; i++) {
                  String id = "c" + client + "-" + i;
                  sent.incrementAndGet();
                  if (get(http, uri, id) == 200) {
                    answered.add(id);
                  }
                }
              });
      t.start();
      clients.add(t);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > 200);
    write(
        origin.address(),
        hz,
        admin,
        "{format: custom, custom: 'B $request_id $status', file: other/after.log}",
        "{otlp: 'http://127.0.0.1:" + servers.get(1).actualPort() + "', sample: 1}");
    sighup();
    await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(after));
    int atSwitch = sent.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > atSwitch + 200);
    running.set(false);
    for (Thread t : clients) {
      t.join(30_000);
    }

    Set<String> logged = new HashSet<>();
    List<String> inBefore = new ArrayList<>();
    List<String> inAfter = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> {
              inBefore.clear();
              inAfter.clear();
              inBefore.addAll(ids(before, "A "));
              inAfter.addAll(ids(after, "B "));
              logged.clear();
              logged.addAll(inBefore);
              logged.addAll(inAfter);
              assertThat(inBefore).isNotEmpty();
              assertThat(inAfter).isNotEmpty();
              // none twice
              assertThat(logged).hasSize(inBefore.size() + inAfter.size());
              // none lost
              assertThat(logged).containsAll(answered);
            });
    assertThat(answered.size()).isGreaterThan(300);
    assertThat(nodeLog())
        .contains(
            "access-log: custom 'B $request_id $status' to file " + after,
            "tracing.otlp: http://127.0.0.1:" + servers.get(1).actualPort() + "/v1/traces");
    // each request's span went to the collector of the setup that wrote its line
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !spansBefore.isEmpty() && !spansAfter.isEmpty());
    assertThat(new HashSet<>(inBefore)).containsAll(without(spansBefore, "warm-up"));
    assertThat(new HashSet<>(inAfter)).containsAll(spansAfter);
  }

  @Test
  void aFileThatCannotBeOpenedRefusesTheReloadAndTheLogStays() throws Exception {
    TestOrigin origin = h.origin("o");
    web = FreePorts.pick();
    int hz = FreePorts.pick();
    int admin = FreePorts.pick();
    Path log = dir.resolve("access.log");
    write(
        origin.address(),
        hz,
        admin,
        "{format: custom, custom: 'A $request_id $status', file: access.log}",
        "{}");
    node = NodeProcess.launch(config(), dir.resolve("node.out"));
    HttpClient http = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
    URI uri = URI.create("http://127.0.0.1:" + web + "/");
    await()
        .atMost(Duration.ofSeconds(60))
        .ignoreExceptions()
        .until(() -> get(http, uri, "warm-up") == 200);

    // a directory that is a plain file: the new log cannot be opened
    Files.writeString(dir.resolve("plain"), "not a directory");
    Path bad = dir.resolve("plain/access.log");
    write(
        origin.address(),
        hz,
        admin,
        "{format: json, file: plain/access.log}",
        "{otlp: 'http://127.0.0.1:1', sample: 1}");
    sighup();
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                nodeLog()
                    .contains(
                        "reload refused, nothing changed: "
                            + config()
                            + ": access-log.file: "
                            + bad
                            + " (expected: a file this node can open for appending; here: Not a"
                            + " directory)"));
    assertThat(get(http, uri, "after-refusal")).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ids(log, "A ")).contains("after-refusal"));
  }

  /** The {@code vxgate.request_id} of every span of an export. */
  private static List<String> requestIds(ExportTraceServiceRequest r) {
    return r.getResourceSpansList().stream()
        .flatMap(rs -> rs.getScopeSpansList().stream())
        .flatMap(ss -> ss.getSpansList().stream())
        .flatMap(span -> span.getAttributesList().stream())
        .filter(a -> a.getKey().equals("vxgate.request_id"))
        .map(a -> a.getValue().getStringValue())
        .toList();
  }

  private static Set<String> without(Set<String> ids, String id) {
    Set<String> out = new HashSet<>(ids);
    out.remove(id);
    return out;
  }

  /**
   * The request ids of the 200 lines of a log that start with {@code prefix} (warm-up left out).
   */
  private static List<String> ids(Path file, String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      assertThat(l).as("a whole line").startsWith(prefix);
      if (l.endsWith(" 200") && !l.startsWith(prefix + "warm-up")) {
        out.add(l.substring(prefix.length(), l.indexOf(' ', prefix.length())));
      }
    }
    return out;
  }

  private static int get(HttpClient http, URI uri, String id) {
    try {
      return http.send(
              HttpRequest.newBuilder(uri)
                  .header("X-Request-Id", id)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }
}
