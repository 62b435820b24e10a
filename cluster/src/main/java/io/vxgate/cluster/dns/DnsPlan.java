package io.vxgate.cluster.dns;

import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.Set;

/**
 * One change of the record set: the stale addresses to remove and the missing ones to add.
 *
 * @param remove published, not wanted
 * @param add wanted, not published
 */
record DnsPlan(Set<InetAddress> remove, Set<InetAddress> add) {
  DnsPlan {
    remove = Set.copyOf(remove);
    add = Set.copyOf(add);
  }

  /** What turns {@code current} into {@code desired}. */
  static DnsPlan between(Set<InetAddress> current, Set<InetAddress> desired) {
    Set<InetAddress> remove = new LinkedHashSet<>(current);
    remove.removeAll(desired);
    Set<InetAddress> add = new LinkedHashSet<>(desired);
    add.removeAll(current);
    return new DnsPlan(remove, add);
  }

  boolean isEmpty() {
    return remove.isEmpty() && add.isEmpty();
  }
}
