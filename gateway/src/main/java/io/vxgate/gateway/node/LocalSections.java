package io.vxgate.gateway.node;

import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.config.ConfigJson;
import io.vxgate.config.GatewayConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;

/**
 * Which node-local changes of a reload take effect only at the next start, and which sections no
 * applier reports (they are compiled into the data plane's snapshot, so applying the config is
 * enough).
 */
final class LocalSections {
  /** Sections with an applier of their own, or read only at start. */
  private static final Set<String> HANDLED =
      Set.of(
          "node",
          "cluster",
          "listeners",
          "admin",
          "dns-sync",
          "buffering",
          "access-log",
          "tracing");

  private LocalSections() {}

  /** The node-local keys that differ and take effect at the next start only. */
  static List<String> restartNeeded(GatewayConfig before, GatewayConfig after) {
    List<String> out = new ArrayList<>();
    if (!before.node().id().equals(after.node().id())) {
      out.add("node.id");
    }
    if (!before.node().datacenter().equals(after.node().datacenter())) {
      out.add("node.datacenter");
    }
    if (!before.cluster().equals(after.cluster())) {
      out.add("cluster");
    }
    if (!before.admin().bind().equals(after.admin().bind())) {
      out.add("admin.bind");
    }
    if (before.admin().vertxHttpMetrics() != after.admin().vertxHttpMetrics()) {
      out.add("admin.vertx-http-metrics");
    }
    if (!before.buffering().equals(after.buffering())) {
      // The node's buffers (budget, temp directory, its executor) are made once, at start.
      out.add("buffering");
    }
    return out;
  }

  /**
   * The other node-local sections that differ ({@code geoip: changed}), applied with the config.
   */
  static List<String> otherChanges(GatewayConfig before, GatewayConfig after) {
    JsonObject a = ConfigJson.toJson(before);
    JsonObject b = ConfigJson.toJson(after);
    List<String> out = new ArrayList<>();
    Set<String> keys = new java.util.TreeSet<>(a.fieldNames());
    keys.addAll(b.fieldNames());
    for (String k : keys) {
      if (!HANDLED.contains(k)
          && !SharedConfig.KEYS.contains(k)
          && !Objects.equals(a.getValue(k), b.getValue(k))) {
        out.add(k + ": changed");
      }
    }
    if (!before.node().shutdownGrace().equals(after.node().shutdownGrace())) {
      out.add("node.shutdown-grace: " + after.node().shutdownGrace().toSeconds() + "s");
    }
    return out;
  }
}
