package io.vxgate.cluster.dns;

import io.vxgate.config.DnsSyncConfig;
import java.io.IOException;
import java.net.InetAddress;
import java.time.Duration;
import java.util.Set;

/**
 * The A/AAAA record set of one DNS name, as the authoritative server holds it. Blocking: call it
 * from a worker thread.
 */
public interface RecordSet {

  /** The addresses published now (A and AAAA records; none when the name does not exist). */
  Set<InetAddress> read() throws IOException;

  /**
   * Removes {@code remove} and adds {@code add} in one atomic change.
   *
   * @throws IOException when the server cannot be reached or refuses the change
   */
  void apply(Set<InetAddress> remove, Set<InetAddress> add) throws IOException;

  /**
   * The record set of {@code config.name()}: read with queries to {@code config.server()}, changed
   * with RFC 2136 updates of {@code config.zone()}, both signed with {@code config.tsig()} when it
   * is set.
   *
   * @param timeout per query or update
   */
  static RecordSet rfc2136(DnsSyncConfig config, Duration timeout) {
    return new Rfc2136RecordSet(config, timeout);
  }
}
