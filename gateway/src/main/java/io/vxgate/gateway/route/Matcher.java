package io.vxgate.gateway.route;

/** One condition of a route's {@code match:} block, compiled once per config version. */
@FunctionalInterface
interface Matcher {
  boolean matches(RequestView request);
}
