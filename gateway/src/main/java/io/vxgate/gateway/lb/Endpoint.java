package io.vxgate.gateway.lb;

/**
 * What a {@link Balancer} sees of one server: its identity, weight and live state. Implementations
 * are thread-safe; the live state (availability, in-flight count, slow-start weight) may change
 * between two calls.
 */
public interface Endpoint {

  /** The server name, unique within its upstream; hashing balancers place servers by this name. */
  String name();

  /** The configured weight (1..256). */
  int weight();

  /**
   * The weight to use now: the configured weight, reduced while the server ramps up after becoming
   * available (slow start). Always at least 1.
   */
  int effectiveWeight(long nowNanos);

  /** Requests currently in flight to this server from this node. */
  int inFlight();

  /** Whether the server may take a new request now (healthy, enabled, under max-conns). */
  boolean available(long nowNanos);
}
