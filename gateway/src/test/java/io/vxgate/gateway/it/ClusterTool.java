package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.VertxOptions;
import io.vxgate.cluster.ClusterBootstrap;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.Member;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.HostPort;
import io.vxgate.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * The test's JVM in a cluster of gateway node JVMs on loopback as a tool (a Hazelcast lite member:
 * it holds no data and is not one of the nodes), to write the config store as the admin API does
 * and to read the health board.
 */
final class ClusterTool {
  private ClusterTool() {}

  /**
   * Joins cluster {@code name}, whose members listen on {@code memberPorts} of 127.0.0.1, from a
   * free port, and waits up to {@code within} until it sees exactly {@code nodes}.
   */
  static ClusterNode join(String name, int[] memberPorts, Duration within, String... nodes) {
    List<HostPort> members = new ArrayList<>();
    for (int p : memberPorts) {
      members.add(new HostPort("127.0.0.1", p));
    }
    ClusterNode tool =
        ClusterBootstrap.startClustered(
                new ClusterConfig(name, new HostPort("127.0.0.1", FreePorts.pick()), members, null),
                Member.of("it-driver", "dc1"),
                new VertxOptions().setEventLoopPoolSize(1),
                ClusterBootstrap.Options.tool())
            .await();
    try {
      await()
          .atMost(within)
          .untilAsserted(
              () ->
                  assertThat(tool.membership().members())
                      .extracting(Member::id)
                      .containsExactly(nodes));
    } catch (RuntimeException | AssertionError e) {
      tool.close().otherwiseEmpty().await();
      throw e;
    }
    return tool;
  }
}
