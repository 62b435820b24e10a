package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.GatewayNode;
import io.vxgate.util.Ticker;
import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.Optional;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Cookie-insert sticky sessions through real nodes. */
class StickyIT {
  private static final String SECRET = "sticky-secret-0123456789";
  @RegisterExtension final Harness h = new Harness();
  private GatewayNode second;

  @AfterEach
  void tearDown() {
    if (second != null) {
      second.stop(Duration.ZERO).await();
    }
  }

  private String yaml(String secret) {
    TestOrigin a = h.origins.get(0);
    TestOrigin b = h.origins.get(1);
    TestOrigin c = h.origins.get(2);
    return """
        %LISTENER%
        SECRETS
        upstreams:
          app:
            servers: [{name: a, address: $A}, {name: b, address: $B}, {name: c, address: $C}]
            sticky: {cookie: VXROUTE}
            retries: 2
            passive: {max-fails: 1, fail-timeout: 10s}
        routes: [{name: default, upstream: app}]
        """
        .replace("SECRETS", secret == null ? "" : "secrets: {sticky: " + secret + "}")
        .replace("$A", a.address())
        .replace("$B", b.address())
        .replace("$C", c.address());
  }

  private void start() {
    h.origin("a");
    h.origin("b");
    h.origin("c");
    h.gateway(yaml(SECRET));
  }

  private static Optional<String> cookie(HttpResponse<String> r) {
    return r.headers().firstValue("Set-Cookie");
  }

  private static String value(String setCookie) {
    return setCookie.substring(0, setCookie.indexOf(';'));
  }

  @Test
  void theFirstResponseSetsTheCookieAndLaterRequestsStick() {
    start();
    HttpResponse<String> first = h.get("/");
    String setCookie = cookie(first).orElseThrow();
    assertThat(setCookie).matches("VXROUTE=[A-Za-z0-9_-]{22}; Path=/; HttpOnly; SameSite=Lax");
    for (int i = 0; i < 20; i++) {
      HttpResponse<String> r = h.get("/", "Cookie", value(setCookie));
      assertThat(r.body()).isEqualTo(first.body());
      assertThat(cookie(r)).isEmpty();
    }
  }

  @Test
  void aForgedCookieIsIgnoredAndRewritten() {
    start();
    String forged = "VXROUTE=AAAAAAAAAAAAAAAAAAAAAA";
    java.util.Set<String> seen = new java.util.HashSet<>();
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = h.get("/", "Cookie", forged);
      seen.add(r.body());
      String rewritten = value(cookie(r).orElseThrow());
      assertThat(rewritten).isNotEqualTo(forged);
      assertThat(h.get("/", "Cookie", rewritten).body()).isEqualTo(r.body());
    }
    assertThat(seen).hasSize(3); // balanced normally
  }

  @Test
  void theCookieHoldsOnAnotherNodeWithTheSameSecret() {
    start();
    GatewayConfig config = Harness.parse(yaml(SECRET));
    second = GatewayNode.start(h.vertx, config, Ticker.system(), 2).await();
    int port2 = second.port("web");
    for (int i = 0; i < 6; i++) {
      HttpResponse<String> r = h.get("/");
      String c = value(cookie(r).orElseThrow());
      HttpResponse<String> other = get(port2, c);
      assertThat(other.body()).isEqualTo(r.body());
      assertThat(cookie(other)).isEmpty();
    }
  }

  @Test
  void aCookieOfAnotherSecretIsNotHonoured() {
    start();
    GatewayConfig config = Harness.parse(yaml("another-secret-0123456789"));
    second = GatewayNode.start(h.vertx, config, Ticker.system(), 2).await();
    String c = value(cookie(h.get("/")).orElseThrow());
    assertThat(cookie(get(second.port("web"), c))).isPresent();
  }

  @Test
  void whenTheStickyServerStopsTheRequestGoesElsewhereAndTheCookieIsRewritten() {
    start();
    HttpResponse<String> first = h.get("/");
    String c = value(cookie(first).orElseThrow());
    TestOrigin pinned =
        h.origins.stream().filter(o -> o.name.equals(first.body())).findFirst().orElseThrow();
    pinned.stop();
    HttpResponse<String> moved = h.get("/", "Cookie", c);
    assertThat(moved.statusCode()).isEqualTo(200);
    assertThat(moved.body()).isNotEqualTo(first.body());
    String c2 = value(cookie(moved).orElseThrow());
    assertThat(c2).isNotEqualTo(c);
    for (int i = 0; i < 5; i++) {
      assertThat(h.get("/", "Cookie", c2).body()).isEqualTo(moved.body());
    }
  }

  private HttpResponse<String> get(int port, String cookie) {
    try {
      return h.http.send(
          HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/"))
              .header("Cookie", cookie)
              .build(),
          HttpResponse.BodyHandlers.ofString());
    } catch (Exception e) {
      throw new RuntimeException(e);
    }
  }
}
