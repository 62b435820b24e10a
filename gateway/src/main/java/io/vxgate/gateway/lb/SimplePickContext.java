package io.vxgate.gateway.lb;

import org.jspecify.annotations.Nullable;

record SimplePickContext(@Nullable CharSequence hashKey) implements PickContext {
  static final SimplePickContext EMPTY = new SimplePickContext(null);

  @Override
  public boolean tried(Endpoint e) {
    return false;
  }
}
