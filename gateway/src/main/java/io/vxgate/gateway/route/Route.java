package io.vxgate.gateway.route;

import io.vxgate.config.RouteConfig;
import java.util.List;

/** A compiled route: its config and the matchers that must all hold. */
public final class Route {
  private final RouteConfig config;
  private final Matcher[] matchers;

  Route(RouteConfig config, List<Matcher> matchers) {
    this.config = config;
    this.matchers = matchers.toArray(new Matcher[0]);
  }

  public RouteConfig config() {
    return config;
  }

  public String name() {
    return config.name();
  }

  boolean matches(RequestView r) {
    for (Matcher m : matchers) {
      if (!m.matches(r)) {
        return false;
      }
    }
    return true;
  }
}
