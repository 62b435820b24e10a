package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonObject;
import io.vxgate.config.ConfigJson;
import io.vxgate.config.GatewayConfig;
import java.util.List;

/**
 * The cluster-wide sections of a config (docs/cluster.md, "What is shared") in their {@link
 * ConfigJson} form: {@code upstreams} (with their sticky settings), {@code routes}, {@code
 * error-pages} (page content), {@code trusted-proxies} and {@code limits}. Everything else is
 * node-local.
 */
public final class SharedConfig {
  /** The cluster-wide top-level keys. */
  public static final List<String> KEYS =
      List.of("trusted-proxies", "upstreams", "routes", "error-pages", "limits");

  private SharedConfig() {}

  /** The cluster-wide sections of {@code config}. */
  public static JsonObject of(GatewayConfig config) {
    JsonObject all = ConfigJson.toJson(requireNonNull(config, "config"));
    JsonObject out = new JsonObject();
    KEYS.forEach(k -> out.put(k, all.getValue(k)));
    return out;
  }

  /** Whether {@code config} has cluster-wide sections worth seeding (any upstream or route). */
  public static boolean present(GatewayConfig config) {
    return !config.upstreams().isEmpty() || !config.routes().isEmpty();
  }

  /**
   * {@code local}'s node-local sections with {@code shared}'s cluster-wide ones, validated.
   *
   * @throws io.vxgate.config.ConfigException when the result is invalid
   */
  public static GatewayConfig apply(GatewayConfig local, JsonObject shared) {
    JsonObject all = ConfigJson.toJson(requireNonNull(local, "local"));
    for (String k : KEYS) {
      all.remove(k);
      if (shared.containsKey(k)) {
        all.put(k, shared.getValue(k));
      }
    }
    return ConfigJson.fromJson(all, "cluster config");
  }
}
