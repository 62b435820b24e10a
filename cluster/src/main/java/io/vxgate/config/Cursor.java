package io.vxgate.config;

import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import org.jspecify.annotations.Nullable;

/**
 * A position in the parsed YAML/JSON tree ({@code Map}, {@code List}, scalars) with its path. Every
 * read that finds a bad value records a {@link ConfigError} in the shared {@link Context} and goes
 * on, so one pass reports every error. A YAML null reads as absent.
 */
final class Cursor {
  private static final int MAX_RENDER = 60;

  private final Context ctx;
  private final String path;
  private final @Nullable Object raw;

  Cursor(Context ctx, String path, @Nullable Object raw) {
    this.ctx = ctx;
    this.path = path;
    this.raw = raw;
  }

  /** Errors of one document, and how to read its scalars. */
  static final class Context {
    final String source;
    final @Nullable Function<String, String> env;
    final Set<String> overridden;
    final List<ConfigError> errors = new ArrayList<>();

    /**
     * @param env null: no {@code ${VAR}} substitution
     * @param overridden paths whose values come from {@link ConfigOverrides}
     */
    Context(String source, @Nullable Function<String, String> env, Set<String> overridden) {
      this.source = source;
      this.env = env;
      this.overridden = overridden;
    }

    void add(String path, String value, String expected) {
      errors.add(new ConfigError(overridden(path) ? "overrides" : source, path, value, expected));
    }

    boolean overridden(String path) {
      for (String p : overridden) {
        if (path.equals(p) || path.startsWith(p + ".") || path.startsWith(p + "[")) {
          return true;
        }
      }
      return false;
    }
  }

  String path() {
    return path;
  }

  boolean present() {
    return raw != null;
  }

  @Nullable Object raw() {
    return raw;
  }

  /** Whether the value is present but not a mapping (already reported by {@link #fields}). */
  boolean notMapping() {
    return raw != null && !(raw instanceof Map);
  }

  /** Records an error at this path, showing this value. */
  void error(String expected) {
    ctx.add(path, render(raw), expected);
  }

  /** Records an error at this path with the value as given. */
  void error(String value, String expected) {
    ctx.add(path, value, expected);
  }

  /** Records that this required key is absent. */
  void missing(String expected) {
    ctx.add(path, ConfigError.MISSING, expected);
  }

  /** Reports absence of a required key; true when present. */
  boolean require(String expected) {
    if (raw == null) {
      missing(expected);
      return false;
    }
    return true;
  }

  private String childPath(String key) {
    return path.isEmpty() ? key : path + "." + key;
  }

  /** The fields of a mapping allowed to hold only {@code keys}; others are reported. */
  Fields fields(String... keys) {
    Map<String, Cursor> m = new LinkedHashMap<>();
    if (raw == null) {
      return new Fields(this, m);
    }
    if (!(raw instanceof Map<?, ?> map)) {
      error("a mapping with keys: " + String.join(", ", keys));
      return new Fields(this, m);
    }
    List<String> allowed = Arrays.asList(keys);
    for (Map.Entry<?, ?> e : map.entrySet()) {
      String k = String.valueOf(e.getKey());
      if (allowed.contains(k)) {
        m.put(k, new Cursor(ctx, childPath(k), e.getValue()));
      } else {
        ctx.add(path, k, "one of: " + String.join(", ", keys) + Suggestions.hint(k, allowed));
      }
    }
    return new Fields(this, m);
  }

  /** The entries of a mapping with free keys, in document order. */
  Map<String, Cursor> entries(String expected) {
    Map<String, Cursor> m = new LinkedHashMap<>();
    if (raw == null) {
      return m;
    }
    if (!(raw instanceof Map<?, ?> map)) {
      error(expected);
      return m;
    }
    map.forEach(
        (k, v) -> m.put(String.valueOf(k), new Cursor(ctx, childPath(String.valueOf(k)), v)));
    return m;
  }

  /** The items of a list. */
  List<Cursor> items(String expected) {
    List<Cursor> out = new ArrayList<>();
    if (raw == null) {
      return out;
    }
    if (!(raw instanceof List<?> list)) {
      error(expected);
      return out;
    }
    for (int i = 0; i < list.size(); i++) {
      out.add(new Cursor(ctx, path + "[" + i + "]", list.get(i)));
    }
    return out;
  }

  /**
   * The scalar as text, {@code ${VAR}} substituted; null when absent or invalid (a mapping or list
   * is reported with {@code expected}).
   */
  @Nullable String text(String expected) {
    if (raw == null) {
      return null;
    }
    if (raw instanceof Map || raw instanceof List) {
      error(expected);
      return null;
    }
    String s = raw.toString();
    if (raw instanceof String && ctx.env != null && !ctx.overridden(path)) {
      EnvSubstitution.Result r = EnvSubstitution.substitute(s, ctx.env);
      if (r.error() != null) {
        ctx.add(path, s, r.error());
        return null;
      }
      return r.value();
    }
    return s;
  }

  /**
   * The scalar parsed by {@code parser} (which returns null for an invalid text); null when absent,
   * null and reported when invalid.
   */
  <T> @Nullable T scalar(String expected, Function<String, T> parser) {
    String s = text(expected);
    if (s == null) {
      return null;
    }
    T v = parser.apply(s);
    if (v == null) {
      ctx.add(path, s.isEmpty() ? "\"\"" : s, expected);
    }
    return v;
  }

  /** Like {@link #scalar} with a default for an absent or invalid value. */
  <T> T scalar(String expected, Function<String, T> parser, T dflt) {
    T v = scalar(expected, parser);
    return v == null ? dflt : v;
  }

  /** A compact rendering of a value for messages. */
  static String render(@Nullable Object v) {
    String s = renderFull(v);
    return s.length() > MAX_RENDER ? s.substring(0, MAX_RENDER - 3) + "..." : s;
  }

  private static String renderFull(@Nullable Object v) {
    if (v == null) {
      return "null";
    }
    if (v instanceof Map<?, ?> m) {
      StringBuilder b = new StringBuilder("{");
      m.forEach(
          (k, x) ->
              b.append(b.length() > 1 ? ", " : "").append(k).append(": ").append(renderFull(x)));
      return b.append('}').toString();
    }
    if (v instanceof List<?> l) {
      StringBuilder b = new StringBuilder("[");
      l.forEach(x -> b.append(b.length() > 1 ? ", " : "").append(renderFull(x)));
      return b.append(']').toString();
    }
    String s = v.toString();
    return s.isEmpty() ? "\"\"" : s;
  }

  /** The present fields of one mapping. */
  static final class Fields {
    private final Cursor owner;
    private final Map<String, Cursor> fields;

    Fields(Cursor owner, Map<String, Cursor> fields) {
      this.owner = owner;
      this.fields = fields;
    }

    /** The field, or an absent cursor at its path. */
    Cursor get(String key) {
      Cursor c = fields.get(key);
      return c != null ? c : new Cursor(owner.ctx, owner.childPath(key), null);
    }
  }
}
