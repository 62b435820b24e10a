package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
import io.vxgate.config.GatewayConfig;
import java.util.Collections;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;

/**
 * What a {@link NodeExtension} sees of its node: the Vert.x instance, the cluster side, the node's
 * own config and the live data plane (read only), plus the one hook into the request path, {@link
 * #metrics(ProxyMetrics)}. Implemented by the gateway's node.
 */
public interface NodeContext {

  Vertx vertx();

  /** The cluster side: membership, config store, health board. */
  ClusterNode cluster();

  /**
   * The node's own config (file, flags and environment): its node-local sections are the ones in
   * force; its cluster-wide sections are only the file's and may be older than the cluster's.
   */
  GatewayConfig localConfig();

  /** The cluster config version the data plane runs (0: none from the cluster yet). */
  long appliedVersion();

  /** Whether the data plane compiled a config and its listeners are bound. */
  boolean started();

  /** Whether the node is draining (shutting down): it must not be reported ready. */
  boolean draining();

  /** This node's live view of every server of the config it runs. */
  List<ServerStatus> servers();

  /** The node's access log ({@link AccessLogControl#NONE} when it has none). */
  default AccessLogControl accessLog() {
    return AccessLogControl.NONE;
  }

  /**
   * Re-reads the node's config file and applies it (docs/operations.md, "Reloading"): node-local
   * sections in place, cluster-wide ones as a new version unless someone else changed the cluster's
   * since the file was last in force ({@code force}: write them anyway). Never fails: an invalid
   * file is a report with errors, and then nothing changed.
   */
  default io.vertx.core.Future<ReloadReport> reload(boolean force) {
    return io.vertx.core.Future.succeededFuture(
        ReloadReport.invalid(List.of("this node has no config file to reload")));
  }

  /**
   * Starts a new process of this node with the same command line and {@code --takeover}
   * (docs/operations.md, "Upgrading without downtime"): it takes this node's listening sockets, and
   * this one drains and exits. Succeeds with the new process's id once it is started.
   */
  default io.vertx.core.Future<Long> upgrade() {
    return io.vertx.core.Future.failedFuture(
        new UnsupportedOperationException("this node cannot start a new process of itself"));
  }

  /** Installs the sink of request-path metrics ({@link ProxyMetrics#NOOP} until then). */
  void metrics(ProxyMetrics metrics);

  /**
   * One server as this node sees it.
   *
   * @param address the configured address ({@code host:port})
   * @param state the operator state
   * @param flags why it is out, or ramping up, on this node (empty: available at full weight)
   * @param reason the flags in words, for people ({@code disabled by an operator}, {@code healthy})
   * @param inFlight requests to this server in flight on this node
   */
  record ServerStatus(
      ServerId id,
      String address,
      AdminState state,
      Set<HealthFlag> flags,
      String reason,
      int inFlight) {
    public ServerStatus {
      requireNonNull(id, "id");
      requireNonNull(address, "address");
      requireNonNull(state, "state");
      flags = flags.isEmpty() ? Set.of() : Collections.unmodifiableSet(EnumSet.copyOf(flags));
      requireNonNull(reason, "reason");
    }

    /** Whether it takes new requests on this node ({@link HealthFlag#available}). */
    public boolean available() {
      return HealthFlag.available(HealthFlag.bits(flags));
    }

    /** Whether it is healthy by active and passive checks ({@link HealthFlag#healthy}). */
    public boolean healthy() {
      return HealthFlag.healthy(HealthFlag.bits(flags));
    }
  }
}
