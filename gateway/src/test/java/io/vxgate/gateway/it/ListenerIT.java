package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.time.Duration;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Client-side protections of a listener, checked on raw sockets. */
class ListenerIT {
  @RegisterExtension final Harness h = new Harness();
  private TestOrigin origin;

  @BeforeEach
  void start() {
    origin = h.origin("o");
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, request-header-timeout: 500ms, max-header-size: 4k, max-request-body: 1k}
        upstreams:
          app: {servers: [{name: o, address: $O}]}
        routes: [{name: default, upstream: app}]
        """
            .replace("$O", origin.address()));
  }

  @Test
  void slowRequestHeadersGet408AndTheConnectionIsClosed() throws Exception {
    long start = System.nanoTime();
    String resp = h.raw("GET / HTTP/1.1\r\nHost: x\r\n", Duration.ofSeconds(5));
    long ms = (System.nanoTime() - start) / 1_000_000;
    assertThat(resp).startsWith("HTTP/1.1 408");
    assertThat(ms).isBetween(400L, 4000L);
    assertThat(origin.requests.get()).isZero();
  }

  @Test
  void oversizedHeadersGet431() throws Exception {
    String big = "a".repeat(5000);
    String resp =
        h.raw("GET / HTTP/1.1\r\nHost: x\r\nX-Big: " + big + "\r\n\r\n", Duration.ofSeconds(5));
    assertThat(resp).startsWith("HTTP/1.1 431");
    assertThat(origin.requests.get()).isZero();
  }

  @Test
  void aBodyOverTheLimitGets413BeforeReachingTheOrigin() throws Exception {
    long start = System.nanoTime();
    String resp =
        h.raw(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 5000\r\n\r\n" + "b".repeat(100),
            Duration.ofSeconds(5));
    assertThat(resp).startsWith("HTTP/1.1 413");
    assertThat(origin.requests.get()).isZero();
    // The unread body is not waited for: the connection is closed right after the answer.
    assertThat((System.nanoTime() - start) / 1_000_000).isLessThan(3000);
  }

  @Test
  void aChunkedBodyOverTheLimitIsCutWith413() throws Exception {
    String chunk = Integer.toHexString(2000) + "\r\n" + "c".repeat(2000) + "\r\n";
    String resp =
        h.raw(
            "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n"
                + chunk
                + "0\r\n\r\n",
            Duration.ofSeconds(5));
    assertThat(resp).startsWith("HTTP/1.1 413");
  }

  @Test
  void ambiguousLengthsAreRefusedWith400() throws Exception {
    String both =
        h.raw(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nTransfer-Encoding: chunked\r\n\r\n0\r\n\r\n",
            Duration.ofSeconds(5));
    assertThat(both).startsWith("HTTP/1.1 400");
    String twice =
        h.raw(
            "POST / HTTP/1.1\r\nHost: x\r\nContent-Length: 4\r\nContent-Length: 5\r\n\r\nabcde",
            Duration.ofSeconds(5));
    assertThat(twice).startsWith("HTTP/1.1 400");
    assertThat(origin.requests.get()).isZero();
  }

  @Test
  void aMissingHostOnHttp11Gets400() throws Exception {
    long start = System.nanoTime();
    String resp = h.raw("GET / HTTP/1.1\r\n\r\n", Duration.ofSeconds(5));
    assertThat(resp).startsWith("HTTP/1.1 400");
    assertThat((System.nanoTime() - start) / 1_000_000)
        .as("closed after a malformed request")
        .isLessThan(3000);
    assertThat(origin.requests.get()).isZero();
  }

  @Test
  void keepAliveRequestsWorkAfterEachOther() throws Exception {
    String resp =
        h.raw(
            "GET /1 HTTP/1.1\r\nHost: x\r\n\r\nGET /2 HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n",
            Duration.ofSeconds(5));
    assertThat(resp.split("HTTP/1.1 200", -1)).hasSize(3);
  }
}
