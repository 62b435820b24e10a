package io.vxgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http.DefaultHttpHeaders;
import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.handler.codec.http.HttpResponseStatus;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.RouteConfig.HeaderActions;
import java.nio.charset.StandardCharsets;

/** The per-route actions: header changes, redirects and fixed responses. */
final class RouteActions {
  private RouteActions() {}

  /** Removes, then sets, the configured headers. */
  static void apply(HeaderActions actions, HttpHeaders headers) {
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
      FrontConnection front,
      RouteConfig route,
      String path,
      String query,
      String requestId,
      boolean close) {
    RouteConfig.RedirectConfig r = route.redirect();
    String location = r.location();
    if (r.keepPath()) {
      String base = location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
      location = base + path + (query == null ? "" : "?" + query);
    }
    HttpHeaders h = new DefaultHttpHeaders();
    h.set(HttpHeaderNames.LOCATION, location);
    end(front, r.status(), route, requestId, close, h, null, new byte[0]);
  }

  /** Answers the fixed response of {@code route}. */
  static void fixed(FrontConnection front, RouteConfig route, String requestId, boolean close) {
    RouteConfig.ReturnConfig r = route.fixedResponse();
    boolean bodyless = r.status() == 204 || r.status() == 304;
    end(
        front,
        r.status(),
        route,
        requestId,
        close,
        new DefaultHttpHeaders(),
        bodyless ? null : r.contentType(),
        bodyless ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8));
  }

  private static void end(
      FrontConnection front,
      int status,
      RouteConfig route,
      String requestId,
      boolean close,
      HttpHeaders h,
      String contentType,
      byte[] body) {
    h.set(RequestIds.HEADER, requestId);
    if (contentType != null) {
      h.set(HttpHeaderNames.CONTENT_TYPE, contentType);
    }
    apply(route.responseHeaders(), h);
    front.respond(HttpResponseStatus.valueOf(status), h, Unpooled.wrappedBuffer(body), close);
  }
}
