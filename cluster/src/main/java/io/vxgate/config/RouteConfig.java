package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * One ordered route: when {@link #match} holds, the request goes to {@link #upstream}.
 *
 * @param match never null; an empty match matches every request
 * @param stripPrefix nullable; a path prefix removed before proxying
 */
public record RouteConfig(String name, MatchConfig match, String upstream, String stripPrefix) {
  public RouteConfig {
    requireNonNull(name, "name");
    requireNonNull(match, "match");
  }
}
