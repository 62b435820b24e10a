package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Keep-alive towards origins, end to end over raw sockets: origin connections are pooled and reused
 * within and across client connections, and never reused when the origin said it closes or sent
 * more than its response. The origin is a {@link RawOrigin}, which counts the connections it
 * accepted.
 */
class OriginReuseIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void sequentialRequestsOnOneClientConnectionReuseOneOriginConnection() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    for (int i = 0; i < 25; i++) {
      c.send("GET /n/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("GET /n/" + i);
    }
    assertThat(origin.seen()).hasSize(25);
    assertThat(origin.accepted.get()).isEqualTo(1);
  }

  @Test
  void originConnectionsAreReusedAcrossClientConnections() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    for (int i = 0; i < 12; i++) {
      Client c = h.connect();
      c.send("GET /c/" + i + " HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n");
      assertThat(c.read().bodyText()).isEqualTo("GET /c/" + i);
      assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    }
    // Pools are per event loop; the node has two.
    assertThat(origin.accepted.get()).isBetween(1, 2);
  }

  @Test
  void anOriginConnectionThatSentMoreThanItsResponseIsNotReused() throws Exception {
    // A body after a response to HEAD: bytes the next request on that connection must never see.
    // One origin connection per event loop and a slow origin, so that requests wait in the pool
    // and a released connection would be handed to a waiter at once, stray bytes and all.
    h.gatewayTo(
        (req, out) -> {
          Thread.sleep(20);
          if (req.method().equals("HEAD")) {
            out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nSTRAY"));
          } else {
            out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
          }
          return true;
        },
        "routes: [{name: default, upstream: app}]",
        "keepalive: {max-connections: 1, idle-timeout: 60s}");
    List<Client> cs = new ArrayList<>();
    for (int i = 0; i < 12; i++) {
      cs.add(h.connect());
    }
    List<CompletableFuture<List<Integer>>> runs = new ArrayList<>();
    ExecutorService threads = Executors.newFixedThreadPool(cs.size());
    for (Client c : cs) {
      runs.add(
          CompletableFuture.supplyAsync(
              () -> {
                List<Integer> seen = new ArrayList<>();
                try {
                  for (int i = 0; i < 3; i++) {
                    c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\n");
                    seen.add(c.readHeadResponse().status());
                    c.send("GET /g HTTP/1.1\r\nHost: x\r\n\r\n");
                    Response get = c.read();
                    seen.add(get.bodyText().equals("ok") ? get.status() : -get.status());
                  }
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
                return seen;
              },
              threads));
    }
    try {
      for (CompletableFuture<List<Integer>> run : runs) {
        assertThat(run.get(30, TimeUnit.SECONDS)).containsOnly(200);
      }
    } finally {
      threads.shutdownNow();
    }
  }

  /**
   * Bytes behind a response without a body that arrive in a second read of the same event-loop
   * pass: the connection was already released, and a pipelined request waits for it. It is closed
   * instead of handed over, and the request gets a connection of its own (docs/reliability.md). The
   * answer to HEAD fills exactly the first read (Netty's first guess of a read's size, 2048 bytes),
   * so that what follows it comes in the second.
   */
  @Test
  void bytesBehindABodilessResponseInTheSameReadPassAreNotTakenForTheNextResponse()
      throws Exception {
    String stray = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\n\r\nEVIL!";
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              if (req.method().equals("HEAD")) {
                String head = "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nX-Pad: ";
                String pad = "p".repeat(FIRST_READ - head.length() - 4);
                out.write(RawOrigin.ascii(head + pad + "\r\n\r\n" + stray));
              } else {
                out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: 2\r\n\r\nok"));
              }
              return true;
            });
    for (int i = 0; i < 5; i++) {
      Client c = h.connect();
      c.send("HEAD /h HTTP/1.1\r\nHost: x\r\n\r\nGET /g HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.readHeadResponse().status()).isEqualTo(200);
      Response get = c.read();
      assertThat(get.bodyText()).as("round " + i).isEqualTo("ok");
      c.close();
    }
    assertThat(origin.seen()).hasSize(10);
  }

  /** The size of the first read on a new connection (AdaptiveRecvByteBufAllocator's default). */
  private static final int FIRST_READ = 2048;

  @Test
  void anOriginConnectionThatWillCloseIsNotReused() throws Exception {
    RawOrigin origin =
        h.gatewayTo(
            (req, out) -> {
              out.write(
                  RawOrigin.ascii(
                      "HTTP/1.1 200 OK\r\nContent-Length: 5\r\nConnection: close\r\n\r\nclose"));
              return false;
            });
    Client c = h.connect();
    for (int i = 0; i < 5; i++) {
      c.send("GET /close/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("close");
      assertThat(r.header("Connection")).as("the origin's Connection is hop-by-hop").isNull();
    }
    assertThat(origin.accepted.get()).isEqualTo(5);

    // An HTTP/1.0 answer without keep-alive means close too, even if the socket stays open a while.
    origin.handler(
        (req, out) -> {
          out.write(RawOrigin.ascii("HTTP/1.0 200 OK\r\nContent-Length: 3\r\n\r\nten"));
          return true;
        });
    for (int i = 0; i < 4; i++) {
      c.send("GET /ten/" + i + " HTTP/1.1\r\nHost: x\r\n\r\n");
      assertThat(c.read().bodyText()).isEqualTo("ten");
    }
    assertThat(origin.accepted.get()).isEqualTo(9);
  }
}
