package io.vxgate.cluster.dns;

import java.io.IOException;
import java.net.InetAddress;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;

/** The in-memory twin of a DNS server's record set; it can be told to fail. */
final class MemoryRecordSet implements RecordSet {
  private final Set<InetAddress> records = new LinkedHashSet<>();
  final List<DnsPlan> applied = new CopyOnWriteArrayList<>();
  volatile boolean failing;

  MemoryRecordSet(InetAddress... initial) {
    records.addAll(List.of(initial));
  }

  @Override
  public synchronized Set<InetAddress> read() throws IOException {
    if (failing) {
      throw new IOException("server down (test)");
    }
    return Set.copyOf(records);
  }

  @Override
  public synchronized void apply(Set<InetAddress> remove, Set<InetAddress> add) throws IOException {
    if (failing) {
      throw new IOException("server down (test)");
    }
    records.removeAll(remove);
    records.addAll(add);
    applied.add(new DnsPlan(remove, add));
  }

  synchronized Set<String> addresses() {
    Set<String> out = new java.util.TreeSet<>();
    records.forEach(a -> out.add(a.getHostAddress()));
    return out;
  }
}
