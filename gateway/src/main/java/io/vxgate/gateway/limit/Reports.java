package io.vxgate.gateway.limit;

import io.vertx.core.buffer.Buffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The message a node broadcasts every interval to the others (docs/cluster.md, "Limits"), in a
 * compact binary form: its node id, whether it is leaving, and per cluster-scope policy each key's
 * demand (requests that came to this node, taken or not) since its last message and, for a policy
 * with a concurrency cap, each key's requests in flight now (all of them: a key absent has none).
 *
 * <pre>
 * version:1 node:str leaving:1 policies:u16
 *   ( name:str demand:i32 (hash:i64 count:i32)* inflight:i32 (hash:i64 count:i32)* )*
 * </pre>
 *
 * Strings are a 16-bit length and UTF-8; {@code inflight} is -1 for a policy without a cap.
 */
final class Reports {
  private static final byte VERSION = 1;

  private Reports() {}

  /** Receives one key's count. */
  @FunctionalInterface
  interface Sink {
    void add(long hash, int count);
  }

  /**
   * One policy's part of a report.
   *
   * @param demand each key's demand since the sender's last report
   * @param inflight null for a policy without a concurrency cap
   */
  record PolicyCounts(String policy, LongIntMap demand, @Nullable LongIntMap inflight) {}

  /** A decoded report. */
  record Report(String node, boolean leaving, List<PolicyCounts> policies) {}

  /** Writes reports. */
  static final class Writer {
    private final Buffer out = Buffer.buffer(256);
    private int countAt;
    private int count;
    private int policies;
    private final int policiesAt;

    Writer(String node, boolean leaving) {
      out.appendByte(VERSION);
      string(node);
      out.appendByte((byte) (leaving ? 1 : 0));
      policiesAt = out.length();
      out.appendShort((short) 0);
    }

    private void string(String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      out.appendShort((short) b.length).appendBytes(b);
    }

    /** Adds a policy: each key's demand since the last report, and its requests in flight. */
    Writer policy(Policy p) {
      policies++;
      string(p.name());
      list(p::drainDemand);
      if (p.hasConcurrency()) {
        list(p::inflight);
      } else {
        out.appendInt(-1);
      }
      return this;
    }

    private void list(java.util.function.Consumer<Sink> source) {
      countAt = out.length();
      count = 0;
      out.appendInt(0);
      source.accept(
          (hash, n) -> {
            out.appendLong(hash).appendInt(n);
            count++;
          });
      out.setInt(countAt, count);
    }

    Buffer done() {
      out.setShort(policiesAt, (short) policies);
      return out;
    }
  }

  /**
   * Reads a report.
   *
   * @throws IllegalArgumentException when it is not one of this version
   */
  static Report read(Buffer b) {
    int[] pos = {0};
    if (b.length() < 1 || b.getByte(0) != VERSION) {
      throw new IllegalArgumentException("not a limits report of version " + VERSION);
    }
    pos[0] = 1;
    String node = string(b, pos);
    boolean leaving = b.getByte(pos[0]++) == 1;
    int n = b.getUnsignedShort(pos[0]);
    pos[0] += 2;
    List<PolicyCounts> policies = new ArrayList<>(n);
    for (int i = 0; i < n; i++) {
      String name = string(b, pos);
      LongIntMap demand = counts(b, pos);
      policies.add(
          new PolicyCounts(name, demand == null ? new LongIntMap(0) : demand, counts(b, pos)));
    }
    return new Report(node, leaving, policies);
  }

  /** A list of key counts, or null for the -1 of a policy without a concurrency cap. */
  private static @Nullable LongIntMap counts(Buffer b, int[] pos) {
    int n = b.getInt(pos[0]);
    pos[0] += 4;
    if (n < 0) {
      return null;
    }
    LongIntMap map = new LongIntMap(n);
    for (int k = 0; k < n; k++) {
      long hash = b.getLong(pos[0]);
      int count = b.getInt(pos[0] + 8);
      pos[0] += 12;
      map.put(hash, map.get(hash) + count);
    }
    return map;
  }

  private static String string(Buffer b, int[] pos) {
    int len = b.getUnsignedShort(pos[0]);
    String s = b.getString(pos[0] + 2, pos[0] + 2 + len, "UTF-8");
    pos[0] += 2 + len;
    return s;
  }
}
