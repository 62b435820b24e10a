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
  public ClusterConfig {
    requireNonNull(name, "name");
    requireNonNull(bind, "bind");
    members = List.copyOf(members);
  }

  public boolean standalone() {
    return members.isEmpty() && kubernetesServiceDns == null;
  }
}
