package io.vxgate.config;

import java.util.ArrayList;
import java.util.List;

/**
 * The addresses this node binds ({@code cluster.bind}, the listeners, {@code admin.bind}), in the
 * order read; {@link #check} reports each one that overlaps one before it.
 */
final class Binds {
  private record Bound(String label, HostPort bind, Cursor at) {}

  private final List<Bound> binds = new ArrayList<>();

  /**
   * @param label how an overlapping address names this one ({@code listeners[0]})
   * @param at where an overlap of this address is reported
   */
  void add(String label, HostPort bind, Cursor at) {
    binds.add(new Bound(label, bind, at));
  }

  void check() {
    for (int j = 0; j < binds.size(); j++) {
      Bound b = binds.get(j);
      for (int i = 0; i < j; i++) {
        Bound a = binds.get(i);
        if (overlap(a.bind(), b.bind())) {
          b.at().error(b.bind().toString(), "an address not used by " + a.label());
          break;
        }
      }
    }
  }

  private static boolean overlap(HostPort a, HostPort b) {
    if (a.port() == 0 || a.port() != b.port()) {
      return false;
    }
    return a.host().equalsIgnoreCase(b.host())
        || Syntax.wildcard(a.host())
        || Syntax.wildcard(b.host());
  }
}
