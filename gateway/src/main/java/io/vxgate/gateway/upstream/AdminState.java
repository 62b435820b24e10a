package io.vxgate.gateway.upstream;

/** Operator state of a server (HAProxy's READY / DRAIN / MAINT). */
public enum AdminState {
  /** Takes new requests. */
  ENABLED,
  /** Takes no new requests (sticky ones included); in-flight requests finish. */
  DRAIN,
  /** Takes nothing; health checks continue so the state is known when re-enabled. */
  DISABLED
}
