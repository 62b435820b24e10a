package io.vxgate.cluster;

import io.vertx.core.Vertx;
import java.util.List;

class LocalClusterContractTest extends ClusterContractTest {
  private Vertx vertx;

  @Override
  List<ClusterNode> start(List<Member> members) {
    vertx = Vertx.vertx();
    LocalCluster cluster = new LocalCluster();
    return members.stream().map(m -> cluster.join(vertx, m)).toList();
  }

  @Override
  void stopAll() {
    nodes.forEach(ClusterNode::close);
    vertx.close().await();
  }
}
