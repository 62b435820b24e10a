package io.vxgate.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.AdminStates;
import io.vxgate.cluster.ServerId;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import java.util.TreeSet;
import org.jspecify.annotations.Nullable;

/**
 * A short summary of what changed between two versions of the cluster-wide config: {@code
 * +upstreams.api} (added), {@code -upstreams.api} (removed), {@code ~upstreams.api} (changed), the
 * same for {@code routes.NAME}, {@code ~routes} for a new order only, {@code ~trusted-proxies},
 * {@code ~error-pages}, and {@code server-states.U/S: STATE}.
 */
final class ConfigDiff {
  private ConfigDiff() {}

  static List<String> changes(@Nullable JsonObject before, @Nullable JsonObject after) {
    JsonObject a = before == null ? new JsonObject() : before;
    JsonObject b = after == null ? new JsonObject() : after;
    List<String> out = new ArrayList<>();
    named(
        out,
        "upstreams",
        objectEntries(a.getJsonObject("upstreams")),
        objectEntries(b.getJsonObject("upstreams")));
    Map<String, Object> ra = routeEntries(a.getJsonArray("routes"));
    Map<String, Object> rb = routeEntries(b.getJsonArray("routes"));
    int n = out.size();
    named(out, "routes", ra, rb);
    if (out.size() == n && !new ArrayList<>(ra.keySet()).equals(new ArrayList<>(rb.keySet()))) {
      out.add("~routes");
    }
    for (String k : List.of("trusted-proxies", "error-pages")) {
      if (!Objects.equals(a.getValue(k), b.getValue(k))) {
        out.add("~" + k);
      }
    }
    Map<ServerId, AdminState> sa = AdminStates.of(a);
    Map<ServerId, AdminState> sb = AdminStates.of(b);
    TreeSet<ServerId> keys = new TreeSet<>(sa.keySet());
    keys.addAll(sb.keySet());
    for (ServerId k : keys) {
      AdminState x = sa.getOrDefault(k, AdminState.ENABLED);
      AdminState y = sb.getOrDefault(k, AdminState.ENABLED);
      if (x != y) {
        out.add(AdminStates.KEY + "." + k + ": " + y.json());
      }
    }
    return out;
  }

  private static void named(
      List<String> out, String section, Map<String, Object> a, Map<String, Object> b) {
    TreeSet<String> names = new TreeSet<>(a.keySet());
    names.addAll(b.keySet());
    for (String name : names) {
      if (!a.containsKey(name)) {
        out.add("+" + section + "." + name);
      } else if (!b.containsKey(name)) {
        out.add("-" + section + "." + name);
      } else if (!Objects.equals(a.get(name), b.get(name))) {
        out.add("~" + section + "." + name);
      }
    }
  }

  private static Map<String, Object> objectEntries(JsonObject o) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (o != null) {
      o.fieldNames().forEach(k -> out.put(k, o.getValue(k)));
    }
    return out;
  }

  private static Map<String, Object> routeEntries(JsonArray routes) {
    Map<String, Object> out = new LinkedHashMap<>();
    if (routes != null) {
      for (int i = 0; i < routes.size(); i++) {
        Object r = routes.getValue(i);
        String name =
            r instanceof JsonObject j && j.getString("name") != null
                ? j.getString("name")
                : "#" + i;
        out.put(name, r);
      }
    }
    return out;
  }
}
