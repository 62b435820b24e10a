package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import io.vxgate.testing.FreePorts;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * SIGHUP re-reads the config file of a node running in its own JVM (docs/operations.md,
 * "Reloading"): listeners added and removed in place, connections on unchanged listeners untouched,
 * and an invalid file changing nothing.
 */
class ReloadIT {
  private static final Duration STARTUP = Duration.ofSeconds(60);

  @TempDir Path dir;
  private Process node;
  private RawOrigin origin;
  private final CountDownLatch release = new CountDownLatch(1);

  @AfterEach
  void tearDown() {
    release.countDown();
    if (node != null) {
      node.destroyForcibly();
    }
    if (origin != null) {
      origin.close();
    }
  }

  private Path file() {
    return dir.resolve("gw.yaml");
  }

  private void start(String listeners) throws Exception {
    origin =
        RawOrigin.start(
            (req, out) -> {
              if (req.target().equals("/slow")) {
                release.await(30, TimeUnit.SECONDS);
                out.write(RawOrigin.ascii(RawOrigin.response(200, "slow done")));
                return true;
              }
              return RawOrigin.echo().answer(req, out);
            });
    Files.writeString(file(), config(listeners, "1"));
    node = NodeProcess.launch(file(), dir.resolve("gw.log"));
  }

  private String config(String listeners, String weight) {
    return """
        node: {id: reload-1}
        listeners:
        %s
        upstreams:
          app: {servers: [{name: o, address: %s, weight: %s}]}
        routes: [{name: default, upstream: app}]
        """
        .formatted(listeners, origin.address(), weight);
  }

  private static String listener(String name, int port) {
    return "  - {name: " + name + ", bind: 127.0.0.1:" + port + "}\n";
  }

  private void reload(String listeners, String weight) throws Exception {
    Files.writeString(file(), config(listeners, weight));
    Process kill = new ProcessBuilder("kill", "-HUP", Long.toString(node.pid())).start();
    assertThat(kill.waitFor(10, TimeUnit.SECONDS)).isTrue();
    assertThat(kill.exitValue()).isZero();
  }

  private static String get(int port, String path) {
    try (Client c = new Client(port)) {
      c.send("GET " + path + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      return r.status() + " " + r.bodyText();
    } catch (IOException e) {
      return e.toString();
    }
  }

  private String log() throws IOException {
    return Files.readString(dir.resolve("gw.log"));
  }

  @Test
  void sighupAddsAListenerAndRemovesOneWhoseOpenRequestFinishes() throws Exception {
    int web = FreePorts.pick();
    int old = FreePorts.pick();
    int api = FreePorts.pick();
    start(listener("web", web) + listener("old", old));
    await().atMost(STARTUP).until(() -> get(web, "/a").equals("200 GET /a"));
    await().atMost(STARTUP).until(() -> get(old, "/b").equals("200 GET /b"));

    Client kept = new Client(web);
    kept.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(kept.read().bodyText()).isEqualTo("GET /before");
    Client busy = new Client(old);
    busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> origin.seen().stream().anyMatch(r -> r.target().equals("/slow")));

    reload(listener("web", web) + listener("api", api), "1");

    await().atMost(Duration.ofSeconds(20)).until(() -> get(api, "/c").equals("200 GET /c"));
    await().atMost(Duration.ofSeconds(10)).until(() -> RawHttp.refused(old));
    // the request in flight on the removed listener finishes, then its connection closes
    release.countDown();
    Response slow = busy.read();
    assertThat(slow.status()).isEqualTo(200);
    assertThat(slow.bodyText()).isEqualTo("slow done");
    assertThat(slow.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(busy.closedWithin(Duration.ofSeconds(5))).isTrue();
    // a keep-alive connection of the unchanged listener was not touched
    kept.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(kept.read().bodyText()).isEqualTo("GET /after");
    kept.close();
    assertThat(log()).contains("listener api: added on 127.0.0.1:" + api, "listener old: removed");
  }

  @Test
  void anInvalidFileChangesNothing() throws Exception {
    int web = FreePorts.pick();
    int api = FreePorts.pick();
    start(listener("web", web));
    await().atMost(STARTUP).until(() -> get(web, "/a").equals("200 GET /a"));
    Client kept = new Client(web);
    kept.send("GET /before HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(kept.read().bodyText()).isEqualTo("GET /before");

    // a new listener (valid) and a weight out of range (invalid): neither is applied
    reload(listener("web", web) + listener("api", api), "-1");

    await()
        .atMost(Duration.ofSeconds(20))
        .until(() -> log().contains("upstreams.app.servers[0].weight: -1 (expected: 1..256)"));
    assertThat(log()).contains("reload refused, nothing changed");
    assertThat(RawHttp.refused(api)).as("the new listener of the invalid file").isTrue();
    assertThat(get(web, "/a")).isEqualTo("200 GET /a");
    kept.send("GET /after HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(kept.read().bodyText()).isEqualTo("GET /after");
    kept.close();

    // the same file made valid is applied
    reload(listener("web", web) + listener("api", api), "2");
    await().atMost(Duration.ofSeconds(20)).until(() -> get(api, "/c").equals("200 GET /c"));
  }
}
