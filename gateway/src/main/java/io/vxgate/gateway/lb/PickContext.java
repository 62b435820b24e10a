package io.vxgate.gateway.lb;

import org.jspecify.annotations.Nullable;

/** What a balancer may know about the request it picks a server for. */
public interface PickContext {

  /**
   * The key hashing balancers hash (client address, URI, header or cookie value), or null when the
   * request has none; hashing balancers then fall back to round robin, as HAProxy does.
   */
  @Nullable CharSequence hashKey();

  /**
   * Whether this request already tried {@code e} (retries go to another server when one is
   * available).
   */
  boolean tried(Endpoint e);

  /** A context with no hash key and nothing tried. */
  static PickContext empty() {
    return SimplePickContext.EMPTY;
  }

  /** A context with the given hash key and nothing tried. */
  static PickContext ofKey(CharSequence key) {
    return new SimplePickContext(key);
  }
}
