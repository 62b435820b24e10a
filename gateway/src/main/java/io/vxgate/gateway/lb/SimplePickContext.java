package io.vxgate.gateway.lb;

record SimplePickContext(CharSequence hashKey) implements PickContext {
  static final SimplePickContext EMPTY = new SimplePickContext(null);

  @Override
  public boolean tried(Endpoint e) {
    return false;
  }
}
