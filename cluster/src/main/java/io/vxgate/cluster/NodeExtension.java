package io.vxgate.cluster;

import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vxgate.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.ServiceLoader;

/**
 * A part of the node process that lives outside the data plane, such as the admin API ({@code
 * vxgate-admin}). The gateway does not depend on extensions: the node main finds them with {@link
 * ServiceLoader} (a {@code META-INF/services/io.vxgate.cluster.NodeExtension} file), lets each
 * adjust the Vert.x options before Vert.x is built, starts them once the node joined the cluster
 * and before its listeners open, and stops them after the listeners drained.
 */
public interface NodeExtension {

  /**
   * Adjusts the Vert.x options of the node (e.g. metrics) before the instance is built. Called at
   * most once, before {@link #start}; not called when the node is given a ready Vert.x instance.
   */
  default VertxOptions configure(VertxOptions options, GatewayConfig local) {
    return options;
  }

  /** Starts the extension; a failure fails the node's start. */
  Future<Void> start(NodeContext context);

  /** Stops the extension (the node is draining or stopped). */
  default Future<Void> stop() {
    return Future.succeededFuture();
  }

  /** A new instance of every extension on the class path, in class path order. */
  static List<NodeExtension> load() {
    List<NodeExtension> out = new ArrayList<>();
    ServiceLoader.load(NodeExtension.class, NodeExtension.class.getClassLoader()).forEach(out::add);
    return List.copyOf(out);
  }
}
