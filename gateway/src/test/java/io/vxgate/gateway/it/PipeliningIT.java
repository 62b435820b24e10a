package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.it.RawHttp.Client;
import io.vxgate.gateway.it.RawHttp.Response;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * Pipelined HTTP/1.1 requests, end to end over raw sockets: answered in order on the client's
 * connection, and nothing served behind a {@code Connection: close}. The origin is a {@link
 * RawOrigin}, which answers exactly the bytes a test scripts.
 */
class PipeliningIT {
  @RegisterExtension final Harness h = new Harness();

  @Test
  void threeRequestsPipelinedInOneWriteAreAnsweredInOrder() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send(
        "GET /one HTTP/1.1\r\nHost: x\r\n\r\n"
            + "POST /two HTTP/1.1\r\nHost: x\r\nContent-Type: text/plain\r\nContent-Length: 11\r\n\r\nhello world"
            + "GET /three HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r1 = c.read();
    Response r2 = c.read();
    Response r3 = c.read();
    assertThat(List.of(r1.status(), r2.status(), r3.status())).containsExactly(200, 200, 200);
    assertThat(r1.bodyText()).isEqualTo("GET /one");
    assertThat(r2.bodyText()).isEqualTo("POST /two hello world");
    assertThat(r3.bodyText()).isEqualTo("GET /three");
    assertThat(c.closedWithin(Duration.ofMillis(300))).as("kept alive").isFalse();

    List<RawOrigin.Request> seen = origin.seen();
    assertThat(seen)
        .extracting(RawOrigin.Request::target)
        .containsExactly("/one", "/two", "/three");
    assertThat(seen).extracting(RawOrigin.Request::bodyText).containsExactly("", "hello world", "");
    assertThat(seen.get(1).method()).isEqualTo("POST");
  }

  @Test
  void aHundredRequestsPipelinedInOneWriteAreAnsweredInOrder() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    StringBuilder burst = new StringBuilder();
    for (int i = 0; i < 100; i++) {
      burst.append("GET /p/").append(i).append(" HTTP/1.1\r\nHost: x\r\n\r\n");
    }
    c.send(burst.toString());
    for (int i = 0; i < 100; i++) {
      Response r = c.read();
      assertThat(r.status()).isEqualTo(200);
      assertThat(r.bodyText()).isEqualTo("GET /p/" + i);
    }
    assertThat(origin.seen()).hasSize(100);
  }

  @Test
  void requestsPipelinedBehindConnectionCloseAreNotServed() throws Exception {
    RawOrigin origin = h.gatewayTo(RawOrigin.echo());
    Client c = h.connect();
    c.send(
        "GET /last HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n"
            + "GET /never HTTP/1.1\r\nHost: x\r\n\r\n");
    Response r = c.read();
    assertThat(r.bodyText()).isEqualTo("GET /last");
    assertThat(r.header("Connection")).isEqualToIgnoringCase("close");
    assertThat(c.closedWithin(Duration.ofSeconds(3))).isTrue();
    assertThat(origin.seen()).extracting(RawOrigin.Request::target).containsExactly("/last");
  }
}
