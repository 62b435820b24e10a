package io.vxgate.gateway.proxy;

import io.netty.buffer.Unpooled;
import io.vxgate.config.RouteConfig;
import io.vxgate.config.RouteConfig.HeaderActions;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.http1.HeaderFields;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** The per-route actions: header changes, redirects and fixed responses. */
final class RouteActions {
  private RouteActions() {}

  /** Removes, then sets, the configured headers. */
  static void apply(HeaderActions actions, HeaderFields headers) {
    if (actions.isEmpty()) {
      return;
    }
    for (String name : actions.remove()) {
      headers.remove(name);
    }
    actions.set().forEach(headers::set);
  }

  /**
   * Answers a request with the route's own {@code redirect} or {@code return} action and reports it
   * ({@link FrontConnection#ended}).
   *
   * @param path the request's path after {@code strip-prefix}, for {@code keep-path}
   */
  static void answer(
      FrontConnection front,
      ProxySnapshot s,
      RouteConfig route,
      String path,
      @Nullable String query,
      AccessRecord record,
      boolean close) {
    String requestId = record.requestId();
    if (route.action() instanceof RouteConfig.Redirect r) {
      redirect(front, route, r, path, query, requestId, close);
      front.ended(s, record, r.status(), Termination.REDIRECT, 0);
    } else if (route.action() instanceof RouteConfig.Return r) {
      int sent = fixed(front, route, r, requestId, close);
      front.ended(s, record, r.status(), Termination.FIXED_RESPONSE, sent);
    } else {
      throw new IllegalArgumentException("a route the gateway does not answer: " + route.name());
    }
  }

  /**
   * Answers a redirect: {@code location}, followed by the (stripped) path and query when {@code
   * keep-path} is set.
   */
  private static void redirect(
      FrontConnection front,
      RouteConfig route,
      RouteConfig.Redirect r,
      String path,
      @Nullable String query,
      String requestId,
      boolean close) {
    String location = r.location();
    if (r.keepPath()) {
      String base =
          location.endsWith("/") ? location.substring(0, location.length() - 1) : location;
      location = base + path + (query == null ? "" : "?" + query);
    }
    HeaderFields h = new HeaderFields(4);
    h.set("Location", location);
    end(front, r.status(), route, requestId, close, h, null, new byte[0]);
  }

  /** Answers a fixed response; returns the length of its body. */
  private static int fixed(
      FrontConnection front,
      RouteConfig route,
      RouteConfig.Return r,
      String requestId,
      boolean close) {
    boolean bodyless = r.status() == 204 || r.status() == 304;
    byte[] body = bodyless ? new byte[0] : r.body().getBytes(StandardCharsets.UTF_8);
    end(
        front,
        r.status(),
        route,
        requestId,
        close,
        new HeaderFields(4),
        bodyless ? null : r.contentType(),
        body);
    return front.bodyless(r.status()) ? 0 : body.length;
  }

  private static void end(
      FrontConnection front,
      int status,
      RouteConfig route,
      String requestId,
      boolean close,
      HeaderFields h,
      @Nullable String contentType,
      byte[] body) {
    h.set(RequestIds.NAME, requestId);
    if (contentType != null) {
      h.set("Content-Type", contentType);
    }
    apply(route.responseHeaders(), h);
    front.respond(status, h, Unpooled.wrappedBuffer(body), close);
  }
}
