package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Response backpressure, end to end over raw sockets: a client that does not read pauses the origin
 * instead of filling the gateway's memory. The origin is a {@link RawOrigin}, which counts what it
 * wrote.
 */
class BackpressureIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void aClientThatDoesNotReadPausesTheOrigin() throws Exception {
    // 64 MiB from the origin to a client that reads nothing for a while: the gateway must stop
    // reading the origin (backpressure), not hold the response in memory. Loopback socket buffers
    // on the way (client, gateway both sides, origin) hold some MiB, not 40.
    int size = 64 << 20;
    AtomicLong written = new AtomicLong();
    h.gatewayTo(
        (req, out) -> {
          out.write(RawOrigin.ascii("HTTP/1.1 200 OK\r\nContent-Length: " + size + "\r\n\r\n"));
          byte[] chunk = new byte[65536];
          for (int sent = 0; sent < size; sent += chunk.length) {
            out.write(chunk);
            written.addAndGet(chunk.length);
          }
          return true;
        });
    Client c = h.connect();
    c.send("GET /big HTTP/1.1\r\nHost: x\r\n\r\n");
    await().atMost(Duration.ofSeconds(10)).until(() -> written.get() >= (4 << 20));
    await()
        .during(Duration.ofSeconds(2))
        .atMost(Duration.ofSeconds(4))
        .until(() -> written.get() < (40 << 20));
    // Then the client reads it all, and the origin gets to write the rest.
    Response head = c.readHead();
    assertThat(head.status()).isEqualTo(200);
    assertThat(head.header("Content-Length")).isEqualTo(Integer.toString(size));
    byte[] buf = new byte[1 << 16];
    long total = 0;
    while (total < size) {
      int n = c.readSome(buf);
      assertThat(n).as("body bytes after " + total).isPositive();
      total += n;
    }
    assertThat(total).isEqualTo(size);
    assertThat(written.get()).isEqualTo(size);
  }
}
