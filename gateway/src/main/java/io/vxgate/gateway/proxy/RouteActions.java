package io.vxgate.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpConnection;
import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.http.HttpServerResponse;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.RouteConfig.HeaderActions;

/** The per-route actions: header changes, redirects and fixed responses. */
final class RouteActions {
  private RouteActions() {}

  /** Removes, then sets, the configured headers. */
  static void apply(HeaderActions actions, MultiMap headers) {
    if (actions.isEmpty()) {
      return;
    }
    for (String name : actions.remove()) {
      headers.remove(name);
    }
    actions.set().forEach(headers::set);
  }

  /**
   * Answers the redirect of {@code route}: {@code location}, followed by the (stripped) path and
   * query when {@code keep-path} is set.
   */
  static void redirect(
      HttpServerRequest req,
      RouteConfig route,
      String path,
      String requestId,
      HttpConnection closeAfter) {
    RouteConfig.RedirectConfig r = route.redirect();
    String location = r.location();
    if (r.keepPath()) {
      String base = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
      String query = req.query();
      location = base + path + (query == null ? "" : "?" + query);
    }
    HttpServerResponse resp = req.response().setStatusCode(r.status());
    resp.putHeader(HttpHeaders.LOCATION, location);
    end(resp, route, requestId, closeAfter, null, Buffer.buffer());
  }

  /** Answers the fixed response of {@code route}. */
  static void fixed(
      HttpServerRequest req, RouteConfig route, String requestId, HttpConnection closeAfter) {
    RouteConfig.ReturnConfig r = route.fixedResponse();
    HttpServerResponse resp = req.response().setStatusCode(r.status());
    boolean bodyless = r.status() == 204 || r.status() == 304;
    end(
        resp,
        route,
        requestId,
        closeAfter,
        bodyless ? null : r.contentType(),
        bodyless ? Buffer.buffer() : Buffer.buffer(r.body()));
  }

  private static void end(
      HttpServerResponse resp,
      RouteConfig route,
      String requestId,
      HttpConnection closeAfter,
      String contentType,
      Buffer body) {
    resp.putHeader(RequestIds.HEADER, requestId);
    if (contentType != null) {
      resp.putHeader(HttpHeaders.CONTENT_TYPE, contentType);
    }
    apply(route.responseHeaders(), resp.headers());
    ConnectionGuard.end(resp, body, closeAfter);
  }
}
