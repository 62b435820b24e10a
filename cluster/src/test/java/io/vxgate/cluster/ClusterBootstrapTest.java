package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import com.hazelcast.config.Config;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.HostPort;
import java.time.Duration;
import java.util.List;
import org.junit.jupiter.api.Test;

class ClusterBootstrapTest {
  private final Member me =
      new Member("gw-1", "dc2", "127.0.0.1:9090", List.of("web=0.0.0.0:8080", "api=0.0.0.0:8081"));

  @Test
  void tcpIpMembersOnTheBindEndpointWithFastFailureDetection() {
    ClusterConfig c =
        new ClusterConfig(
            "prod",
            new HostPort("10.0.0.1", 5701),
            List.of(new HostPort("10.0.0.2", 5701), new HostPort("10.0.0.3", 5701)),
            null);
    Config cfg = ClusterBootstrap.hazelcastConfig(c, me, false);
    assertThat(cfg.getClusterName()).isEqualTo("prod");
    assertThat(cfg.getNetworkConfig().getPort()).isEqualTo(5701);
    assertThat(cfg.getNetworkConfig().isPortAutoIncrement()).isFalse();
    assertThat(cfg.getProperty("hazelcast.local.localAddress")).isEqualTo("10.0.0.1");
    var join = cfg.getNetworkConfig().getJoin();
    assertThat(join.getMulticastConfig().isEnabled()).isFalse();
    assertThat(join.getAutoDetectionConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isFalse();
    assertThat(join.getTcpIpConfig().isEnabled()).isTrue();
    assertThat(join.getTcpIpConfig().getMembers())
        .containsExactly("10.0.0.2:5701", "10.0.0.3:5701");
    assertThat(cfg.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("1");
    assertThat(cfg.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("5");
    assertThat(cfg.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("10");
    assertThat(cfg.getProperty("hazelcast.phone.home.enabled")).isEqualTo("false");
    var attrs = cfg.getMemberAttributeConfig().getAttributes();
    assertThat(attrs)
        .containsEntry(ClusterBootstrap.ATTR_NODE_ID, "gw-1")
        .containsEntry(ClusterBootstrap.ATTR_DATACENTER, "dc2")
        .containsEntry(ClusterBootstrap.ATTR_ADMIN, "127.0.0.1:9090")
        .containsEntry(ClusterBootstrap.ATTR_LISTENERS, "web=0.0.0.0:8080,api=0.0.0.0:8081")
        .containsEntry(PartitionGroupMetaData.PARTITION_GROUP_ZONE, "dc2");
    assertThat(cfg.getPartitionGroupConfig().isEnabled()).isTrue();
    assertThat(cfg.getPartitionGroupConfig().getGroupType())
        .isEqualTo(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
  }

  @Test
  void failureDetectionAndMergeDelayFromTheConfig() {
    HostPort bind = new HostPort("10.0.0.1", 5701);
    ClusterConfig c =
        new ClusterConfig(
            "prod",
            bind,
            List.of(bind),
            null,
            null,
            Duration.ofSeconds(2),
            Duration.ofSeconds(20),
            Duration.ofSeconds(30));
    Config cfg = ClusterBootstrap.hazelcastConfig(c, me, false);
    assertThat(cfg.getProperty("hazelcast.heartbeat.interval.seconds")).isEqualTo("2");
    assertThat(cfg.getProperty("hazelcast.max.no.heartbeat.seconds")).isEqualTo("20");
    assertThat(cfg.getProperty("hazelcast.merge.first.run.delay.seconds")).isEqualTo("30");
    assertThat(cfg.getProperty("hazelcast.merge.next.run.delay.seconds")).isEqualTo("30");
  }

  @Test
  void kubernetesDiscoveryUsesDnsLookupInsteadOfTcpIp() {
    ClusterConfig c =
        new ClusterConfig(
            "prod", new HostPort("0.0.0.0", 5701), List.of(), "vxgate-hz.ns.svc.cluster.local");
    Config cfg = ClusterBootstrap.hazelcastConfig(c, me, false);
    var join = cfg.getNetworkConfig().getJoin();
    assertThat(join.getTcpIpConfig().isEnabled()).isFalse();
    assertThat(join.getKubernetesConfig().isEnabled()).isTrue();
    assertThat(join.getKubernetesConfig().getProperty("service-dns"))
        .isEqualTo("vxgate-hz.ns.svc.cluster.local");
    assertThat(cfg.getProperty("hazelcast.local.localAddress")).isNull();
  }
}
