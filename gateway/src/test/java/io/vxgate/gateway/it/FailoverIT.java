package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.atomic.AtomicBoolean;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/** Origins failing, dying, hanging and coming back, with real sockets. */
class FailoverIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void killingAnOriginUnderTrafficLosesNoGet() throws Exception {
    TestOrigin a = h.origin("a");
    TestOrigin b = h.origin("b");
    TestOrigin c = h.origin("c");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: a, address: $A}, {name: b, address: $B}, {name: c, address: $C}]
            retries: 2
            passive: {max-fails: 1, fail-timeout: 10s}
        routes: [{name: default, upstream: app}]
        """
            .replace("$A", a.address())
            .replace("$B", b.address())
            .replace("$C", c.address()));
    AtomicBoolean running = new AtomicBoolean(true);
    ExecutorService pool = Executors.newFixedThreadPool(4);
    List<Future<int[]>> clients = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      clients.add(
          pool.submit(
              () -> {
                int ok = 0;
                int failed = 0;
                while (running.get()) {
                  HttpResponse<String> r = h.get("/load");
                  if (r.statusCode() == 200) {
                    ok++;
                  } else {
                    failed++;
                  }
                }
                return new int[] {ok, failed};
              }));
    }
    await().atMost(Duration.ofSeconds(10)).until(() -> b.requests.get() > 50);
    b.stop();
    int before = a.requests.get() + c.requests.get();
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> a.requests.get() + c.requests.get() > before + 300);
    running.set(false);
    int ok = 0;
    int failed = 0;
    for (Future<int[]> f : clients) {
      int[] r = f.get();
      ok += r[0];
      failed += r[1];
    }
    pool.shutdown();
    assertThat(failed).isZero();
    assertThat(ok).isGreaterThan(300);
  }

  @Test
  void backupTakesOverWhenPrimariesAreDownAndHandsBack() {
    TestOrigin p = h.origin("primary");
    TestOrigin bk = h.origin("backup");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers:
              - {name: primary, address: $P}
              - {name: backup, address: $B, backup: true}
            health-check: {type: http, path: /health, interval: 100ms, timeout: 100ms, rise: 2, fall: 2}
        routes: [{name: default, upstream: app}]
        """
            .replace("$P", p.address())
            .replace("$B", bk.address()));
    for (int i = 0; i < 10; i++) {
      assertThat(h.get("/").body()).isEqualTo("primary");
    }
    assertThat(bk.requests.get()).isZero();
    p.healthy = false;
    await().atMost(Duration.ofSeconds(5)).until(() -> h.get("/").body().equals("backup"));
    p.healthy = true;
    await().atMost(Duration.ofSeconds(5)).until(() -> h.get("/").body().equals("primary"));
    for (int i = 0; i < 10; i++) {
      assertThat(h.get("/").body()).isEqualTo("primary");
    }
  }

  @Test
  void backupIsUsedWhenThePrimaryRefusesConnections() {
    TestOrigin p = h.origin("primary");
    TestOrigin bk = h.origin("backup");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers:
              - {name: primary, address: $P}
              - {name: backup, address: $B, backup: true}
        routes: [{name: default, upstream: app}]
        """
            .replace("$P", p.address())
            .replace("$B", bk.address()));
    p.stop();
    for (int i = 0; i < 5; i++) {
      assertThat(h.get("/").body()).isEqualTo("backup");
    }
  }

  @Test
  void aHangingOriginGives504AfterTheResponseTimeout() {
    TestOrigin slow = h.origin("slow");
    slow.mode = TestOrigin.Mode.HANG;
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: slow, address: $S}]
            timeouts: {connect: 1s, response: 300ms, idle: 5s}
            retries: 0
        routes: [{name: default, upstream: app}]
        """
            .replace("$S", slow.address()));
    long start = System.nanoTime();
    HttpResponse<String> r = h.get("/");
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(r.statusCode()).isEqualTo(504);
    assertThat(ms).isBetween(250L, 3000L);
    assertThat(r.headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void anOriginStallingMidBodyEndsTheClientResponseAfterTheIdleTimeout() throws Exception {
    TestOrigin stall = h.origin("stall");
    stall.mode = TestOrigin.Mode.STALL_BODY;
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: stall, address: $S}]
            timeouts: {response: 2s, idle: 300ms}
        routes: [{name: default, upstream: app}]
        """
            .replace("$S", stall.address()));
    long start = System.nanoTime();
    String resp = h.raw("GET / HTTP/1.1\r\nHost: x\r\n\r\n", Duration.ofSeconds(10));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(resp).startsWith("HTTP/1.1 200").endsWith("half.");
    assertThat(ms)
        .as("closed by the idle timeout, not by the client's read timeout")
        .isLessThan(5000);
  }

  @Test
  void anUploadSlowerThanTheResponseTimeoutStillSucceeds() throws Exception {
    TestOrigin o = h.origin("o");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: o, address: $O}]
            timeouts: {response: 300ms, idle: 300ms}
        routes: [{name: default, upstream: app}]
        """
            .replace("$O", o.address()));
    try (java.net.Socket s = new java.net.Socket("127.0.0.1", h.port)) {
      s.setSoTimeout(5000);
      var out = s.getOutputStream();
      out.write(
          "POST / HTTP/1.1\r\nHost: x\r\nConnection: close\r\nContent-Length: 8\r\n\r\n"
              .getBytes());
      out.flush();
      for (int i = 0; i < 4; i++) {
        // 4 x 250 ms = 1 s of upload, longer than the 300 ms response timeout
        await().pollDelay(Duration.ofMillis(250)).atMost(Duration.ofSeconds(1)).until(() -> true);
        out.write("ab".getBytes());
        out.flush();
      }
      String resp = Harness.readAll(s.getInputStream());
      assertThat(resp).startsWith("HTTP/1.1 200");
    }
    assertThat(o.bodyBytes.get()).isEqualTo(8);
  }

  @Test
  void aTimeoutIsRetriedOnTheNextServerForGet() {
    TestOrigin slow = h.origin("slow");
    TestOrigin fast = h.origin("fast");
    slow.mode = TestOrigin.Mode.HANG;
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: slow, address: $S}, {name: fast, address: $F}]
            timeouts: {response: 200ms}
            passive: {max-fails: 0}
        routes: [{name: default, upstream: app}]
        """
            .replace("$S", slow.address())
            .replace("$F", fast.address()));
    for (int i = 0; i < 4; i++) {
      assertThat(h.get("/").body()).isEqualTo("fast");
    }
    assertThat(slow.requests.get()).isEqualTo(2);
  }

  @Test
  void postIsNotRetriedOnceSentButIsRetriedOnConnectFailure() {
    TestOrigin reset = h.origin("reset");
    TestOrigin good = h.origin("good");
    reset.mode = TestOrigin.Mode.RESET;
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: reset, address: $R}, {name: good, address: $G}]
            passive: {max-fails: 0}
        routes: [{name: default, upstream: app}]
        """
            .replace("$R", reset.address())
            .replace("$G", good.address()));
    // Round robin starts with "reset": the POST reached it, so it is not replayed elsewhere.
    HttpResponse<String> post = h.send("POST", "/", "payload");
    assertThat(post.statusCode()).isEqualTo(502);
    assertThat(reset.requests.get()).isEqualTo(1);
    assertThat(good.requests.get()).isZero();
    // A GET that fails the same way is retried on the next server: every GET succeeds.
    for (int i = 0; i < 6; i++) {
      assertThat(h.get("/").body()).isEqualTo("good");
    }
    assertThat(reset.requests.get()).isGreaterThan(1);
    // Connect failure: nothing was sent, so even a POST moves on.
    reset.stop();
    int goodBefore = good.requests.get();
    for (int i = 0; i < 4; i++) {
      assertThat(h.send("POST", "/", "payload").statusCode()).isEqualTo(200);
    }
    assertThat(good.requests.get()).isEqualTo(goodBefore + 4);
  }

  @Test
  void allServersDownGives502AndNoServerGives503WithCustomPages(@TempDir Path dir)
      throws Exception {
    Files.writeString(dir.resolve("502.html"), "<h1>custom bad gateway</h1>");
    Files.writeString(dir.resolve("503.html"), "<h1>custom unavailable</h1>");
    TestOrigin dead = h.origin("dead");
    dead.stop();
    TestOrigin down = h.origin("down");
    down.healthy = false;
    String yaml =
        """
        %LISTENER%
        upstreams:
          dead: {servers: [{name: dead, address: $D}]}
          down:
            servers: [{name: down, address: $W}]
            health-check: {path: /health, interval: 100ms, timeout: 100ms, fall: 1}
        routes:
          - {name: dead, match: {path-prefix: /dead}, upstream: dead}
          - {name: down, upstream: down}
        error-pages: {502: DIR/502.html, 503: DIR/503.html}
        """
            .replace("DIR", dir.toString())
            .replace("$D", dead.address())
            .replace("$W", down.address());
    h.gateway(yaml);
    HttpResponse<String> r502 = h.get("/dead");
    assertThat(r502.statusCode()).isEqualTo(502);
    assertThat(r502.body()).isEqualTo("<h1>custom bad gateway</h1>");
    assertThat(r502.headers().firstValue("Content-Type"))
        .hasValueSatisfying(v -> assertThat(v).startsWith("text/html"));
    await().atMost(Duration.ofSeconds(5)).until(() -> h.get("/").statusCode() == 503);
    assertThat(h.get("/").body()).isEqualTo("<h1>custom unavailable</h1>");
  }

  @Test
  void passiveFailuresMarkAServerDownForFailTimeout() {
    TestOrigin bad = h.origin("bad");
    TestOrigin good = h.origin("good");
    bad.mode = TestOrigin.Mode.STATUS;
    bad.status = 502;
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: bad, address: $B}, {name: good, address: $G}]
            passive: {max-fails: 2, fail-timeout: 30s}
            retry-on: [connect-failure, 502]
        routes: [{name: default, upstream: app}]
        """
            .replace("$B", bad.address())
            .replace("$G", good.address()));
    for (int i = 0; i < 20; i++) {
      assertThat(h.get("/").body()).isEqualTo("good");
    }
    // Two failures marked "bad" down; it then got no more traffic.
    assertThat(bad.requests.get()).isEqualTo(2);
  }
}
