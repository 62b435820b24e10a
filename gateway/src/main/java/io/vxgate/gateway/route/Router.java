package io.vxgate.gateway.route;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.RouteConfig;
import io.vxgate.gateway.geoip.CountryResolver;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The ordered routes of one config version, compiled once; the first route whose matchers all hold
 * wins. Immutable and thread-safe.
 */
public final class Router {
  private final Route[] routes;

  private Router(Route[] routes) {
    this.routes = routes;
  }

  /**
   * Compiles routes (already validated by the config loader) without a GeoIP database: routes with
   * {@code country} never match.
   */
  public static Router compile(List<RouteConfig> configs) {
    return compile(configs, CountryResolver.none());
  }

  /**
   * Compiles routes (already validated by the config loader).
   *
   * @param countries resolves {@link RequestView#source()} for {@code country} matches; for a
   *     config, {@link CountryResolver#forConfig CountryResolver.forConfig(config.geoip())}
   */
  public static Router compile(List<RouteConfig> configs, CountryResolver countries) {
    requireNonNull(countries, "countries");
    Route[] routes = new Route[configs.size()];
    for (int i = 0; i < routes.length; i++) {
      RouteConfig c = configs.get(i);
      routes[i] = new Route(c, Matchers.compile(c.match(), countries));
    }
    return new Router(routes);
  }

  /** The first matching route, or null (404). */
  public @Nullable Route route(RequestView request) {
    for (Route r : routes) {
      if (r.matches(request)) {
        return r;
      }
    }
    return null;
  }
}
