package io.vxgate.gateway.node;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.Vertx;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.AdminStates;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.cluster.LocalCluster;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.ReloadReport.Shared;
import io.vxgate.cluster.ReloadReport.SharedStatus;
import io.vxgate.cluster.ServerId;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** When a reload writes the file's cluster-wide sections, and when it refuses to. */
class FileSectionsTest {
  private final Vertx vertx = Vertx.vertx();
  private final ClusterNode cluster = new LocalCluster().join(vertx, Member.of("gw-1", "dc1"));
  private final ConfigStore store = cluster.configStore();
  private final FileSections sections = new FileSections();

  @AfterEach
  void close() {
    vertx.close().await();
  }

  private static GatewayConfig file(int weight) {
    return ConfigLoader.parse(
        """
        node: {id: gw-1}
        upstreams:
          app: {servers: [{name: s1, address: 127.0.0.1:9001, weight: %d}]}
        routes: [{name: default, upstream: app}]
        """
            .formatted(weight),
        "gw.yaml",
        null,
        ConfigOverrides.none());
  }

  private Shared reload(GatewayConfig f, boolean force) {
    return sections.reload(store, f, force, "gw.yaml@gw-1").await();
  }

  @Test
  void writesWhatChangedKeepsOperatorStatesAndRefusesOverSomeoneElsesChange() {
    ConfigStore.Entry seeded = store.seed(SharedConfig.of(file(1)), "gw-1", false).await();
    sections.started(file(1), java.util.Optional.of(seeded));

    assertThat(reload(file(1), false).status()).isEqualTo(SharedStatus.UNCHANGED);
    // an operator drains s1: not a change of the sections
    ServerId s1 = new ServerId("app", "s1");
    store
        .compareAndSet(1, AdminStates.with(seeded.config(), s1, AdminState.DRAIN), "admin@gw-1")
        .await();

    Shared written = reload(file(2), false);
    assertThat(written.status()).isEqualTo(SharedStatus.WRITTEN);
    assertThat(written.version()).isEqualTo(3);
    ConfigStore.Entry v3 = store.current().await().orElseThrow();
    assertThat(v3.author()).isEqualTo("gw.yaml@gw-1");
    assertThat(AdminStates.get(v3.config(), s1)).isEqualTo(AdminState.DRAIN);

    // someone else changes the sections: the file is older than the cluster now
    store.compareAndSet(3, SharedConfig.of(file(5)), "admin@gw-2").await();
    Shared refused = reload(file(3), false);
    assertThat(refused.status()).isEqualTo(SharedStatus.REFUSED);
    assertThat(refused.message()).contains("version 4 by admin@gw-2", "--force");
    assertThat(store.current().await().orElseThrow().version()).isEqualTo(4);

    Shared forced = reload(file(3), true);
    assertThat(forced.status()).isEqualTo(SharedStatus.WRITTEN);
    assertThat(forced.version()).isEqualTo(5);
    assertThat(reload(file(4), false).status())
        .as("in force again after the forced write")
        .isEqualTo(SharedStatus.WRITTEN);
  }

  @Test
  void aFileThatWasNotInForceAtStartIsRefusedAndOneWithoutSectionsLeavesTheCluster() {
    store.compareAndSet(0, SharedConfig.of(file(7)), "admin@gw-2").await();
    sections.started(file(1), store.current().await());
    assertThat(reload(file(2), false).status()).isEqualTo(SharedStatus.REFUSED);
    assertThat(reload(file(7), false).status()).isEqualTo(SharedStatus.UNCHANGED);
    assertThat(reload(file(8), false).status())
        .as("equal once: in force since")
        .isEqualTo(SharedStatus.WRITTEN);

    GatewayConfig none =
        ConfigLoader.parse("node: {id: gw-1}\n", "gw.yaml", null, ConfigOverrides.none());
    assertThat(reload(none, false).status()).isEqualTo(SharedStatus.ABSENT);
  }
}
