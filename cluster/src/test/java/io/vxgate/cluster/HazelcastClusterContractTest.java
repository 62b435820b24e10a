package io.vxgate.cluster;

import io.vertx.core.VertxOptions;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.HostPort;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/** Three Hazelcast members in this JVM, TCP-IP on 127.0.0.1, a fresh cluster name per test. */
class HazelcastClusterContractTest extends ClusterContractTest {

  @Override
  List<ClusterNode> start(List<Member> members) {
    String name = "contract-" + UUID.randomUUID();
    List<HostPort> binds = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      binds.add(new HostPort("127.0.0.1", freePort()));
    }
    List<ClusterNode> out = new ArrayList<>();
    for (int i = 0; i < members.size(); i++) {
      ClusterConfig c = new ClusterConfig(name, binds.get(i), binds, null);
      out.add(
          ClusterBootstrap.startClustered(
                  c, members.get(i), new VertxOptions(), ClusterBootstrap.Options.defaults())
              .await());
    }
    return out;
  }

  @Override
  void stopAll() {
    for (ClusterNode n : nodes) {
      try {
        n.close().await();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
  }

  static int freePort() {
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      return s.getLocalPort();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
