package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;

/**
 * Operator states of servers (HAProxy's READY / DRAIN / MAINT), cluster-wide. They travel in the
 * {@link ConfigStore} entry next to the {@link SharedConfig} sections, under {@value #KEY}: {@code
 * {"server-states": {"api": {"api1": "drain"}}}}. A server not listed is {@code enabled}. They are
 * not part of the config file and not validated with it, so a state change is a new config version
 * that leaves the config itself alone; every node applies it with the version.
 */
public final class AdminStates {
  /** The entry key. */
  public static final String KEY = "server-states";

  public static final String ENABLED = "enabled";
  public static final String DRAIN = "drain";
  public static final String DISABLED = "disabled";

  /** Every state, in order. */
  public static final List<String> ALL = List.of(ENABLED, DRAIN, DISABLED);

  private AdminStates() {}

  /** The non-enabled states of {@code entryConfig}, by {@code upstream/server}. */
  public static Map<String, String> of(JsonObject entryConfig) {
    Map<String, String> out = new TreeMap<>();
    JsonObject states = entryConfig == null ? null : entryConfig.getJsonObject(KEY);
    if (states == null) {
      return out;
    }
    for (String u : states.fieldNames()) {
      JsonObject servers = states.getJsonObject(u);
      if (servers == null) {
        continue;
      }
      for (String s : servers.fieldNames()) {
        String v = servers.getString(s);
        if (v != null && ALL.contains(v) && !ENABLED.equals(v)) {
          out.put(Vote.serverKey(u, s), v);
        }
      }
    }
    return out;
  }

  /** The state of one server in {@code entryConfig}. */
  public static String get(JsonObject entryConfig, String upstream, String server) {
    return of(entryConfig).getOrDefault(Vote.serverKey(upstream, server), ENABLED);
  }

  /**
   * A copy of {@code entryConfig} with one server's state set, and states of servers that are not
   * in its {@code upstreams} dropped.
   */
  public static JsonObject with(
      JsonObject entryConfig, String upstream, String server, String state) {
    requireNonNull(entryConfig, "entryConfig");
    if (!ALL.contains(state)) {
      throw new IllegalArgumentException("state: " + state + " (expected: one of " + ALL + ")");
    }
    Map<String, String> states = new LinkedHashMap<>(of(entryConfig));
    states.remove(Vote.serverKey(upstream, server));
    if (!ENABLED.equals(state)) {
      states.put(Vote.serverKey(upstream, server), state);
    }
    return put(entryConfig.copy(), states);
  }

  /**
   * A copy of {@code config} (cluster-wide sections) carrying {@code states}, less the states of
   * servers that {@code config} does not have.
   */
  public static JsonObject put(JsonObject config, Map<String, String> states) {
    JsonObject upstreams = config.getJsonObject("upstreams", new JsonObject());
    JsonObject out = new JsonObject();
    new TreeMap<>(states)
        .forEach(
            (key, state) -> {
              int slash = key.indexOf('/');
              String u = key.substring(0, slash);
              String s = key.substring(slash + 1);
              if (!ENABLED.equals(state) && hasServer(upstreams.getJsonObject(u), s)) {
                JsonObject servers = out.getJsonObject(u);
                if (servers == null) {
                  servers = new JsonObject();
                  out.put(u, servers);
                }
                servers.put(s, state);
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
