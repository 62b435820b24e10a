package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import com.hazelcast.config.Config;
import com.hazelcast.config.JoinConfig;
import com.hazelcast.config.MapConfig;
import com.hazelcast.config.NetworkConfig;
import com.hazelcast.config.PartitionGroupConfig;
import com.hazelcast.spi.partitiongroup.PartitionGroupMetaData;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.EventBusOptions;
import io.vertx.core.http.ClientAuth;
import io.vertx.core.net.PemKeyCertOptions;
import io.vertx.core.net.PemTrustOptions;
import io.vertx.spi.cluster.hazelcast.ConfigUtil;
import io.vertx.spi.cluster.hazelcast.HazelcastClusterManager;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.HostPort;
import io.vxgate.config.NodeConfig;
import java.util.List;
import java.util.stream.Collectors;

/**
 * Starts this node's {@link ClusterNode} from its node-local config (see {@code docs/cluster.md}).
 *
 * <ul>
 *   <li>A standalone node ({@link ClusterConfig#standalone()}: no members, no Kubernetes service)
 *       gets a non-clustered Vert.x instance and a {@link LocalCluster} of one.
 *   <li>Otherwise Vert.x is clustered over Hazelcast, configured from {@link
 *       ConfigUtil#loadConfig()} (so a {@code cluster.xml} on the class path still applies) and
 *       then: the cluster name; the member endpoint {@code cluster.bind} without port
 *       auto-increment; TCP-IP join with {@code cluster.members}, or Kubernetes discovery in DNS
 *       lookup mode when {@code cluster.kubernetes.service-dns} is set; multicast and
 *       auto-detection off; member attributes for the node id, datacenter, listener and admin
 *       addresses; heartbeats, failure timeout and merge delay from the config (1s, 5s, 10s by
 *       default); phone-home off; the event bus bound to the bind host, over mutual TLS with the
 *       cluster's CA when {@code cluster.tls} is set.
 *   <li>Backups in another datacenter: the partition groups are {@code ZONE_AWARE} with the
 *       datacenter as the zone ({@code hazelcast.partition.group.zone}), so a backup lives in
 *       another datacenter than its primary. This matters only with more than one datacenter; with
 *       a single zone Hazelcast 5.6 still starts and still keeps backups on other members (checked:
 *       1000 entries survived terminating one of two single-zone members).
 * </ul>
 */
public final class ClusterBootstrap {
  /** Member attribute: {@code node.id}. */
  public static final String ATTR_NODE_ID = "vxgate.node-id";

  /** Member attribute: {@code node.datacenter}. */
  public static final String ATTR_DATACENTER = "vxgate.datacenter";

  /** Member attribute: {@code admin.bind}. */
  public static final String ATTR_ADMIN = "vxgate.admin";

  /** Member attribute: the listeners as {@code name=host:port}, comma separated. */
  public static final String ATTR_LISTENERS = "vxgate.listeners";

  static final String CONFIG_MAP = "vxgate.config";
  static final String HISTORY_MAP = "vxgate.config.history";
  static final String HEALTH_MAP = "vxgate.health";

  private ClusterBootstrap() {}

  /** How this process takes part in the cluster. */
  public record Options(boolean liteMember, int checkersPerDatacenter) {
    /** A gateway node with {@link HealthBoard#DEFAULT_CHECKERS} checkers per datacenter. */
    public static Options defaults() {
      return new Options(false, HealthBoard.DEFAULT_CHECKERS);
    }

    /**
     * A tool (admin CLI, test driver): a Hazelcast lite member that holds no data and is not a
     * gateway member.
     */
    public static Options tool() {
      return new Options(true, HealthBoard.DEFAULT_CHECKERS);
    }
  }

  /** This node as a member, from its config. */
  public static Member member(GatewayConfig config) {
    NodeConfig n = config.node();
    return new Member(
        n.id(),
        n.datacenter(),
        config.admin().bind().toString(),
        config.listeners().stream().map(l -> l.name() + "=" + l.bind()).toList());
  }

  /** Starts the node's cluster side: clustered when the config says so, else local. */
  public static Future<ClusterNode> start(GatewayConfig config, VertxOptions options) {
    requireNonNull(config, "config");
    requireNonNull(options, "options");
    Member me = member(config);
    if (config.cluster().standalone()) {
      Vertx vertx = Vertx.builder().with(options).build();
      return Future.succeededFuture(new LocalCluster().join(vertx, me));
    }
    return startClustered(config.cluster(), me, options, Options.defaults());
  }

  /** Starts a clustered Vert.x instance and this node's Hazelcast-backed ports. */
  public static Future<ClusterNode> startClustered(
      ClusterConfig cluster, Member me, VertxOptions options, Options opts) {
    Config cfg = hazelcastConfig(cluster, me, opts.liteMember());
    HazelcastClusterManager mgr = new HazelcastClusterManager(cfg);
    String host = cluster.bind().host();
    EventBusOptions eb = new EventBusOptions(options.getEventBusOptions());
    if (!HostPort.wildcard(host)) {
      eb.setHost(host).setClusterPublicHost(host);
    }
    ClusterConfig.Tls tls = cluster.tls();
    if (tls != null) {
      // Vert.x trusts every certificate by default (EventBusOptions.DEFAULT_TRUST_ALL): only the
      // cluster's CA, and a certificate is required from both ends (docs/cluster.md, "Security")
      eb.setSsl(true)
          .setKeyCertOptions(new PemKeyCertOptions().setCertPath(tls.cert()).setKeyPath(tls.key()))
          .setTrustOptions(new PemTrustOptions().addCertPath(tls.ca()))
          .setTrustAll(false)
          .setClientAuth(ClientAuth.REQUIRED);
    }
    // the copy constructor keeps only MetricsOptions' base class: keep a subclass (Micrometer)
    VertxOptions vo =
        new VertxOptions(options)
            .setEventBusOptions(eb)
            .setMetricsOptions(options.getMetricsOptions());
    return Vertx.builder()
        .with(vo)
        .withClusterManager(mgr)
        .buildClustered()
        .compose(
            vertx ->
                vertx.executeBlocking(
                    () ->
                        (ClusterNode)
                            new HazelcastClusterNode(
                                vertx,
                                mgr.getHazelcastInstance(),
                                me,
                                opts.checkersPerDatacenter())));
  }

  /** The Hazelcast member config of this node (see the class comment). */
  public static Config hazelcastConfig(ClusterConfig cluster, Member me, boolean liteMember) {
    requireNonNull(cluster, "cluster");
    requireNonNull(me, "me");
    Config cfg = ConfigUtil.loadConfig();
    cfg.setClusterName(cluster.name());
    cfg.setLiteMember(liteMember);
    cfg.setProperty("hazelcast.phone.home.enabled", "false");
    cfg.setProperty(
        "hazelcast.heartbeat.interval.seconds",
        Long.toString(cluster.heartbeatInterval().toSeconds()));
    cfg.setProperty(
        "hazelcast.max.no.heartbeat.seconds", Long.toString(cluster.failureTimeout().toSeconds()));
    String merge = Long.toString(cluster.mergeDelay().toSeconds());
    cfg.setProperty("hazelcast.merge.first.run.delay.seconds", merge);
    cfg.setProperty("hazelcast.merge.next.run.delay.seconds", merge);
    cfg.setProperty("hazelcast.shutdownhook.enabled", "false");
    HostPort bind = cluster.bind();
    NetworkConfig net = cfg.getNetworkConfig().setPort(bind.port()).setPortAutoIncrement(false);
    if (!HostPort.wildcard(bind.host())) {
      cfg.setProperty("hazelcast.local.localAddress", bind.host());
      // Listen on cluster.bind's address only: by default Hazelcast binds every interface, and
      // open-source Hazelcast has no TLS between members (docs/cluster.md).
      cfg.setProperty("hazelcast.socket.bind.any", "false");
      cfg.setProperty("hazelcast.socket.client.bind.any", "false");
    }
    JoinConfig join = net.getJoin();
    join.getMulticastConfig().setEnabled(false);
    join.getAutoDetectionConfig().setEnabled(false);
    if (cluster.kubernetesServiceDns() != null) {
      join.getTcpIpConfig().setEnabled(false);
      join.getKubernetesConfig()
          .setEnabled(true)
          .setProperty("service-dns", cluster.kubernetesServiceDns());
    } else {
      join.getTcpIpConfig()
          .setEnabled(true)
          .setMembers(cluster.members().stream().map(HostPort::toString).toList());
    }
    cfg.getMemberAttributeConfig()
        .setAttribute(ATTR_NODE_ID, me.id())
        .setAttribute(ATTR_DATACENTER, me.datacenter())
        .setAttribute(ATTR_ADMIN, me.admin())
        .setAttribute(ATTR_LISTENERS, me.listeners().stream().collect(Collectors.joining(",")))
        .setAttribute(PartitionGroupMetaData.PARTITION_GROUP_ZONE, me.datacenter());
    cfg.getPartitionGroupConfig()
        .setEnabled(true)
        .setGroupType(PartitionGroupConfig.MemberGroupType.ZONE_AWARE);
    for (String name : List.of(CONFIG_MAP, HISTORY_MAP)) {
      cfg.addMapConfig(new MapConfig(name).setBackupCount(2));
    }
    cfg.addMapConfig(new MapConfig(HEALTH_MAP).setBackupCount(1));
    return cfg;
  }
}
