package io.vxgate.gateway.lb;

import java.util.Set;

/** A pick context with a hash key and a set of servers this request already tried. */
record TestContext(CharSequence hashKey, Set<Endpoint> triedServers) implements PickContext {

  /** No hash key; {@code servers} already tried. */
  static TestContext retryAfter(Endpoint... servers) {
    return new TestContext(null, Set.of(servers));
  }

  /** Hash key {@code key}; {@code servers} already tried. */
  static TestContext retryAfter(CharSequence key, Endpoint... servers) {
    return new TestContext(key, Set.of(servers));
  }

  @Override
  public boolean tried(Endpoint e) {
    return triedServers.contains(e);
  }
}
