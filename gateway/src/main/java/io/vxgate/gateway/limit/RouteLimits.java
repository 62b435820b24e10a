package io.vxgate.gateway.limit;

import io.vxgate.config.Cidr;
import io.vxgate.config.LimitConfig;
import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The limits of one route in one config version: its policies in order, each with how its key is
 * read. {@link #admit} is the one check before a request is dispatched, with nginx's order: every
 * rate policy takes the request, or the first that refuses wins and the others give it back; the
 * request waits for the longest delay. Thread-safe.
 */
public final class RouteLimits {
  private final Policy[] policies;
  private final LimitConfig.Key.Kind[] kinds;
  private final @Nullable String[] names;
  private final long[] constants;
  private final Cidr[][] exempt;
  private final int caps;

  RouteLimits(List<Policy> policies, String route, String upstream) {
    int n = policies.size();
    this.policies = policies.toArray(new Policy[0]);
    this.kinds = new LimitConfig.Key.Kind[n];
    this.names = new String[n];
    this.constants = new long[n];
    this.exempt = new Cidr[n][];
    int c = 0;
    for (int i = 0; i < n; i++) {
      LimitConfig l = this.policies[i].config();
      kinds[i] = l.key().kind();
      names[i] = l.key().name();
      constants[i] =
          switch (kinds[i]) {
            case ROUTE -> Policy.hash(route);
            case UPSTREAM -> Policy.hash(upstream);
            default -> 0;
          };
      exempt[i] = l.exempt().stream().map(Cidr::parse).toArray(Cidr[]::new);
      c += l.concurrency() > 0 ? 1 : 0;
    }
    this.caps = c;
  }

  /** The policies' configs, in order. */
  public List<LimitConfig> policies() {
    return java.util.Arrays.stream(policies).map(Policy::config).toList();
  }

  /**
   * Counts the request against each policy (a policy whose key the request lacks, or that exempts
   * its client, does not count it).
   *
   * @param nowMs the node's ticker in ms (the one its policies were made with)
   */
  public Admission admit(LimitRequest req, long nowMs) {
    long delay = 0;
    @Nullable LimitConfig delayedBy = null;
    Policy @Nullable [] entered = null;
    long @Nullable [] held = null;
    int count = 0;
    for (int i = 0; i < policies.length; i++) {
      Policy p = policies[i];
      long h = key(i, req);
      if (h == 0) {
        continue;
      }
      if (p.hasRate()) {
        long d = p.take(h, nowMs);
        if (d < 0) {
          undo(i, req, entered, held, count);
          return Admission.refused(p.config(), -d, false);
        }
        if (d > delay) {
          delay = d;
          delayedBy = p.config();
        }
      }
      if (p.hasConcurrency()) {
        if (!p.enter(h, nowMs)) {
          if (p.hasRate()) {
            p.refund(h);
          }
          undo(i, req, entered, held, count);
          return Admission.refused(p.config(), Policy.CONCURRENCY_RETRY_MS, true);
        }
        if (entered == null || held == null) {
          entered = new Policy[caps];
          held = new long[caps];
        }
        entered[count] = p;
        held[count++] = h;
      }
    }
    return Admission.admitted(delay, delayedBy, entered, held, count);
  }

  /** Gives back what the policies before {@code upTo} took. */
  private void undo(
      int upTo, LimitRequest req, Policy @Nullable [] entered, long @Nullable [] held, int count) {
    for (int i = 0; i < upTo; i++) {
      if (policies[i].hasRate()) {
        long h = key(i, req);
        if (h != 0) {
          policies[i].refund(h);
        }
      }
    }
    if (entered == null || held == null) {
      return;
    }
    for (int i = 0; i < count; i++) {
      entered[i].exit(held[i]);
    }
  }

  /** The hash of policy {@code i}'s key for the request; 0 when it does not count the request. */
  private long key(int i, LimitRequest req) {
    Cidr[] ex = exempt[i];
    if (ex.length > 0) {
      InetAddress a = req.clientAddress();
      if (a != null) {
        byte[] b = a.getAddress();
        for (Cidr c : ex) {
          if (c.contains(b)) {
            return 0;
          }
        }
      }
    }
    String text =
        switch (kinds[i]) {
          case ROUTE, UPSTREAM -> null;
          case CLIENT_IP -> req.clientIp();
          case HEADER -> req.header(names[i]);
          case COOKIE -> req.cookie(names[i]);
        };
    if (constants[i] != 0) {
      return constants[i];
    }
    // nginx: a request whose key is empty is not counted
    return text == null || text.isEmpty() ? 0 : Policy.hash(text);
  }
}
