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
import java.util.List;
import java.util.Set;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * logrotate's way with a real node JVM under load: the log file is renamed, the node gets SIGUSR1,
 * and every request is in one file or the other, none lost, none twice.
 */
class AccessLogReopenIT {
  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;
  private Process node;

  @AfterEach
  void stop() throws Exception {
    if (node != null) {
      node.destroy();
      node.waitFor(30, TimeUnit.SECONDS);
    }
  }

  @Test
  void aRenamedLogIsReopenedOnSigusr1WithoutALostLine() throws Exception {
    TestOrigin origin = h.origin("o");
    int web = FreePorts.pick();
    Path log = dir.resolve("logs/access.log");
    Path rotated = dir.resolve("logs/access.log.1");
    Path config = dir.resolve("node.yaml");
    Files.writeString(
        config,
        """
        node: {id: gw-r}
        cluster: {name: reopen-CLUSTER, bind: 127.0.0.1:HZ, members: []}
        listeners: [{name: web, bind: 127.0.0.1:WEB}]
        admin: {bind: 127.0.0.1:ADMIN}
        access-log: {format: custom, custom: '$request_id $status', file: logs/access.log}
        upstreams: {app: {servers: [{name: o1, address: ORIGIN}]}}
        routes: [{name: app, upstream: app}]
        """
            .replace("CLUSTER", Long.toString(ProcessHandle.current().pid()))
            .replace("HZ", Integer.toString(FreePorts.pick()))
            .replace("WEB", Integer.toString(web))
            .replace("ADMIN", Integer.toString(FreePorts.pick()))
            .replace("ORIGIN", origin.address()));
    node = NodeProcess.launch(config, dir.resolve("node.out"));
    Set<String> answered;
    // Load from 4 clients, each request with an id of its own, while the log is rotated.
    try (IdLoad load = new IdLoad(web).warmUp().start()) {
      load.awaitMore(200);
      Files.move(log, rotated);
      assertThat(new ProcessBuilder("kill", "-USR1", Long.toString(node.pid())).start().waitFor())
          .isZero();
      await().atMost(Duration.ofSeconds(30)).until(() -> Files.exists(log));
      load.awaitMore(200);
      answered = load.answered();
    }

    await()
        .atMost(Duration.ofSeconds(15))
        .untilAsserted(() -> IdLoad.assertLoggedOnce(answered, ids(rotated), ids(log)));
    assertThat(answered.size()).isGreaterThan(300);
  }

  /** The request ids of the 200 lines of a log (the warm-up's included). */
  private static List<String> ids(Path file) throws IOException {
    List<String> out = new ArrayList<>();
    for (String l : Files.readAllLines(file)) {
      if (l.endsWith(" 200") && !l.startsWith("warm-up")) {
        out.add(l.substring(0, l.indexOf(' ')));
      }
    }
    return out;
  }
}
