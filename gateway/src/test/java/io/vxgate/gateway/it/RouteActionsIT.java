package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.net.http.HttpResponse;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** Per-route header changes, redirects and fixed responses. */
class RouteActionsIT {
  @RegisterExtension final Harness h = new Harness();

  private TestOrigin start() {
    TestOrigin a = h.origin("a");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app: {servers: [{name: a, address: $A}]}
        routes:
          - name: moved
            match: {path-prefix: /old/}
            strip-prefix: /old
            redirect: {location: "https://new.example/base/", status: 308, keep-path: true}
          - {name: login, match: {path: /login}, redirect: {location: /signin}}
          - name: gone
            match: {path: /gone}
            return: {status: 410, body: "gone for good", content-type: text/html}
            response-headers: {set: {Cache-Control: max-age=60}}
          - {name: ping, match: {path: /ping}, return: {status: 204}}
          - name: default
            upstream: app
            request-headers: {set: {X-Gateway: vxgate, Host: backend.internal}, remove: [X-Secret]}
            response-headers: {set: {X-Frame-Options: DENY}, remove: [X-Origin]}
        """
            .replace("$A", a.address()));
    return a;
  }

  @Test
  void requestAndResponseHeadersAreChanged() {
    TestOrigin a = start();
    HttpResponse<String> r = h.get("/x", "X-Secret", "s3cr3t", "X-Keep", "k");
    assertThat(r.statusCode()).isEqualTo(200);
    var sent = a.lastHeaders.get();
    assertThat(sent.get("X-Gateway")).isEqualTo("vxgate");
    assertThat(sent.get("Host")).isEqualTo("backend.internal");
    assertThat(sent.contains("X-Secret")).isFalse();
    assertThat(sent.get("X-Keep")).isEqualTo("k");
    assertThat(r.headers().firstValue("X-Frame-Options")).hasValue("DENY");
    assertThat(r.headers().firstValue("X-Origin")).isEmpty();
  }

  @Test
  void redirects() {
    start();
    HttpResponse<String> r = h.get("/old/a/b?q=1");
    assertThat(r.statusCode()).isEqualTo(308);
    assertThat(r.headers().firstValue("Location")).hasValue("https://new.example/base/a/b?q=1");
    HttpResponse<String> login = h.get("/login?next=/x");
    assertThat(login.statusCode()).isEqualTo(302);
    assertThat(login.headers().firstValue("Location")).hasValue("/signin");
    assertThat(login.headers().firstValue("X-Request-Id")).isPresent();
  }

  @Test
  void fixedResponses() {
    start();
    HttpResponse<String> r = h.get("/gone");
    assertThat(r.statusCode()).isEqualTo(410);
    assertThat(r.body()).isEqualTo("gone for good");
    assertThat(r.headers().firstValue("Content-Type")).hasValue("text/html");
    assertThat(r.headers().firstValue("Cache-Control")).hasValue("max-age=60");
    HttpResponse<String> ping = h.get("/ping");
    assertThat(ping.statusCode()).isEqualTo(204);
    assertThat(ping.body()).isEmpty();
  }

  @Test
  void nothingPipelinedBehindAnAnswerWithAnUnreadBodyReachesAnOrigin() throws Exception {
    TestOrigin a = start();
    // The fixed response leaves the body unread and closes: the request behind it must be dropped,
    // as behind an error (ErrorPages), or an origin would see a request nobody vetted.
    String resp =
        h.raw(
            "POST /gone HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\n\r\nhello"
                + "GET /smuggled HTTP/1.1\r\nHost: x\r\n\r\n",
            java.time.Duration.ofSeconds(5));
    assertThat(resp).startsWith("HTTP/1.1 410");
    assertThat(resp).doesNotContain("HTTP/1.1 200");
    assertThat(a.requests.get()).isZero();
  }
}
