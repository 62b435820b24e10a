package io.vxgate.admin;

import static io.vxgate.admin.AdminIT.TOKEN;
import static io.vxgate.admin.AdminIT.api;
import static io.vxgate.admin.AdminIT.ctl;
import static io.vxgate.admin.AdminIT.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import io.vxgate.admin.AdminIT.Run;
import io.vxgate.testing.FixedOrigin;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vxgatectl reload} against two clustered node JVMs (docs/operations.md, "Reloading"): an
 * invalid file is refused with every error and exit 1; a file whose cluster-wide sections changed
 * is written as a new version; when someone else changed the cluster's config since, that part is
 * refused (exit 1) while the node-local part applies, unless {@code --force}; {@code --node}
 * reloads another member through the one admin address.
 */
class ReloadCommandIT {
  static final Duration WAIT = Duration.ofSeconds(90);
  static final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(2)).build();

  @TempDir Path dir;
  private final int[] hz = {freePort(), freePort()};
  private final int[] web = {freePort(), freePort()};
  private final int[] admin = {freePort(), freePort()};
  private final Process[] procs = new Process[2];
  private final String cluster = "reload-it-" + UUID.randomUUID();
  private Vertx origins;
  private int origin;

  @AfterEach
  void stop() {
    for (Process p : procs) {
      if (p != null) {
        p.destroyForcibly();
      }
    }
    if (origins != null) {
      origins.close().await();
    }
  }

  private Path file(int i) {
    return dir.resolve("gw-" + (i + 1) + ".yaml");
  }

  private String yaml(int i, String extraListener, String weight) {
    return """
        node: {id: gw-%d}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [127.0.0.1:%d, 127.0.0.1:%d]}
        listeners:
          - {name: web, bind: 127.0.0.1:%d}
        %s
        admin: {bind: 127.0.0.1:%d, token: %s}
        upstreams:
          app: {servers: [{name: s1, address: 127.0.0.1:%d, weight: %s}]}
        routes:
          - {name: default, upstream: app}
        """
        .formatted(
            i + 1,
            cluster,
            hz[i],
            hz[0],
            hz[1],
            web[i],
            extraListener,
            admin[i],
            TOKEN,
            origin,
            weight);
  }

  private String admin(int i) {
    return "http://127.0.0.1:" + admin[i];
  }

  private long version(int i) {
    return api(admin[i], "GET", "/api/config", null, TOKEN).body().getLong("version");
  }

  private int weight(int i) {
    JsonObject c = api(admin[i], "GET", "/api/config", null, TOKEN).body().getJsonObject("config");
    return c.getJsonObject("upstreams")
        .getJsonObject("app")
        .getJsonArray("servers")
        .getJsonObject(0)
        .getInteger("weight");
  }

  private static int status(int port) {
    try {
      return http.send(
              HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
                  .timeout(Duration.ofSeconds(3))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return -1;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return -1;
    }
  }

  @Test
  void reloadWritesRefusesForcesAndReachesAnotherMember() throws Exception {
    origins = Vertx.vertx();
    origin = FixedOrigin.start(origins, "origin");
    for (int i = 0; i < 2; i++) {
      Files.writeString(file(i), yaml(i, "", "1"));
      procs[i] = NodeProcess.launch(file(i), dir.resolve("gw-" + (i + 1) + ".log"));
    }
    for (int i = 0; i < 2; i++) {
      int port = web[i];
      await().atMost(WAIT).pollInterval(Duration.ofMillis(500)).until(() -> status(port) == 200);
    }
    long v1 = version(0);
    assertThat(v1).isPositive();

    // an invalid file: every error printed, exit 1, nothing changed
    int extra = freePort();
    Files.writeString(file(0), yaml(0, "  - {name: extra, bind: 127.0.0.1:" + extra + "}", "0"));
    Run invalid = ctl("--admin", admin(0), "reload");
    assertThat(invalid.code()).isEqualTo(1);
    assertThat(invalid.err())
        .contains("refused, nothing changed")
        .contains("upstreams.app.servers[0].weight: 0 (expected: 1..256)");
    assertThat(status(extra)).isEqualTo(-1);
    assertThat(version(0)).isEqualTo(v1);

    // the file's cluster-wide sections changed: a new version, applied by the other node
    Files.writeString(file(0), yaml(0, "", "2"));
    Run written = ctl("--admin", admin(0), "reload");
    assertThat(written.code()).as(written.toString()).isZero();
    assertThat(written.out()).contains("ok: reloaded gw-1", "written as version " + (v1 + 1));
    await().atMost(WAIT).until(() -> version(1) == v1 + 1 && weight(1) == 2);
    Run again = ctl("--admin", admin(0), "reload");
    assertThat(again.code()).isZero();
    assertThat(again.out()).contains("are the cluster's (version " + (v1 + 1) + ")");

    // someone else changes the cluster's config: the file's cluster-wide part is refused
    JsonObject upstream =
        new JsonObject(
            "{\"servers\": [{\"name\": \"s1\", \"address\": \"127.0.0.1:"
                + origin
                + "\", \"weight\": 3}]}");
    assertThat(api(admin[1], "PUT", "/api/upstreams/app", upstream, TOKEN).status()).isEqualTo(200);
    long v3 = v1 + 2;
    await().atMost(WAIT).until(() -> version(0) == v3);
    Files.writeString(file(0), yaml(0, "  - {name: extra, bind: 127.0.0.1:" + extra + "}", "4"));
    Run refused = ctl("--admin", admin(0), "reload");
    assertThat(refused.code()).as(refused.toString()).isEqualTo(1);
    assertThat(refused.out()).contains("listener extra: added on 127.0.0.1:" + extra);
    assertThat(refused.err())
        .contains("refused (409)")
        .contains("version " + v3 + " by admin@gw-2 changed the cluster's config")
        .contains("--force");
    assertThat(status(extra)).as("the node-local part applies").isEqualTo(200);
    assertThat(version(0)).isEqualTo(v3);
    assertThat(weight(0)).isEqualTo(3);

    Run forced = ctl("--admin", admin(0), "--force", "reload");
    assertThat(forced.code()).as(forced.toString()).isZero();
    assertThat(forced.out()).contains("written as version " + (v3 + 1) + " (forced)");
    await().atMost(WAIT).until(() -> version(1) == v3 + 1 && weight(1) == 4);

    // gw-2's file (weight 1) was last in force at version 1: reloading it through gw-1 is refused
    Run other = ctl("--admin", admin(0), "--node", "gw-2", "reload");
    assertThat(other.code()).as(other.toString()).isEqualTo(1);
    assertThat(other.out()).contains("reloaded gw-2");
    assertThat(other.err()).contains("version " + (v3 + 1) + " by " + file(0).toAbsolutePath());
  }
}
