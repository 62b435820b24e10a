package io.vxgate.config;

import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * Reads the cluster-wide {@code limits:} section (docs/configuration.md, section "limits"): named
 * policies with their defaults from {@link LimitConfig}.
 */
final class LimitsSection {
  static final String RATE = "a rate like 10/s or 300/m (1..1000000 requests)";
  static final String COUNT = "0..1000000";
  static final String CONCURRENCY = "1..1000000";
  static final String KEY = "client-ip, header:NAME, cookie:NAME, route or upstream";
  static final String SCOPE = "cluster or node";
  static final String MAX_KEYS = "1..10000000";
  private static final Pattern RATE_SYNTAX = Pattern.compile("([0-9]+)\\s*r?/([sm])");

  private LimitsSection() {}

  /**
   * @param names receives every policy name written, valid or not, so that routes naming one are
   *     not also reported
   */
  static Map<String, LimitConfig> read(Cursor c, Set<String> names) {
    Map<String, LimitConfig> out = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        c.entries("a mapping of limit names to policies").entrySet()) {
      String name = e.getKey();
      names.add(name);
      if (Syntax.name(name) == null) {
        c.error(name.isEmpty() ? "\"\"" : name, Values.NAME);
      }
      LimitConfig l = policy(name, e.getValue());
      if (l != null) {
        out.put(name, l);
      }
    }
    return out;
  }

  private static @Nullable LimitConfig policy(String name, Cursor c) {
    Cursor.Fields f =
        c.fields(
            "rate",
            "burst",
            "delay",
            "nodelay",
            "concurrency",
            "key",
            "exempt",
            "scope",
            "max-keys");
    if (c.notMapping()) {
      return null;
    }
    Cursor rc = f.get("rate");
    LimitConfig.Rate rate = rc.scalar(RATE, LimitsSection::rate);
    int burst = count(f.get("burst"), LimitConfig.DEFAULT_BURST);
    Cursor dc = f.get("delay");
    int delay = count(dc, LimitConfig.DEFAULT_DELAY);
    Cursor nc = f.get("nodelay");
    boolean nodelay = nc.scalar(Values.BOOL, Syntax::bool, false);
    if (nodelay && dc.present()) {
      dc.error("no delay with nodelay: true");
    }
    Cursor cc = f.get("concurrency");
    if (!rc.present() && cc.present()) {
      for (Cursor k : List.of(f.get("burst"), dc, nc)) {
        if (k.present()) {
          k.error("only with rate");
        }
      }
    }
    Integer concurrency = cc.scalar(CONCURRENCY, s -> Values.integer(s, 1, 1_000_000));
    LimitConfig.Key key = f.get("key").scalar(KEY, LimitsSection::key, LimitConfig.DEFAULT_KEY);
    List<String> exempt = Values.cidrs(f.get("exempt"));
    LimitConfig.Scope scope =
        f.get("scope").scalar(SCOPE, LimitsSection::scope, LimitConfig.DEFAULT_SCOPE);
    int maxKeys =
        f.get("max-keys")
            .scalar(MAX_KEYS, s -> Values.integer(s, 1, 10_000_000), LimitConfig.DEFAULT_MAX_KEYS);
    if (!rc.present() && !cc.present()) {
      c.error(
          c.present() ? Cursor.render(c.raw()) : ConfigError.MISSING,
          "a policy with rate, concurrency or both");
      return null;
    }
    if (rate == null && concurrency == null) {
      return null;
    }
    return new LimitConfig(
        name,
        rate,
        burst,
        delay,
        nodelay,
        concurrency == null ? 0 : concurrency,
        key,
        exempt,
        scope,
        maxKeys);
  }

  private static int count(Cursor c, int dflt) {
    return c.scalar(COUNT, s -> Values.integer(s, 0, 1_000_000), dflt);
  }

  /** {@code N/s} or {@code N/m} (nginx's {@code Nr/s} and {@code Nr/m} too), N in 1..1000000. */
  static LimitConfig.@Nullable Rate rate(String s) {
    Matcher m = RATE_SYNTAX.matcher(s.trim());
    if (!m.matches()) {
      return null;
    }
    Integer n = Values.integer(m.group(1), 1, 1_000_000);
    return n == null ? null : new LimitConfig.Rate(n, m.group(2).equals("m"));
  }

  static LimitConfig.@Nullable Key key(String s) {
    String t = s.trim();
    return switch (t) {
      case "client-ip" -> LimitConfig.DEFAULT_KEY;
      case "route" -> new LimitConfig.Key(LimitConfig.Key.Kind.ROUTE, null);
      case "upstream" -> new LimitConfig.Key(LimitConfig.Key.Kind.UPSTREAM, null);
      default -> named(t);
    };
  }

  /** {@code header:NAME} or {@code cookie:NAME}, else null. */
  private static LimitConfig.@Nullable Key named(String t) {
    int colon = t.indexOf(':');
    if (colon < 0) {
      return null;
    }
    String kind = t.substring(0, colon).toLowerCase(Locale.ROOT);
    String name = Syntax.token(t.substring(colon + 1));
    if (name == null) {
      return null;
    }
    return switch (kind) {
      case "header" -> new LimitConfig.Key(LimitConfig.Key.Kind.HEADER, name);
      case "cookie" -> new LimitConfig.Key(LimitConfig.Key.Kind.COOKIE, name);
      default -> null;
    };
  }

  private static LimitConfig.@Nullable Scope scope(String s) {
    return switch (s.trim()) {
      case "cluster" -> LimitConfig.Scope.CLUSTER;
      case "node" -> LimitConfig.Scope.NODE;
      default -> null;
    };
  }
}
