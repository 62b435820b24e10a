package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.testing.FreePorts;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
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
  private final int web = FreePorts.pick();
  private final int hz = FreePorts.pick();
  private final int admin = FreePorts.pick();
  private String origin;

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
  private void write(String accessLog, String tracing) throws IOException {
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

  /** Starts the node with {@code accessLog} and {@code tracing}; returns once it answers. */
  private IdLoad launch(String accessLog, String tracing) throws IOException {
    origin = h.origin("o").address();
    write(accessLog, tracing);
    node = NodeProcess.launch(config(), dir.resolve("node.out"));
    return new IdLoad(web).warmUp();
  }

  /** Rewrites the config and sends the node SIGHUP. */
  private void reload(String accessLog, String tracing) throws Exception {
    write(accessLog, tracing);
    assertThat(new ProcessBuilder("kill", "-HUP", Long.toString(node.pid())).start().waitFor())
        .isZero();
  }

  private String nodeLog() throws IOException {
    return Files.readString(dir.resolve("node.out"));
  }

  @Test
  void sighupMovesTheLogAndTheSpansUnderLoadWithoutALostLine() throws Exception {
    OtlpReceiver first = new OtlpReceiver(h.vertx);
    OtlpReceiver second = new OtlpReceiver(h.vertx);
    Path before = dir.resolve("logs/before.log");
    Path after = dir.resolve("other/after.log");
    Set<String> answered;
    try (IdLoad load =
        launch(
                "{format: custom, custom: 'A $request_id $status', file: logs/before.log}",
                "{otlp: '" + first.url() + "', sample: 1}")
            .start()) {
      load.awaitMore(200);
      reload(
          "{format: custom, custom: 'B $request_id $status', file: other/after.log}",
          "{otlp: '" + second.url() + "', sample: 1}");
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(after));
      load.awaitMore(200);
      answered = load.answered();
    }

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(
            () -> IdLoad.assertLoggedOnce(answered, ids(before, "A "), ids(after, "B ")));
    assertThat(answered.size()).isGreaterThan(300);
    assertThat(nodeLog())
        .contains(
            "access-log: custom 'B $request_id $status' to file " + after,
            "tracing.otlp: " + second.url() + "/v1/traces (was: " + first.url() + "/v1/traces)");
    // each request's span went to the collector of the setup that wrote its line
    await()
        .atMost(Duration.ofSeconds(30))
        .until(() -> !first.requestIds().isEmpty() && !second.requestIds().isEmpty());
    Set<String> spansBefore = new HashSet<>(first.requestIds());
    spansBefore.remove("warm-up");
    assertThat(ids(before, "A ")).containsAll(spansBefore);
    assertThat(ids(after, "B ")).containsAll(second.requestIds());
  }

  @Test
  void aFileThatCannotBeOpenedRefusesTheReloadAndTheLogStays() throws Exception {
    Path log = dir.resolve("access.log");
    IdLoad load =
        launch("{format: custom, custom: 'A $request_id $status', file: access.log}", "{}");

    // under a plain file, not a directory: the new log cannot be opened
    Files.writeString(dir.resolve("plain"), "not a directory");
    reload("{format: json, file: plain/access.log}", "{otlp: 'http://127.0.0.1:1', sample: 1}");
    await()
        .atMost(Duration.ofSeconds(30))
        .until(
            () ->
                nodeLog()
                    .contains(
                        "reload refused, nothing changed: "
                            + config()
                            + ": access-log.file: "
                            + dir.resolve("plain/access.log")
                            + " (expected: a file this node can open for appending; here: Not a"
                            + " directory)"));
    assertThat(load.get("after-refusal")).isEqualTo(200);
    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> assertThat(ids(log, "A ")).contains("after-refusal"));
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
}
