package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Graceful drain of a node, end to end over raw sockets: new connections refused, idle ones closed,
 * requests and streaming responses in flight finished before their connections close. The origin is
 * a {@link RawOrigin}, which holds its answers until a test lets them go.
 */
class DrainIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void drainLetsASlowRequestFinishClosesIdleConnectionsAndRefusesNewOnes() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              if (req.target().equals("/slow")) {
                release.await(20, TimeUnit.SECONDS);
                out.write(RawOrigin.ascii(RawOrigin.response(200, "slow done")));
                return true;
              }
              return RawOrigin.echo().answer(req, out);
            });
    Client idle = h.connect();
    idle.send("GET /fast HTTP/1.1\r\nHost: x\r\n\r\n");
    assertThat(idle.read().status()).isEqualTo(200);
    Client busy = h.connect();
    busy.send("GET /slow HTTP/1.1\r\nHost: x\r\n\r\n");
    await().atMost(Duration.ofSeconds(5)).until(() -> origin.requests.size() == 2);

    int port = h.port;
    Future<Void> stopping = h.drain(Duration.ofSeconds(10));

    assertThat(idle.closedWithin(Duration.ofSeconds(3)))
        .as("idle keep-alive connection closed")
        .isTrue();
    await().atMost(Duration.ofSeconds(3)).until(() -> RawHttp.refused(port));
    assertThat(stopping.isComplete()).as("still draining the slow request").isFalse();

    release.countDown();
    Response r = busy.read();
    assertThat(r.status()).isEqualTo(200);
    assertThat(r.bodyText()).isEqualTo("slow done");
    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(busy.closedWithin(Duration.ofSeconds(3))).isTrue();
    // Done as soon as nothing is in flight, long before the grace period.
    await().atMost(Duration.ofSeconds(4)).until(stopping::isComplete);
    assertThat(stopping.succeeded()).isTrue();
  }

  @Test
  void drainClosesAConnectionWhoseResponseWasStreamingOnceItEnds() throws Exception {
    CountDownLatch release = new CountDownLatch(1);
    h.gatewayTo(
        (req, out) -> {
          if (!req.target().equals("/stream")) {
            return RawOrigin.echo().answer(req, out);
          }
          out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 10\r\n\r\nhello"));
          out.flush();
          release.await(20, TimeUnit.SECONDS);
          out.write(RawOrigin.ascii("world"));
          return true;
        });
    Client c = h.connect();
    c.send("GET /stream HTTP/1.1\r\nHost: x\r\n\r\n");
    Response head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Connection")).isNull();
    assertThat(c.readText(5)).isEqualTo("hello");
    // Idle connections on both event loops: once they are closed, the drain reached every loop.
    List<Client> idle = new ArrayList<>();
    for (int i = 0; i < 4; i++) {
      Client k = h.connect();
      k.send("GET /idle HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(k.read().status()).isEqualTo(200);
      idle.add(k);
    }

    int port = h.port;
    Future<Void> stopping = h.drain(Duration.ofSeconds(5));
    await().atMost(Duration.ofSeconds(3)).until(() -> RawHttp.refused(port));
    for (Client k : idle) {
      assertThat(k.closedWithin(Duration.ofSeconds(3))).isTrue();
    }
    release.countDown();
    assertThat(c.readText(5)).isEqualTo("world");
    // The response's head went out before the drain, so it could not say Connection: close; the
    // connection must close right after it instead of idling until the grace period ends.
    assertThat(c.closedWithin(Duration.ofSeconds(2)))
        .as("connection closed right after the response that was streaming when the drain began")
        .isTrue();
    await().atMost(Duration.ofSeconds(3)).until(stopping::isComplete);
  }
}
