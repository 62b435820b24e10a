package io.vxgate.cluster;

import io.vertx.core.buffer.Buffer;
import java.util.function.Consumer;

/**
 * Best-effort messages from one node to all the others on one topic: what nodes tell each other
 * often and can afford to lose one of, such as the counts of cluster-wide limits (docs/cluster.md,
 * "Limits"). Over the clustered event bus for a Hazelcast node (mutual TLS with {@code
 * cluster.tls}), in memory for a {@link LocalCluster}. A message is never delivered to the node
 * that published it.
 */
public interface Broadcast {

  /** Sends {@code message} to every other node listening on the topic; it may be lost. */
  void publish(Buffer message);

  /**
   * Calls {@code listener} with every message another node publishes on the topic, on a thread of
   * the cluster (it must not block).
   */
  Subscription listen(Consumer<Buffer> listener);
}
