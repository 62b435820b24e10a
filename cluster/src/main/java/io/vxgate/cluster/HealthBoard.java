package io.vxgate.cluster;

import io.vertx.core.Future;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.function.Consumer;

/**
 * The cluster's shared view of server health. Assigned checkers publish their active verdicts,
 * every node publishes its passive down-marks, and every node routes on the merged {@link #view()}
 * (rules in {@link HealthMerge}). Who checks which server is decided by {@link CheckerAssignment}
 * over the live {@link Membership}, {@value #DEFAULT_CHECKERS} per datacenter by default.
 *
 * <p>{@link #view()} is a volatile read of the last merged view and never calls the cluster. A node
 * cut off from the cluster keeps its last view; with only itself live it is the checker of every
 * server, so its own verdicts decide.
 */
public interface HealthBoard {

  /** Checkers per server and datacenter. */
  int DEFAULT_CHECKERS = 2;

  /** Publishes an active check verdict of {@code node} on one server (replacing its previous). */
  Future<Void> publish(String node, ServerId server, boolean up, String reason);

  /** Publishes a passive down-mark of {@code node} on one server, lapsing after {@code downFor}. */
  Future<Void> reportPassive(String node, ServerId server, Duration downFor, String reason);

  /** The last merged view (no cluster call). */
  HealthView view();

  /** The nodes that should actively check {@code server} now. */
  List<String> checkers(ServerId server);

  /**
   * Tells the board each server's datacenter ({@code servers[].datacenter}) from the applied
   * config: such a server is checked by its own datacenter's nodes while that datacenter has live
   * members ({@link CheckerAssignment}). Servers absent from the map have no datacenter. Every node
   * passes the same map from the same config version.
   */
  void serverDatacenters(Map<ServerId, String> datacenters);

  /**
   * Calls {@code listener} with the new view after each change of votes or membership, on a cluster
   * event thread (it must not block).
   */
  Subscription listen(Consumer<HealthView> listener);
}
