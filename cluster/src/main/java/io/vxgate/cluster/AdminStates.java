package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator states of servers ({@link AdminState}), cluster-wide. They travel in the {@link
 * ConfigStore} entry next to the {@link SharedConfig} sections, under {@value #KEY}: {@code
 * {"server-states": {"api": {"api1": "drain"}}}}. A server not listed is {@code enabled}. They are
 * not part of the config file and not validated with it, so a state change is a new config version
 * that leaves the config itself alone; every node applies it with the version.
 */
public final class AdminStates {
  /** The entry key. */
  public static final String KEY = "server-states";

  private AdminStates() {}

  /** The non-enabled states of {@code entryConfig} (nullable: none), sorted. */
  public static Map<ServerId, AdminState> of(JsonObject entryConfig) {
    Map<ServerId, AdminState> out = new TreeMap<>();
    if (entryConfig == null || !(entryConfig.getValue(KEY) instanceof JsonObject states)) {
      return out;
    }
    for (String u : states.fieldNames()) {
      if (!(states.getValue(u) instanceof JsonObject servers)) {
        continue;
      }
      for (String s : servers.fieldNames()) {
        AdminState state =
            servers.getValue(s) instanceof String name ? AdminState.fromJson(name) : null;
        if (state != null && state != AdminState.ENABLED) {
          out.put(new ServerId(u, s), state);
        }
      }
    }
    return out;
  }

  /** The state of one server in {@code entryConfig}. */
  public static AdminState get(JsonObject entryConfig, ServerId server) {
    return of(entryConfig).getOrDefault(server, AdminState.ENABLED);
  }

  /**
   * A copy of {@code entryConfig} with one server's state set, and states of servers that are not
   * in its {@code upstreams} dropped.
   */
  public static JsonObject with(JsonObject entryConfig, ServerId server, AdminState state) {
    requireNonNull(entryConfig, "entryConfig");
    requireNonNull(state, "state");
    Map<ServerId, AdminState> states = of(entryConfig);
    states.put(server, state);
    return put(entryConfig.copy(), states);
  }

  /**
   * A copy of {@code config} (cluster-wide sections) carrying {@code states}, less the states of
   * servers that {@code config} does not have (and the enabled ones, which are not written).
   */
  public static JsonObject put(JsonObject config, Map<ServerId, AdminState> states) {
    JsonObject upstreams = config.getJsonObject("upstreams", new JsonObject());
    JsonObject out = new JsonObject();
    new TreeMap<>(states)
        .forEach(
            (id, state) -> {
              if (state != AdminState.ENABLED
                  && hasServer(upstreams.getJsonObject(id.upstream()), id.server())) {
                JsonObject servers = out.getJsonObject(id.upstream());
                if (servers == null) {
                  servers = new JsonObject();
                  out.put(id.upstream(), servers);
                }
                servers.put(id.server(), state.json());
              }
            });
    JsonObject copy = config.copy();
    copy.remove(KEY);
    if (!out.isEmpty()) {
      copy.put(KEY, out);
    }
    return copy;
  }

  private static boolean hasServer(JsonObject upstream, String server) {
    if (upstream == null) {
      return false;
    }
    JsonArray servers = upstream.getJsonArray("servers", new JsonArray());
    for (int i = 0; i < servers.size(); i++) {
      Object o = servers.getValue(i);
      if (o instanceof JsonObject j && server.equals(j.getString("name"))) {
        return true;
      }
    }
    return false;
  }
}
