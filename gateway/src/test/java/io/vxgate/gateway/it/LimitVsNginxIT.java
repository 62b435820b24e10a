package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.testing.FreePorts;
import io.vxgate.testing.ProxyProcess;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Burst and delay semantics against real nginx's {@code limit_req}: nginx (a process of the test,
 * on an ephemeral port, in a temporary directory) and a vxgate node (scope node) in front of the
 * same origin get the very same request sequence at the same moments, one policy per location: a
 * delayed burst, {@code nodelay}, and {@code delay=2}. Batches land between the rate's ticks (2/s:
 * every 500 ms), so the answers do not hang on milliseconds; both must take, delay and refuse the
 * same number of requests up to every batch, within one.
 */
class LimitVsNginxIT {
  private static final Logger log = LoggerFactory.getLogger(LimitVsNginxIT.class);

  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;
  private ProxyProcess nginx;
  private final HttpClient http =
      HttpClient.newBuilder()
          .version(HttpClient.Version.HTTP_1_1)
          .connectTimeout(Duration.ofSeconds(5))
          .build();

  @AfterEach
  void stopNginx() {
    if (nginx != null) {
      nginx.close();
    }
  }

  /** What one proxy did with one batch: taken at once, taken after a wait, refused (429). */
  private record Outcome(int atOnce, int delayed, int refused) {
    int taken() {
      return atOnce + delayed;
    }

    Outcome plus(Outcome o) {
      return new Outcome(atOnce + o.atOnce, delayed + o.delayed, refused + o.refused);
    }
  }

  private int startNginx(TestOrigin origin) throws Exception {
    int port = FreePorts.pick();
    Path conf = dir.resolve("nginx.conf");
    Files.writeString(
        conf,
        """
        events { worker_connections 256; }
        http {
          access_log off;
          limit_req_status 429;
          limit_req_zone $binary_remote_addr zone=burst:1m rate=2r/s;
          limit_req_zone $binary_remote_addr zone=nodelay:1m rate=2r/s;
          limit_req_zone $binary_remote_addr zone=delay:1m rate=2r/s;
          upstream o { server ORIGIN; keepalive 8; }
          server {
            listen 127.0.0.1:PORT;
            location /burst { limit_req zone=burst burst=5; proxy_pass http://o; }
            location /nodelay { limit_req zone=nodelay burst=5 nodelay; proxy_pass http://o; }
            location /delay { limit_req zone=delay burst=6 delay=2; proxy_pass http://o; }
          }
        }
        """
            .replace("ORIGIN", origin.address())
            .replace("PORT", Integer.toString(port)));
    nginx = ProxyProcess.nginx(conf, dir, List.of(port));
    return port;
  }

  private void startVxgate(TestOrigin origin) {
    h.gateway(
        """
        %LISTENER%
        limits:
          burst: {rate: 2/s, burst: 5, scope: node}
          nodelay: {rate: 2/s, burst: 5, nodelay: true, scope: node}
          delay: {rate: 2/s, burst: 6, delay: 2, scope: node}
        upstreams:
          o: {servers: [{name: o, address: ORIGIN}]}
        routes:
          - {name: burst, match: {path-prefix: /burst}, upstream: o, limits: [burst]}
          - {name: nodelay, match: {path-prefix: /nodelay}, upstream: o, limits: [nodelay]}
          - {name: delay, match: {path-prefix: /delay}, upstream: o, limits: [delay]}
        """
            .replace("ORIGIN", origin.address()));
  }

  private CompletableFuture<long[]> send(int port, String path) {
    long t0 = System.nanoTime();
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
            .timeout(Duration.ofSeconds(30))
            .build();
    return http.sendAsync(req, HttpResponse.BodyHandlers.ofString())
        .thenApply(r -> new long[] {r.statusCode(), (System.nanoTime() - t0) / 1_000_000});
  }

  private static Outcome outcome(List<CompletableFuture<long[]>> answers) throws Exception {
    int atOnce = 0;
    int delayed = 0;
    int refused = 0;
    List<long[]> got = new ArrayList<>();
    for (CompletableFuture<long[]> f : answers) {
      got.add(f.get(60, TimeUnit.SECONDS));
    }
    // The batch's quickest answer (one taken at once or refused) is what the machine costs now: on
    // a loaded machine every answer of a batch may come some 100 ms late, a delayed one later
    // still.
    long quickest = got.stream().mapToLong(a -> a[1]).min().orElse(0);
    for (long[] a : got) {
      if (a[0] == 429) {
        refused++;
      } else {
        assertThat(a[0]).isEqualTo(200);
        // a delay is a multiple of 500 ms less what leaked while the batch arrived
        if (a[1] - quickest >= 300) {
          delayed++;
        } else {
          atOnce++;
        }
      }
    }
    return new Outcome(atOnce, delayed, refused);
  }

  @Test
  void takesDelaysAndRefusesTheSameRequestsAsNginxLimitReq() throws Exception {
    TestOrigin origin = h.origin("o");
    int nginxPort = startNginx(origin);
    startVxgate(origin);
    // batches at 0, 1.75, 4.75 and 5.25 s: each between two ticks of the 2/s rate
    long[] at = {0, 1750, 4750, 5250};
    int[] sizes = {10, 4, 9, 3};
    for (String path : List.of("/burst", "/nodelay", "/delay")) {
      List<List<CompletableFuture<long[]>>> viaNginx = new ArrayList<>();
      List<List<CompletableFuture<long[]>>> viaVxgate = new ArrayList<>();
      long start = System.nanoTime();
      for (int b = 0; b < at.length; b++) {
        long wait = start + TimeUnit.MILLISECONDS.toNanos(at[b]) - System.nanoTime();
        if (wait > 0) {
          TimeUnit.NANOSECONDS.sleep(wait);
        }
        List<CompletableFuture<long[]>> n = new ArrayList<>();
        List<CompletableFuture<long[]>> v = new ArrayList<>();
        for (int i = 0; i < sizes[b]; i++) {
          n.add(send(nginxPort, path));
          v.add(send(h.port, path));
        }
        viaNginx.add(n);
        viaVxgate.add(v);
      }
      // compared as running totals after each batch: on a loaded machine a batch's requests may
      // reach one proxy over more than a tick, which moves one request from a batch to the next
      // (taken in this one, refused in the next), not the totals
      Outcome nSum = new Outcome(0, 0, 0);
      Outcome vSum = new Outcome(0, 0, 0);
      for (int b = 0; b < at.length; b++) {
        Outcome n = outcome(viaNginx.get(b));
        Outcome v = outcome(viaVxgate.get(b));
        log.info("{} batch {} of {}: nginx {}, vxgate {}", path, b, sizes[b], n, v);
        nSum = nSum.plus(n);
        vSum = vSum.plus(v);
        assertThat(vSum.taken())
            .as("%s taken up to batch %d", path, b)
            .isCloseTo(nSum.taken(), within(1));
        assertThat(vSum.refused())
            .as("%s refused up to batch %d", path, b)
            .isCloseTo(nSum.refused(), within(1));
        assertThat(vSum.delayed())
            .as("%s delayed up to batch %d", path, b)
            .isCloseTo(nSum.delayed(), within(1));
      }
    }
  }

  private static org.assertj.core.data.Offset<Integer> within(int n) {
    return org.assertj.core.data.Offset.offset(n);
  }
}
