package io.vxgate.cluster;

import io.vertx.core.Vertx;
import io.vxgate.config.GatewayConfig;
import java.util.List;

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

  /** Installs the sink of request-path metrics ({@link ProxyMetrics#NOOP} until then). */
  void metrics(ProxyMetrics metrics);

  /**
   * One server as this node sees it.
   *
   * @param adminState {@code enabled}, {@code drain} or {@code disabled} (see {@link AdminStates})
   * @param healthy health by the cluster's verdict (or this node's checks) and passive marks
   * @param clusterUp the cluster's merged verdict, or null when there is none
   * @param inFlight requests to this server in flight on this node
   */
  record ServerStatus(
      String upstream,
      String server,
      String address,
      String adminState,
      boolean healthy,
      Boolean clusterUp,
      int inFlight) {}
}
