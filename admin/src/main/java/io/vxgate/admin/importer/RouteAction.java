package io.vxgate.admin.importer;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/** What a translated route does: proxy to an upstream, redirect, or answer itself. */
sealed interface RouteAction permits RouteAction.Proxy, RouteAction.Redirect, RouteAction.Return {

  /** The route's keys for this action. */
  void write(Yaml.YMap route);

  /** Proxying to an upstream, with the route's path and header changes. */
  record Proxy(
      String upstream,
      @Nullable String stripPrefix,
      Map<String, String> setRequest,
      List<String> removeRequest,
      Map<String, String> setResponse,
      List<String> removeResponse,
      Yaml.YMap extra)
      implements RouteAction {
    public Proxy {
      setRequest = new LinkedHashMap<>(setRequest);
      removeRequest = List.copyOf(removeRequest);
      setResponse = new LinkedHashMap<>(setResponse);
      removeResponse = List.copyOf(removeResponse);
    }

    static Proxy to(String upstream) {
      return new Proxy(upstream, null, Map.of(), List.of(), Map.of(), List.of(), new Yaml.YMap());
    }

    @Override
    public void write(Yaml.YMap r) {
      r.put("upstream", upstream);
      r.put("strip-prefix", stripPrefix);
      headers(r, "request-headers", setRequest, removeRequest);
      headers(r, "response-headers", setResponse, removeResponse);
      for (Map.Entry<Object, Object> e : extra.entries().entrySet()) {
        r.put(e.getKey(), e.getValue());
      }
    }
  }

  /** A redirect. */
  record Redirect(String location, int status, boolean keepPath) implements RouteAction {
    @Override
    public void write(Yaml.YMap r) {
      Yaml.YMap m = new Yaml.YMap().put("location", location).put("status", status);
      if (keepPath) {
        m.put("keep-path", true);
      }
      r.put("redirect", m);
    }
  }

  /** A fixed answer. */
  record Return(int status, @Nullable String body, @Nullable String contentType)
      implements RouteAction {
    @Override
    public void write(Yaml.YMap r) {
      Yaml.YMap m = new Yaml.YMap().put("status", status);
      if (body != null && !body.isEmpty()) {
        m.put("body", body);
      }
      m.put("content-type", contentType);
      r.put("return", m);
    }
  }

  private static void headers(
      Yaml.YMap r, String key, Map<String, String> set, List<String> remove) {
    if (set.isEmpty() && remove.isEmpty()) {
      return;
    }
    Yaml.YMap h = new Yaml.YMap();
    if (!set.isEmpty()) {
      Yaml.YMap s = new Yaml.YMap();
      set.forEach(s::put);
      h.put("set", s);
    }
    if (!remove.isEmpty()) {
      h.put("remove", Yaml.YList.of(remove));
    }
    r.put(key, h);
  }
}
