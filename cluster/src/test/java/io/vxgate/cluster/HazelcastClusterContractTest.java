package io.vxgate.cluster;

import io.vertx.core.VertxOptions;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.HostPort;
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

  @org.junit.jupiter.api.Test
  void afterAMergeTheWinningSideIsWrittenAsANewVersionAndTheLoserKeptInHistory() {
    ConfigStore.Entry ours = join(store(0).compareAndSet(0, config("big-side"), "n1"));
    // the other side of a split had reached version 3 with another config
    ConfigStore.Entry theirs =
        new ConfigStore.Entry(3, "n9", java.time.Instant.now(), config("small-side"));
    HazelcastConfigStore merging = (HazelcastConfigStore) store(2);
    merging.reconcile(theirs);
    ConfigStore.Entry now = join(store(1).current()).orElseThrow();
    org.assertj.core.api.Assertions.assertThat(now.version()).isEqualTo(4);
    org.assertj.core.api.Assertions.assertThat(now.config()).isEqualTo(config("small-side"));
    org.assertj.core.api.Assertions.assertThat(join(store(1).history()))
        .extracting(ConfigStore.Entry::version)
        .containsExactly(1L, 4L);
    org.assertj.core.api.Assertions.assertThat(join(store(1).history()).get(0)).isEqualTo(ours);
    // a loser merging in leaves the current config alone and lands in the history
    merging.reconcile(new ConfigStore.Entry(2, "n8", java.time.Instant.now(), config("old")));
    org.assertj.core.api.Assertions.assertThat(join(store(0).current()).orElseThrow().version())
        .isEqualTo(4);
    org.assertj.core.api.Assertions.assertThat(join(store(0).history()))
        .extracting(ConfigStore.Entry::version)
        .containsExactly(1L, 2L, 4L);
  }

  static int freePort() {
    return io.vxgate.testing.FreePorts.pick();
  }
}
