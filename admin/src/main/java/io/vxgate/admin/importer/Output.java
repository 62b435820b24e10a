package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/** The vxgate config an importer builds, and its YAML text. */
final class Output {
  /** A listener, upstream or route with the comment naming its source. */
  record Block(@Nullable String name, Yaml.YMap body, String comment) {}

  private final List<Block> listeners = new ArrayList<>();
  private final Map<String, Block> upstreams = new LinkedHashMap<>();
  private final List<Decision.Flat> routes = new ArrayList<>();
  private final Set<String> trustedProxies = new LinkedHashSet<>();
  private final Map<Integer, String> errorPages = new LinkedHashMap<>();
  private @Nullable String geoip;
  private @Nullable Block accessLog;
  private boolean noListeners;

  /** Writes {@code listeners: []} when no listener could be translated (not vxgate's default). */
  void noListeners() {
    this.noListeners = true;
  }

  void listener(@Nullable String name, Yaml.YMap body, String comment) {
    listeners.add(new Block(name, body, comment));
  }

  List<Block> listeners() {
    return listeners;
  }

  void upstream(String name, Yaml.YMap body, String comment) {
    upstreams.put(name, new Block(name, body, comment));
  }

  boolean hasUpstream(String name) {
    return upstreams.containsKey(name);
  }

  Yaml.@Nullable YMap upstreamBody(String name) {
    Block b = upstreams.get(name);
    return b == null ? null : b.body();
  }

  void route(Decision.Flat r) {
    routes.add(r);
  }

  List<Decision.Flat> routes() {
    return routes;
  }

  void trustedProxy(String cidr) {
    trustedProxies.add(cidr);
  }

  void errorPage(int status, String file) {
    errorPages.putIfAbsent(status, file);
  }

  /** The node's access log: its format and destination, with the comment naming its source. */
  void accessLog(LogFormat format, LogDestination to, String comment) {
    Yaml.YMap body = new Yaml.YMap();
    format.write(body);
    to.write(body);
    this.accessLog = new Block("access-log", body, comment);
  }

  void geoip(String database) {
    this.geoip = database;
  }

  /**
   * The YAML document. Routes that cannot match (after one that matches every request) are left
   * out, since vxgate refuses them.
   */
  String yaml(List<String> header) {
    Yaml.YMap root = new Yaml.YMap();
    if (!listeners.isEmpty() || noListeners) {
      Yaml.YList l = new Yaml.YList();
      for (Block b : listeners) {
        l.add(b.body(), b.comment());
      }
      root.put("listeners", l);
    }
    if (accessLog != null) {
      root.put("access-log", accessLog.body(), accessLog.comment());
    }
    if (!trustedProxies.isEmpty()) {
      root.put("trusted-proxies", Yaml.YList.of(List.copyOf(trustedProxies)));
    }
    if (geoip != null) {
      root.put("geoip", new Yaml.YMap().put("database", geoip));
    }
    if (!upstreams.isEmpty()) {
      Yaml.YMap u = new Yaml.YMap();
      for (Map.Entry<String, Block> e : upstreams.entrySet()) {
        u.put(e.getKey(), e.getValue().body(), e.getValue().comment());
      }
      root.put("upstreams", u);
    }
    Yaml.YList rl = new Yaml.YList();
    Names names = new Names();
    for (Decision.Flat r : routes) {
      Yaml.YMap route = new Yaml.YMap();
      route.put("name", names.unique(r.leaf().label()));
      Yaml.YMap match = r.match().yaml();
      if (!match.isEmpty()) {
        route.put("match", match);
      }
      r.leaf().action().write(route);
      rl.add(route, r.leaf().comment());
      if (match.isEmpty()) {
        break; // vxgate refuses routes after one that matches every request
      }
    }
    if (!rl.isEmpty()) {
      root.put("routes", rl);
    }
    if (!errorPages.isEmpty()) {
      Yaml.YMap e = new Yaml.YMap();
      errorPages.forEach(e::put);
      root.put("error-pages", e);
    }
    return Yaml.write(root, header);
  }
}
