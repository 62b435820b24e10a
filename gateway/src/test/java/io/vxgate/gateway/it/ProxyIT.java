package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.io.InputStream;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.HashMap;
import java.util.Map;
import java.util.function.Supplier;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Proxying through a real node to real origins: distribution, headers, streaming. */
class ProxyIT {
  @RegisterExtension final Harness h = new Harness();

  private void threeOrigins(String balance) {
    TestOrigin a = h.origin("a");
    TestOrigin b = h.origin("b");
    TestOrigin c = h.origin("c");
    h.gateway(
        """
        %LISTENER%
        trusted-proxies: [10.9.9.0/24]
        upstreams:
          app:
            balance: BALANCE
            servers:
              - {name: a, address: $A}
              - {name: b, address: $B}
              - {name: c, address: $C}
        routes:
          - {name: default, upstream: app}
        """
            .replace("BALANCE", balance)
            .replace("$A", a.address())
            .replace("$B", b.address())
            .replace("$C", c.address()));
  }

  @Test
  void roundRobinSpreadsRequestsEvenlyOverThreeOrigins() {
    threeOrigins("roundrobin");
    Map<String, Integer> seen = new HashMap<>();
    for (int i = 0; i < 60; i++) {
      HttpResponse<String> r = h.get("/x");
      assertThat(r.statusCode()).isEqualTo(200);
      seen.merge(r.body(), 1, Integer::sum);
    }
    // One balancer per upstream is shared by the node's event loops: the split is exact.
    assertThat(seen).containsOnlyKeys("a", "b", "c");
    assertThat(seen.values()).allSatisfy(n -> assertThat(n).isEqualTo(20));
  }

  @Test
  void roundRobinRotatesAcrossConnectionsOnDifferentEventLoops() throws Exception {
    threeOrigins("roundrobin");
    java.util.List<String> order = new java.util.ArrayList<>();
    for (int i = 0; i < 6; i++) {
      String resp =
          h.raw("GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n", Duration.ofSeconds(5));
      order.add(resp.substring(resp.indexOf("\r\n\r\n") + 4));
    }
    assertThat(order).containsExactly("a", "b", "c", "a", "b", "c");
  }

  @Test
  void uriHashSendsTheSamePathToTheSameOrigin() {
    threeOrigins("uri");
    for (int p = 0; p < 20; p++) {
      String first = h.get("/item/" + p).body();
      for (int i = 0; i < 3; i++) {
        assertThat(h.get("/item/" + p + "?q=" + i).body()).isEqualTo(first);
      }
    }
  }

  @Test
  void headerHashPinsAHeaderValueToOneOrigin() {
    threeOrigins("header:X-Tenant");
    Map<String, String> owner = new HashMap<>();
    for (int t = 0; t < 30; t++) {
      String tenant = "tenant-" + t;
      String o = h.get("/", "X-Tenant", tenant).body();
      owner.put(tenant, o);
      assertThat(h.get("/other", "X-Tenant", tenant).body()).isEqualTo(o);
    }
    assertThat(owner.values()).contains("a", "b", "c");
  }

  @Test
  void forwardedHeadersAreSetAndUntrustedOnesReplaced() {
    threeOrigins("roundrobin");
    HttpResponse<String> r =
        h.get(
            "/fwd",
            "X-Forwarded-For",
            "6.6.6.6",
            "X-Real-IP",
            "6.6.6.6",
            "X-Forwarded-Proto",
            "https",
            "X-Request-Id",
            "trace-123");
    assertThat(r.statusCode()).isEqualTo(200);
    var headers =
        h.origins.stream()
            .filter(o -> o.name.equals(r.body()))
            .findFirst()
            .orElseThrow()
            .lastHeaders
            .get();
    assertThat(headers.get("X-Forwarded-For")).isEqualTo("127.0.0.1");
    assertThat(headers.get("X-Real-IP")).isEqualTo("127.0.0.1");
    assertThat(headers.get("X-Forwarded-Proto")).isEqualTo("http");
    assertThat(headers.get("X-Forwarded-Host")).isEqualTo("127.0.0.1:" + h.port);
    assertThat(headers.get("Host")).isEqualTo("127.0.0.1:" + h.port);
    assertThat(headers.get("X-Request-Id")).isEqualTo("trace-123");
    assertThat(r.headers().firstValue("X-Request-Id")).hasValue("trace-123");
  }

  @Test
  void aRequestIdIsGeneratedWhenMissingOrMalformed() {
    threeOrigins("roundrobin");
    HttpResponse<String> r = h.get("/id", "X-Request-Id", "bad id with spaces");
    String id = r.headers().firstValue("X-Request-Id").orElseThrow();
    assertThat(id).matches("[0-9a-f]{32}");
    HttpResponse<String> r2 = h.get("/id");
    assertThat(r2.headers().firstValue("X-Request-Id").orElseThrow())
        .matches("[0-9a-f]{32}")
        .isNotEqualTo(id);
  }

  @Test
  void hopByHopHeadersAreRemovedBothWays() throws Exception {
    threeOrigins("roundrobin");
    String resp =
        h.raw(
            "GET /hop HTTP/1.1\r\nHost: example.test\r\nConnection: close, X-Secret\r\n"
                + "X-Secret: drop-me\r\nKeep-Alive: timeout=5\r\nX-Keep: yes\r\n\r\n",
            Duration.ofSeconds(5));
    assertThat(resp).startsWith("HTTP/1.1 200");
    assertThat(resp.toLowerCase()).doesNotContain("x-hop:");
    String body = resp.substring(resp.indexOf("\r\n\r\n") + 4);
    var headers =
        h.origins.stream()
            .filter(o -> o.name.equals(body))
            .findFirst()
            .orElseThrow()
            .lastHeaders
            .get();
    assertThat(headers.contains("X-Secret")).isFalse();
    assertThat(headers.contains("Keep-Alive")).isFalse();
    assertThat(headers.get("X-Keep")).isEqualTo("yes");
    assertThat(headers.get("Host")).isEqualTo("example.test");
  }

  @Test
  void aOneGibUploadStreamsThroughWithoutBuffering() throws Exception {
    threeOrigins("roundrobin");
    long size = 1L << 30;
    Runtime rt = Runtime.getRuntime();
    Supplier<InputStream> body = () -> new ZeroStream(size);
    HttpRequest req =
        HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + h.port + "/upload"))
            .timeout(Duration.ofSeconds(120))
            .POST(
                HttpRequest.BodyPublishers.fromPublisher(
                    HttpRequest.BodyPublishers.ofInputStream(body), size))
            .build();
    HttpResponse<String> r = h.http.send(req, HttpResponse.BodyHandlers.ofString());
    assertThat(r.statusCode()).isEqualTo(200);
    long received = h.origins.stream().mapToLong(o -> o.bodyBytes.get()).sum();
    assertThat(received).isEqualTo(size);
    // The test JVM runs with -Xmx1g: a gateway that buffered the body would have failed above.
    assertThat(rt.maxMemory()).isLessThanOrEqualTo(size + (256L << 20));
  }

  @Test
  void pathPrefixRoutesAndUnknownPathsGet404() {
    TestOrigin api = h.origin("api");
    TestOrigin web = h.origin("web");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          api: {servers: [{name: api, address: $API}]}
          web: {servers: [{name: web, address: $WEB}]}
        routes:
          - {name: api, match: {path-prefix: /api/}, upstream: api, strip-prefix: /api}
          - {name: web, match: {path-prefix: /web/}, upstream: web}
        """
            .replace("$API", api.address())
            .replace("$WEB", web.address()));
    assertThat(h.get("/api/users?x=1").body()).isEqualTo("api");
    assertThat(api.lastUri.get()).isEqualTo("/users?x=1");
    assertThat(h.get("/web/index.html").body()).isEqualTo("web");
    HttpResponse<String> none = h.get("/nothing");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.headers().firstValue("X-Request-Id")).isPresent();
    // Encoded and dotted paths are normalised before matching: no bypass of the api route.
    assertThat(h.get("/web/../api/users").body()).isEqualTo("api");
    assertThat(h.get("/%61pi/users").body()).isEqualTo("api");
    assertThat(h.get("//api//users").body()).isEqualTo("api");
    assertThat(h.get("/api/%2e%2e/web/x").body()).isEqualTo("web");
    assertThat(h.get("/api%2Fusers").statusCode()).isEqualTo(400);
  }

  /** An input stream of n zero bytes, without allocating them. */
  static final class ZeroStream extends InputStream {
    private long left;

    ZeroStream(long n) {
      left = n;
    }

    @Override
    public int read() {
      if (left == 0) {
        return -1;
      }
      left--;
      return 0;
    }

    @Override
    public int read(byte[] b, int off, int len) {
      if (left == 0) {
        return -1;
      }
      int n = (int) Math.min(len, left);
      java.util.Arrays.fill(b, off, off + n, (byte) 0);
      left -= n;
      return n;
    }
  }
}
