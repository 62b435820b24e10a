package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import java.util.List;

/**
 * One gateway node of the cluster as the others see it (Hazelcast member attributes).
 *
 * @param id the node id ({@code node.id}); unique in the cluster
 * @param datacenter {@code node.datacenter}
 * @param admin the admin listener's {@code host:port}, or {@code ""}; for another member of a
 *     Hazelcast cluster a wildcard host is replaced by that member's cluster address
 * @param listeners the client listeners as {@code name=host:port}
 */
public record Member(String id, String datacenter, String admin, List<String> listeners) {
  public Member {
    requireNonNull(id, "id");
    requireNonNull(datacenter, "datacenter");
    requireNonNull(admin, "admin");
    listeners = List.copyOf(listeners);
  }

  /** A member with only an id and a datacenter. */
  public static Member of(String id, String datacenter) {
    return new Member(id, datacenter, "", List.of());
  }
}
