package io.vxgate.gateway.route;

import io.vxgate.config.RouteConfig;
import java.util.List;

/**
 * The ordered routes of one config version, compiled once; the first route whose matchers all
 * hold wins. Immutable and thread-safe.
 */
public final class Router {
  private final Route[] routes;

  private Router(Route[] routes) {
    this.routes = routes;
  }

  /** Compiles routes (already validated by the config loader). */
  public static Router compile(List<RouteConfig> configs) {
    Route[] routes = new Route[configs.size()];
    for (int i = 0; i < routes.length; i++) {
      RouteConfig c = configs.get(i);
      routes[i] = new Route(c, Matchers.compile(c.match()));
    }
    return new Router(routes);
  }

  /** The first matching route, or null (404). */
  public Route route(RequestView request) {
    for (Route r : routes) {
      if (r.matches(request)) {
        return r;
      }
    }
    return null;
  }
}
