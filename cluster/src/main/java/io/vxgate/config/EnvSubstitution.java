package io.vxgate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.function.Function;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code ${VAR}} and {@code ${VAR:-DEFAULT}} in scalar values. {@code DEFAULT} is used when {@code
 * VAR} is unset or empty (as in the shell); <code>$${</code> writes a literal <code>${</code>. No
 * nesting.
 */
final class EnvSubstitution {
  private static final Pattern VAR = Pattern.compile("[A-Za-z_][A-Za-z0-9_]*");
  static final String SYNTAX = "${NAME} or ${NAME:-DEFAULT}";

  private EnvSubstitution() {}

  /** The substituted text, or the {@code expected} text of an error: exactly one is null. */
  record Result(@Nullable String value, @Nullable String error) {}

  static Result substitute(String s, Function<String, String> env) {
    if (s.indexOf('$') < 0) {
      return new Result(s, null);
    }
    StringBuilder out = new StringBuilder(s.length());
    int i = 0;
    while (i < s.length()) {
      char c = s.charAt(i);
      if (c == '$' && s.startsWith("${", i + 1)) {
        out.append('$');
        i += 2; // the '{' that follows is copied as is
        continue;
      }
      if (c != '$' || !s.startsWith("{", i + 1)) {
        out.append(c);
        i++;
        continue;
      }
      int end = s.indexOf('}', i + 2);
      if (end < 0) {
        return new Result(null, SYNTAX);
      }
      String body = s.substring(i + 2, end);
      int sep = body.indexOf(":-");
      String name = sep < 0 ? body : body.substring(0, sep);
      if (!VAR.matcher(name).matches()) {
        return new Result(null, SYNTAX);
      }
      String v = env.apply(name);
      if (sep >= 0 && (v == null || v.isEmpty())) {
        v = body.substring(sep + 2);
      }
      if (v == null) {
        return new Result(
            null, name + " set in the environment, or a default: ${" + name + ":-DEFAULT}");
      }
      out.append(v);
      i = end + 1;
    }
    return new Result(out.toString(), null);
  }

  /**
   * YAML flow collections ({@code {a: ${X}}}) cannot hold a plain {@code ${X}}: before parsing,
   * each {@code ${...}} (on one line) becomes a unique plain-safe placeholder, restored after
   * parsing by {@link Placeholders#restore}.
   */
  static Placeholders protect(String text) {
    if (!text.contains("${")) {
      return new Placeholders(text, List.of(), null);
    }
    String prefix = "vxgate_env_";
    while (text.contains(prefix)) {
      prefix = prefix + "x_";
    }
    StringBuilder out = new StringBuilder(text.length());
    List<String> originals = new ArrayList<>();
    int i = 0;
    while (i < text.length()) {
      int start = text.indexOf("${", i);
      if (start < 0) {
        out.append(text, i, text.length());
        break;
      }
      int end = start + 2;
      while (end < text.length() && text.charAt(end) != '}' && text.charAt(end) != '\n') {
        end++;
      }
      if (end >= text.length() || text.charAt(end) != '}') {
        out.append(text, i, start + 2);
        i = start + 2;
        continue;
      }
      out.append(text, i, start).append(prefix).append(originals.size()).append('_');
      originals.add(text.substring(start, end + 1));
      i = end + 1;
    }
    return new Placeholders(
        out.toString(), originals, Pattern.compile(Pattern.quote(prefix) + "([0-9]+)_"));
  }

  /**
   * Text with placeholders, and how to restore them.
   *
   * @param pattern null when the text has no placeholder
   */
  record Placeholders(String text, List<String> originals, @Nullable Pattern pattern) {
    /** The tree with every placeholder in keys and string values replaced by its original. */
    @Nullable Object restore(@Nullable Object node) {
      if (pattern == null || originals.isEmpty()) {
        return node;
      }
      if (node instanceof String s) {
        return pattern
            .matcher(s)
            .replaceAll(
                m ->
                    java.util.regex.Matcher.quoteReplacement(
                        originals.get(Integer.parseInt(m.group(1)))));
      }
      if (node instanceof Map<?, ?> m) {
        Map<Object, Object> out = new java.util.LinkedHashMap<>();
        m.forEach((k, v) -> out.put(restore(k), restore(v)));
        return out;
      }
      if (node instanceof List<?> l) {
        List<Object> out = new ArrayList<>(l.size());
        l.forEach(v -> out.add(restore(v)));
        return out;
      }
      return node;
    }
  }
}
