package io.vxgate.gateway.node;

import io.vertx.core.Future;
import io.vxgate.config.GatewayConfig;
import java.util.List;

/**
 * Applies one node-local section of a reloaded config file in place (docs/operations.md,
 * "Reloading"). A reload first prepares every applier, and commits them all only when each one
 * prepared: so a certificate that does not load, or an address that cannot be bound, leaves
 * everything as it was. A new node-local section (the access log, say) is one more applier in
 * {@link ClusteredNode}'s list.
 */
interface LocalApplier {

  /**
   * Checks and readies {@code after}'s section (loads files, binds sockets) without changing what
   * runs; fails with the reason when it cannot be applied.
   */
  Future<Change> prepare(GatewayConfig before, GatewayConfig after);

  /** A prepared change. */
  interface Change {
    /** No change. */
    Change NONE = List::of;

    /** Puts the change in force; returns what changed in words (empty: nothing). */
    List<String> commit();

    /** Gives the change up (another applier failed): releases what prepare took. */
    default void abort() {}

    /** A change that only reports {@code what} (the section is read live where it is used). */
    static Change report(List<String> what) {
      return () -> what;
    }
  }
}
