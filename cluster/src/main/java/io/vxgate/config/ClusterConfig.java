package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * Cluster membership settings (node-local). An empty {@code members} list and no {@code
 * kubernetesServiceDns} means a standalone node.
 *
 * @param kubernetesServiceDns nullable; the headless service name for Kubernetes discovery
 */
public record ClusterConfig(
    String name, HostPort bind, List<HostPort> members, String kubernetesServiceDns) {
  /** The default {@link #name}. */
  public static final String DEFAULT_NAME = "vxgate";

  /** The default {@link #bind}, Hazelcast's port on loopback. */
  public static final HostPort DEFAULT_BIND = new HostPort("127.0.0.1", 5701);

  public ClusterConfig {
    requireNonNull(name, "name");
    requireNonNull(bind, "bind");
    members = List.copyOf(members);
  }

  public boolean standalone() {
    return members.isEmpty() && kubernetesServiceDns == null;
  }
}
