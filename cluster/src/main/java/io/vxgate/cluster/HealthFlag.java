package io.vxgate.cluster;

import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Locale;
import java.util.Set;

/**
 * Why a server is out, or ramping up, on one node: a set of flags in one {@code int} (Envoy's
 * {@code Host::HealthFlag}). A node derives availability and the panic mode from the flags here and
 * nowhere else ({@link #available}, {@link #availableInPanic}); the admin API shows them by their
 * {@link #json()} names. The table of flags and their meaning is in {@code docs/admin.md} ("Why a
 * server is out").
 */
public enum HealthFlag {
  /**
   * This node's active checks say down, and the cluster has no verdict on the server (standalone,
   * or before any node reported on it). A cluster verdict replaces this node's own active state.
   */
  FAILED_ACTIVE_HC,
  /** This node's requests to it failed {@code max-fails} times within {@code fail-timeout}. */
  FAILED_PASSIVE,
  /** The cluster's merged verdict says down (active checks of its checkers, or passive marks). */
  CLUSTER_DOWN,
  /** Disabled by an operator: takes nothing. */
  DISABLED,
  /** Drained by an operator: takes no new requests, in-flight ones finish. */
  DRAINING,
  /** This node has {@code max-conns} requests in flight to it. */
  AT_MAX_CONNS,
  /** Ramping up after it came back ({@code slow-start}): available, at a reduced weight. */
  SLOW_START;

  /** The flags that take a server out: all but {@link #SLOW_START}. */
  public static final int UNAVAILABLE =
      FAILED_ACTIVE_HC.bit()
          | FAILED_PASSIVE.bit()
          | CLUSTER_DOWN.bit()
          | DISABLED.bit()
          | DRAINING.bit()
          | AT_MAX_CONNS.bit();

  /**
   * The flags that still take a server out in panic mode, when no server of its upstream is
   * available: all of {@link #UNAVAILABLE} but {@link #FAILED_PASSIVE}.
   */
  public static final int UNAVAILABLE_IN_PANIC = UNAVAILABLE & ~FAILED_PASSIVE.bit();

  /** The flags of health checks, whatever the operator state and load. */
  public static final int UNHEALTHY =
      FAILED_ACTIVE_HC.bit() | FAILED_PASSIVE.bit() | CLUSTER_DOWN.bit();

  /** The reason shown for a server without flags (as Envoy's admin shows {@code healthy}). */
  public static final String HEALTHY = "healthy";

  /** This flag's bit. */
  // The bits never leave the process (flags travel by their JSON names), so, as in EnumSet, the
  // declaration order may number them.
  @SuppressWarnings("EnumOrdinal")
  public int bit() {
    return 1 << ordinal();
  }

  /** The JSON name: {@code failed_active_hc}, {@code failed_passive}, ... */
  public String json() {
    return name().toLowerCase(Locale.ROOT);
  }

  /** Whether a server with {@code flags} takes new requests. */
  public static boolean available(int flags) {
    return (flags & UNAVAILABLE) == 0;
  }

  /** Whether a server with {@code flags} takes new requests when its upstream is in panic mode. */
  public static boolean availableInPanic(int flags) {
    return (flags & UNAVAILABLE_IN_PANIC) == 0;
  }

  /** Whether a server with {@code flags} is healthy by active and passive checks. */
  public static boolean healthy(int flags) {
    return (flags & UNHEALTHY) == 0;
  }

  /** Whether {@code flags} has this flag. */
  public boolean in(int flags) {
    return (flags & bit()) != 0;
  }

  /** The bits of {@code flags}. */
  public static int bits(Set<HealthFlag> flags) {
    int out = 0;
    for (HealthFlag f : flags) {
      out |= f.bit();
    }
    return out;
  }

  /** The flags of {@code bits}, in declaration order. */
  public static Set<HealthFlag> of(int bits) {
    Set<HealthFlag> out = EnumSet.noneOf(HealthFlag.class);
    for (HealthFlag f : values()) {
      if (f.in(bits)) {
        out.add(f);
      }
    }
    return out;
  }

  /** The JSON names of {@code flags}, in declaration order. */
  public static List<String> names(Set<HealthFlag> flags) {
    List<String> out = new ArrayList<>(flags.size());
    for (HealthFlag f : values()) {
      if (flags.contains(f)) {
        out.add(f.json());
      }
    }
    return out;
  }
}
