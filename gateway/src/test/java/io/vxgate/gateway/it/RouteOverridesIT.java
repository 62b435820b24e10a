package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.GatewayNode;
import io.vxgate.util.Ticker;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A route's own {@code retries}, {@code retry-on} and {@code timeouts} replace its upstream's for
 * the requests it matches, and only for those (docs/configuration.md#routes-cluster-wide).
 */
class RouteOverridesIT {
  @RegisterExtension final Harness h = new Harness();

  private int originRequests(TestOrigin... origins) {
    int n = 0;
    for (TestOrigin o : origins) {
      n += o.requests.get();
    }
    return n;
  }

  @Test
  void aRouteWithItsOwnRetriesOrRetryOnDoesNotRetryWhereItsUpstreamWould() {
    TestOrigin a = h.origin("a");
    TestOrigin b = h.origin("b");
    TestOrigin c = h.origin("c");
    for (TestOrigin o : new TestOrigin[] {a, b, c}) {
      o.mode = TestOrigin.Mode.STATUS;
      o.status = 503;
    }
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: a, address: $A}, {name: b, address: $B}, {name: c, address: $C}]
            retries: 2
            retry-on: [connect-failure, 503]
            passive: {max-fails: 0}
        routes:
          - {name: once, match: {path-prefix: /once}, upstream: app, retries: 0}
          - {name: on-connect, match: {path-prefix: /connect}, upstream: app,
             retry-on: [connect-failure]}
          - {name: default, upstream: app}
        """
            .replace("$A", a.address())
            .replace("$B", b.address())
            .replace("$C", c.address()));

    assertThat(h.get("/any").statusCode()).isEqualTo(503);
    assertThat(originRequests(a, b, c)).as("the upstream's 2 retries on 503").isEqualTo(3);

    assertThat(h.get("/once").statusCode()).isEqualTo(503);
    assertThat(originRequests(a, b, c)).as("retries: 0 on the route").isEqualTo(4);

    assertThat(h.get("/connect").statusCode()).isEqualTo(503);
    assertThat(originRequests(a, b, c)).as("503 is not in the route's retry-on").isEqualTo(5);

    assertThat(h.get("/again").statusCode()).isEqualTo(503);
    assertThat(originRequests(a, b, c)).as("the other route still retries").isEqualTo(8);
  }

  @Test
  void aRouteWithItsOwnResponseTimeoutWaitsLongerThanItsUpstream() {
    TestOrigin o = h.origin("o");
    o.mode = TestOrigin.Mode.DELAY;
    o.delayMs = 1500;
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            servers: [{name: o, address: $O}]
            retries: 0
            timeouts: {response: 500ms}
        routes:
          - {name: reports, match: {path-prefix: /reports}, upstream: app,
             timeouts: {response: 10s}}
          - {name: default, upstream: app}
        """
            .replace("$O", o.address()));

    // (The origin answers after 1.5 s: a 504 means the 500 ms timeout fired first.)
    assertThat(h.get("/page").statusCode()).isEqualTo(504);

    HttpResponse<String> slow = h.get("/reports/year");
    assertThat(slow.statusCode()).isEqualTo(200);
    assertThat(slow.body()).isEqualTo("o");
  }

  @Test
  void aRouteWithItsOwnConnectTimeoutWaitsNoLongerForAFreeConnection() throws Exception {
    TestOrigin o = h.origin("o");
    o.mode = TestOrigin.Mode.DELAY;
    o.delayMs = 3000;
    // One event loop and one pooled connection: a second request waits in the pool's queue for
    // at most its connect timeout.
    h.node =
        GatewayNode.start(
                h.vertx,
                Harness.parse(
                    """
                    %LISTENER%
                    upstreams:
                      app:
                        servers: [{name: o, address: $O}]
                        retries: 0
                        timeouts: {connect: 10s}
                        keepalive: {max-connections: 1}
                    routes:
                      - {name: quick, match: {path-prefix: /quick}, upstream: app,
                         timeouts: {connect: 300ms}}
                      - {name: default, upstream: app}
                    """
                        .replace("$O", o.address())),
                Ticker.system(),
                1)
            .await();
    h.port = h.node.port("web");

    CompletableFuture<HttpResponse<String>> first =
        CompletableFuture.supplyAsync(() -> h.get("/first"));
    org.awaitility.Awaitility.await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> o.requests.get() == 1);
    CompletableFuture<HttpResponse<String>> patient =
        CompletableFuture.supplyAsync(() -> h.get("/patient"));
    // (The connection is busy for 3 s: a 503 means the 300 ms wait ended first.)
    assertThat(h.get("/quick").statusCode()).as("no free connection within 300 ms").isEqualTo(503);
    assertThat(first.get().statusCode()).isEqualTo(200);
    assertThat(patient.get().statusCode())
        .as("the upstream's 10 s connect timeout outlasts the first request")
        .isEqualTo(200);
    assertThat(o.requests.get()).isEqualTo(2);
  }
}
