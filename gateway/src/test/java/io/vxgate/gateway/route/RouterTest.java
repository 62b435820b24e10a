package io.vxgate.gateway.route;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.http.HttpMethod;
import io.vxgate.config.MatchConfig;
import io.vxgate.config.RouteConfig;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class RouterTest {

  record Req(
      String path,
      String host,
      HttpMethod method,
      Map<String, String> headers,
      Map<String, String> query,
      InetAddress source,
      boolean websocket)
      implements RequestView {
    static Req get(String path) {
      return new Req(
          path, "example.com", HttpMethod.GET, Map.of(), Map.of(), ip("192.0.2.1"), false);
    }

    @Override
    public String header(String name) {
      return headers.get(name);
    }

    @Override
    public String queryParam(String name) {
      return query.get(name);
    }
  }

  static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  private static MatchConfig match(
      String prefix,
      String path,
      String regex,
      String host,
      List<String> methods,
      Map<String, String> headers,
      Map<String, String> query,
      List<String> source,
      Boolean ws) {
    return new MatchConfig(
        prefix, path, regex, host, methods, headers, query, source, ws, List.of());
  }

  private static RouteConfig route(String name, MatchConfig m) {
    return new RouteConfig(name, m, name, null);
  }

  @Test
  void firstMatchingRouteWinsAndAnEmptyMatchTakesTheRest() {
    Router r =
        Router.compile(
            List.of(
                route(
                    "api",
                    match(
                        "/api/", null, null, null, List.of(), Map.of(), Map.of(), List.of(), null)),
                route(
                    "exact",
                    match(
                        null, "/login", null, null, List.of(), Map.of(), Map.of(), List.of(),
                        null)),
                route("default", MatchConfig.any())));
    assertThat(r.route(Req.get("/api/x")).name()).isEqualTo("api");
    assertThat(r.route(Req.get("/login")).name()).isEqualTo("exact");
    assertThat(r.route(Req.get("/login/more")).name()).isEqualTo("default");
    assertThat(r.route(Req.get("/apix")).name()).isEqualTo("default");
  }

  /** A route's host with the root label's dot or capitals matches the normalised request host. */
  @Test
  void aHostPatternIsNormalisedLikeTheRequestsHost() {
    Router r =
        Router.compile(
            List.of(
                route("exact", hostMatch("Admin.Example.")),
                route("suffix", hostMatch("*.Internal.Example."))));
    assertThat(r.route(withHost("admin.example")).name()).isEqualTo("exact");
    assertThat(r.route(withHost("db.internal.example")).name()).isEqualTo("suffix");
    assertThat(r.route(withHost("internal.example"))).isNull();
  }

  private static MatchConfig hostMatch(String host) {
    return match(null, null, null, host, List.of(), Map.of(), Map.of(), List.of(), null);
  }

  private static Req withHost(String host) {
    return new Req("/", host, HttpMethod.GET, Map.of(), Map.of(), ip("192.0.2.1"), false);
  }

  @Test
  void noMatchGivesNull() {
    Router r =
        Router.compile(
            List.of(
                route(
                    "api",
                    match(
                        "/api/", null, null, null, List.of(), Map.of(), Map.of(), List.of(),
                        null))));
    assertThat(r.route(Req.get("/other"))).isNull();
  }

  @Test
  void allConditionsOfOneMatchMustHold() {
    Router r =
        Router.compile(
            List.of(
                route(
                    "admin",
                    match(
                        "/admin",
                        null,
                        null,
                        "*.example.com",
                        List.of("GET", "POST"),
                        Map.of("X-Team", "~^ops-"),
                        Map.of("debug", "1"),
                        List.of("10.0.0.0/8"),
                        false))));
    Req ok =
        new Req(
            "/admin/x",
            "a.example.com",
            HttpMethod.POST,
            Map.of("X-Team", "ops-1"),
            Map.of("debug", "1"),
            ip("10.1.2.3"),
            false);
    assertThat(r.route(ok)).isNotNull();
    assertThat(
            r.route(
                new Req(
                    ok.path(),
                    "example.com",
                    ok.method(),
                    ok.headers(),
                    ok.query(),
                    ok.source(),
                    false)))
        .isNull();
    assertThat(
            r.route(
                new Req(
                    ok.path(),
                    ok.host(),
                    HttpMethod.DELETE,
                    ok.headers(),
                    ok.query(),
                    ok.source(),
                    false)))
        .isNull();
    assertThat(
            r.route(
                new Req(
                    ok.path(),
                    ok.host(),
                    ok.method(),
                    Map.of("X-Team", "dev"),
                    ok.query(),
                    ok.source(),
                    false)))
        .isNull();
    assertThat(
            r.route(
                new Req(
                    ok.path(), ok.host(), ok.method(), ok.headers(), Map.of(), ok.source(), false)))
        .isNull();
    assertThat(
            r.route(
                new Req(
                    ok.path(),
                    ok.host(),
                    ok.method(),
                    ok.headers(),
                    ok.query(),
                    ip("192.0.2.1"),
                    false)))
        .isNull();
    assertThat(
            r.route(
                new Req(
                    ok.path(),
                    ok.host(),
                    ok.method(),
                    ok.headers(),
                    ok.query(),
                    ok.source(),
                    true)))
        .isNull();
  }

  @Test
  void pathRegexAndWebsocket() {
    Router r =
        Router.compile(
            List.of(
                route(
                    "ws",
                    match(null, null, null, null, List.of(), Map.of(), Map.of(), List.of(), true)),
                route(
                    "num",
                    match(
                        null,
                        null,
                        "^/items/[0-9]+$",
                        null,
                        List.of(),
                        Map.of(),
                        Map.of(),
                        List.of(),
                        null))));
    assertThat(r.route(Req.get("/items/42")).name()).isEqualTo("num");
    assertThat(r.route(Req.get("/items/abc"))).isNull();
    Req ws = new Req("/chat", "h", HttpMethod.GET, Map.of(), Map.of(), ip("127.0.0.1"), true);
    assertThat(r.route(ws).name()).isEqualTo("ws");
  }
}
