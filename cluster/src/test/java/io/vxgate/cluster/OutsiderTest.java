package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import com.hazelcast.client.HazelcastClient;
import com.hazelcast.client.config.ClientConfig;
import com.hazelcast.config.Config;
import com.hazelcast.config.PartitionGroupConfig.MemberGroupType;
import com.hazelcast.core.Hazelcast;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.HostPort;
import io.vxgate.testing.FreePorts;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/**
 * What a process that reaches a member's Hazelcast port can do (docs/cluster.md, "Limits"): open
 * source Hazelcast has no authentication between members, so knowing {@code cluster.name} is enough
 * to join as a member or connect as a client and read and write the shared config. These tests pin
 * that down (they fail the day it stops being true) and show that the cluster name is the only
 * thing checked.
 */
class OutsiderTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  private final String name = "outsider-" + UUID.randomUUID();
  private final HostPort bind = new HostPort("127.0.0.1", FreePorts.pick());
  private final List<AutoCloseable> closing = new ArrayList<>();
  private ClusterNode node;

  @AfterEach
  void close() throws Exception {
    for (AutoCloseable c : closing) {
      c.close();
    }
    if (node != null) {
      node.close().await();
    }
  }

  private void startNode() {
    node =
        ClusterBootstrap.startClustered(
                new ClusterConfig(name, bind, List.of(bind), null),
                Member.of("n1", "dc1"),
                new VertxOptions(),
                ClusterBootstrap.Options.defaults())
            .await();
    node.configStore()
        .compareAndSet(0, new JsonObject().put("routes", "the real config"), "n1")
        .await();
  }

  private HazelcastInstance outsiderMember(String clusterName) {
    Config cfg = new Config().setClusterName(clusterName);
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.getNetworkConfig().setPort(FreePorts.pick()).setPortAutoIncrement(false);
    cfg.getNetworkConfig().getJoin().getMulticastConfig().setEnabled(false);
    cfg.getNetworkConfig().getJoin().getAutoDetectionConfig().setEnabled(false);
    cfg.getNetworkConfig().getJoin().getTcpIpConfig().setEnabled(true).addMember(bind.toString());
    cfg.setProperty("hazelcast.local.localAddress", "127.0.0.1");
    // the join checks that partition groups match (a compatibility check, not a secret)
    cfg.getPartitionGroupConfig().setEnabled(true).setGroupType(MemberGroupType.ZONE_AWARE);
    cfg.getMemberAttributeConfig()
        .setAttribute(PartitionGroupMetaData.PARTITION_GROUP_ZONE, "anywhere");
    HazelcastInstance hz = Hazelcast.newHazelcastInstance(cfg);
    closing.add(hz::shutdown);
    return hz;
  }

  private ClientConfig client(String clusterName) {
    ClientConfig c = new ClientConfig().setClusterName(clusterName);
    c.getNetworkConfig().addAddress(bind.toString());
    c.getConnectionStrategyConfig().getConnectionRetryConfig().setClusterConnectTimeoutMillis(5000);
    return c;
  }

  @Test
  void aMemberThatKnowsTheClusterNameJoinsReadsAndWritesTheConfig() {
    startNode();
    HazelcastInstance outsider = outsiderMember(name);
    assertThat(outsider.getCluster().getMembers()).hasSize(2);
    String stored = outsider.<String, String>getMap(ClusterBootstrap.CONFIG_MAP).get("current");
    assertThat(stored).contains("the real config");
    // and it can forge a version that every node applies
    JsonObject forged =
        new JsonObject(stored).put("version", 2).put("config", new JsonObject().put("routes", "x"));
    outsider.<String, String>getMap(ClusterBootstrap.CONFIG_MAP).put("current", forged.encode());
    await()
        .atMost(WAIT)
        .until(() -> node.configStore().current().await().orElseThrow().version() == 2);
  }

  @Test
  void aClientThatKnowsTheClusterNameReadsTheConfigThroughTheMemberPort() {
    startNode();
    var client = HazelcastClient.newHazelcastClient(client(name));
    closing.add(client::shutdown);
    assertThat(client.<String, String>getMap(ClusterBootstrap.CONFIG_MAP).get("current"))
        .contains("the real config");
  }

  @Test
  void theClusterNameIsTheOnlyCheck() {
    startNode();
    HazelcastInstance other = outsiderMember(name + "-other");
    assertThat(other.getCluster().getMembers()).hasSize(1);
    assertThat(other.<String, String>getMap(ClusterBootstrap.CONFIG_MAP).get("current")).isNull();
    assertThatThrownBy(() -> HazelcastClient.newHazelcastClient(client(name + "-other")))
        .isInstanceOf(IllegalStateException.class);
  }
}
