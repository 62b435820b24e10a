package io.vxgate.config;

import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Node-local values given on the command line or in {@code VXGATE_*} environment variables; they
 * replace the file's values before validation, so an invalid override is reported like a file error
 * (with {@code overrides} as the file name). A null component keeps the file's value.
 *
 * @param nodeId {@code --node-id} / {@code VXGATE_NODE_ID}: {@code node.id}
 * @param datacenter {@code --datacenter} / {@code VXGATE_DATACENTER}: {@code node.datacenter}
 * @param clusterBind {@code --cluster-bind} / {@code VXGATE_CLUSTER_BIND}: {@code cluster.bind}
 * @param members {@code --members} / {@code VXGATE_MEMBERS}: {@code cluster.members}, comma
 *     separated {@code HOST:PORT} list; an empty string means no members (standalone)
 * @param adminBind {@code --admin-bind} / {@code VXGATE_ADMIN_BIND}: {@code admin.bind}
 * @param adminToken {@code VXGATE_ADMIN_TOKEN}: {@code admin.token}
 */
public record ConfigOverrides(
    @Nullable String nodeId,
    @Nullable String datacenter,
    @Nullable String clusterBind,
    @Nullable String members,
    @Nullable String adminBind,
    @Nullable String adminToken) {

  private static final ConfigOverrides NONE =
      new ConfigOverrides(null, null, null, null, null, null);

  /** No overrides. */
  public static ConfigOverrides none() {
    return NONE;
  }

  /**
   * Reads {@code VXGATE_NODE_ID}, {@code VXGATE_DATACENTER}, {@code VXGATE_CLUSTER_BIND}, {@code
   * VXGATE_MEMBERS}, {@code VXGATE_ADMIN_BIND} and {@code VXGATE_ADMIN_TOKEN}; unset or empty
   * variables override nothing.
   */
  public static ConfigOverrides fromEnv(Map<String, String> env) {
    return new ConfigOverrides(
        get(env, "VXGATE_NODE_ID"),
        get(env, "VXGATE_DATACENTER"),
        get(env, "VXGATE_CLUSTER_BIND"),
        get(env, "VXGATE_MEMBERS"),
        get(env, "VXGATE_ADMIN_BIND"),
        get(env, "VXGATE_ADMIN_TOKEN"));
  }

  private static @Nullable String get(Map<String, String> env, String name) {
    String v = env.get(name);
    return v == null || v.isEmpty() ? null : v;
  }

  /**
   * These overrides, completed by {@code lower} where these are null: {@code flags.merge(env)} lets
   * command-line flags win over environment variables.
   */
  public ConfigOverrides merge(ConfigOverrides lower) {
    return new ConfigOverrides(
        nodeId != null ? nodeId : lower.nodeId,
        datacenter != null ? datacenter : lower.datacenter,
        clusterBind != null ? clusterBind : lower.clusterBind,
        members != null ? members : lower.members,
        adminBind != null ? adminBind : lower.adminBind,
        adminToken != null ? adminToken : lower.adminToken);
  }

  /** Whether nothing is overridden. */
  public boolean isEmpty() {
    return equals(NONE);
  }

  /** The token is never printed. */
  @Override
  public String toString() {
    return "ConfigOverrides[nodeId="
        + nodeId
        + ", datacenter="
        + datacenter
        + ", clusterBind="
        + clusterBind
        + ", members="
        + members
        + ", adminBind="
        + adminBind
        + ", adminToken="
        + (adminToken == null ? null : "***")
        + "]";
  }
}
