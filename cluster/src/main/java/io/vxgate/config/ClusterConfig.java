package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Cluster membership settings (node-local). An empty {@code members} list and no {@code
 * kubernetesServiceDns} means a standalone node.
 *
 * @param kubernetesServiceDns the headless service name for Kubernetes discovery
 * @param tls null: the event bus without TLS
 * @param heartbeatInterval how often a member sends heartbeats (whole seconds)
 * @param failureTimeout a member silent this long is removed (whole seconds)
 * @param mergeDelay how often a split cluster looks for its other side to merge (whole seconds)
 */
public record ClusterConfig(
    String name,
    HostPort bind,
    List<HostPort> members,
    @Nullable String kubernetesServiceDns,
    @Nullable Tls tls,
    Duration heartbeatInterval,
    Duration failureTimeout,
    Duration mergeDelay) {
  /** The default {@link #name}. */
  public static final String DEFAULT_NAME = "vxgate";

  /** The default {@link #bind}, Hazelcast's port on loopback. */
  public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 5701);

  /** {@code cluster.heartbeat-interval}'s default. */
  public static final Duration DEFAULT_HEARTBEAT_INTERVAL = Duration.ofSeconds(1);

  /** {@code cluster.failure-timeout}'s default. */
  public static final Duration DEFAULT_FAILURE_TIMEOUT = Duration.ofSeconds(5);

  /** {@code cluster.merge-delay}'s default. */
  public static final Duration DEFAULT_MERGE_DELAY = Duration.ofSeconds(10);

  public ClusterConfig {
    requireNonNull(name, "name");
    requireNonNull(bind, "bind");
    members = List.copyOf(members);
    requireNonNull(heartbeatInterval, "heartbeatInterval");
    requireNonNull(failureTimeout, "failureTimeout");
    requireNonNull(mergeDelay, "mergeDelay");
  }

  /** Without event-bus TLS, with the default failure detection and merge delay. */
  public ClusterConfig(
      String name, HostPort bind, List<HostPort> members, @Nullable String kubernetesServiceDns) {
    this(
        name,
        bind,
        members,
        kubernetesServiceDns,
        null,
        DEFAULT_HEARTBEAT_INTERVAL,
        DEFAULT_FAILURE_TIMEOUT,
        DEFAULT_MERGE_DELAY);
  }

  public boolean standalone() {
    return members.isEmpty() && kubernetesServiceDns == null;
  }

  /** This config with the event bus over mutual TLS ({@code cluster.tls}). */
  public ClusterConfig withTls(Tls tls) {
    return new ClusterConfig(
        name,
        bind,
        members,
        kubernetesServiceDns,
        tls,
        heartbeatInterval,
        failureTimeout,
        mergeDelay);
  }

  /**
   * Mutual TLS on the clustered event bus ({@code cluster.tls}): this member's PEM certificate
   * chain and private key, and the PEM file of the cluster's CA, the only issuer a peer's
   * certificate is accepted from (paths resolved against the config file's directory).
   */
  public record Tls(String cert, String key, String ca) {
    public Tls {
      requireNonNull(cert, "cert");
      requireNonNull(key, "key");
      requireNonNull(ca, "ca");
    }
  }
}
