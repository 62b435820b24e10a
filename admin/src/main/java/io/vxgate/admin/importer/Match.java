package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The conditions of one vxgate route ({@code match:}), as the importers build them: every set field
 * must hold. {@link #and} conjoins two matches, or answers null when no request can satisfy both.
 *
 * @param host an exact host name or {@code *.suffix}, or null
 * @param methods null for any method
 * @param source CIDRs, null for any address
 * @param country ISO codes, null for any country
 */
record Match(
    PathCondition path,
    @Nullable String host,
    @Nullable Set<String> methods,
    Map<String, String> headers,
    Map<String, String> query,
    @Nullable List<String> source,
    @Nullable Boolean websocket,
    @Nullable List<String> country) {

  static final Match ANY =
      new Match(PathCondition.any(), null, null, Map.of(), Map.of(), null, null, null);

  Match {
    requireNonNull(path, "path");
    methods = methods == null ? null : Set.copyOf(new LinkedHashSet<>(methods));
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
    source = source == null ? null : List.copyOf(source);
    country = country == null ? null : List.copyOf(country);
  }

  static Match path(PathCondition p) {
    return ANY.withPath(p);
  }

  static Match host(String host) {
    return new Match(
        PathCondition.any(),
        host.toLowerCase(Locale.ROOT),
        null,
        Map.of(),
        Map.of(),
        null,
        null,
        null);
  }

  static Match header(String name, String value) {
    return new Match(
        PathCondition.any(), null, null, Map.of(name, value), Map.of(), null, null, null);
  }

  static Match query(String name, String value) {
    return new Match(
        PathCondition.any(), null, null, Map.of(), Map.of(name, value), null, null, null);
  }

  static Match methods(Set<String> methods) {
    return new Match(PathCondition.any(), null, methods, Map.of(), Map.of(), null, null, null);
  }

  static Match source(List<String> cidrs) {
    return new Match(PathCondition.any(), null, null, Map.of(), Map.of(), cidrs, null, null);
  }

  static Match websocket(boolean ws) {
    return new Match(PathCondition.any(), null, null, Map.of(), Map.of(), null, ws, null);
  }

  static Match country(List<String> codes) {
    return new Match(PathCondition.any(), null, null, Map.of(), Map.of(), null, null, codes);
  }

  Match withPath(PathCondition p) {
    return new Match(p, host, methods, headers, query, source, websocket, country);
  }

  /** The conjunction, or null when it cannot hold. */
  @Nullable Match and(Match o) {
    PathCondition p = path.and(o.path);
    if (p.keys() == null) {
      return null;
    }
    String h = host;
    if (o.host != null) {
      if (h == null) {
        h = o.host;
      } else if (!h.equals(o.host)) {
        if (covers(h, o.host)) {
          h = o.host;
        } else if (!covers(o.host, h)) {
          return null;
        }
      }
    }
    Set<String> m = methods;
    if (o.methods != null) {
      if (m == null) {
        m = o.methods;
      } else {
        Set<String> both = new LinkedHashSet<>(m);
        both.retainAll(o.methods);
        if (both.isEmpty()) {
          return null;
        }
        m = both;
      }
    }
    Map<String, String> hs = merge(headers, o.headers);
    Map<String, String> qs = merge(query, o.query);
    if (hs == null || qs == null) {
      return null;
    }
    List<String> src = source;
    if (o.source != null) {
      src = src == null ? o.source : Cidrs.intersect(src, o.source);
      if (src.isEmpty()) {
        return null;
      }
    }
    Boolean ws = websocket;
    if (o.websocket != null) {
      if (ws != null && !ws.equals(o.websocket)) {
        return null;
      }
      ws = o.websocket;
    }
    List<String> c = country;
    if (o.country != null) {
      if (c == null) {
        c = o.country;
      } else {
        List<String> both = new ArrayList<>(c);
        both.retainAll(o.country);
        if (both.isEmpty()) {
          return null;
        }
        c = both;
      }
    }
    return new Match(p, h, m, hs, qs, src, ws, c);
  }

  /** Whether host pattern {@code general} matches every host that {@code specific} matches. */
  private static boolean covers(String general, String specific) {
    if (!general.startsWith("*.")) {
      return false;
    }
    String suffix = general.substring(1);
    return specific.endsWith(suffix) && specific.length() > suffix.length();
  }

  /** Header or query conditions of both sides; null when one name needs two different values. */
  private static @Nullable Map<String, String> merge(Map<String, String> a, Map<String, String> b) {
    Map<String, String> out = new LinkedHashMap<>(a);
    for (Map.Entry<String, String> e : b.entrySet()) {
      String key = e.getKey();
      String existing = null;
      for (String k : out.keySet()) {
        if (k.equalsIgnoreCase(key)) {
          key = k;
          existing = out.get(k);
        }
      }
      String v = e.getValue();
      if (existing == null || existing.equals(v)) {
        out.put(key, v);
      } else if (!existing.startsWith("~") && !v.startsWith("~")) {
        return null;
      } else {
        // both must hold: two look-aheads in one expression
        out.put(key, "~^" + lookahead(existing) + lookahead(v));
      }
    }
    return out;
  }

  private static String lookahead(String value) {
    return value.startsWith("~")
        ? "(?=.*?(?:" + value.substring(1) + "))"
        : "(?=" + PathCondition.quote(value) + "$)";
  }

  /** Whether the match holds for every request. */
  boolean isAny() {
    return equals(ANY);
  }

  /** The {@code match:} mapping. */
  Yaml.YMap yaml() {
    Yaml.YMap m = new Yaml.YMap();
    PathCondition.Keys k = path.keys();
    if (k != null) {
      m.put("path", k.path());
      m.put("path-prefix", k.pathPrefix());
      m.put("path-regex", k.pathRegex());
    }
    m.put("host", host);
    if (methods != null) {
      m.put("methods", Yaml.YList.of(methods.stream().sorted().toList()));
    }
    if (!headers.isEmpty()) {
      Yaml.YMap h = new Yaml.YMap();
      headers.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> h.put(e.getKey(), e.getValue()));
      m.put("headers", h);
    }
    if (!query.isEmpty()) {
      Yaml.YMap q = new Yaml.YMap();
      query.entrySet().stream()
          .sorted(Map.Entry.comparingByKey())
          .forEach(e -> q.put(e.getKey(), e.getValue()));
      m.put("query", q);
    }
    if (source != null) {
      m.put("source", Yaml.YList.of(source));
    }
    m.put("websocket", websocket);
    if (country != null) {
      m.put("country", Yaml.YList.of(country));
    }
    return m;
  }
}
