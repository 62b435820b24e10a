package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A small YAML document model and its writer: ordered mappings and sequences of strings, numbers
 * and booleans, with comment lines above entries and items. Small collections are written in flow
 * style ({@code {name: a, address: 10.0.0.1:80}}), larger ones in block style. Strings are quoted
 * whenever plain style could read as something else, and <code>${</code> is written <code>$${
 * </code> since vxgate substitutes environment variables in values.
 */
final class Yaml {
  private static final int WIDTH = 100;
  private static final Pattern PLAIN = Pattern.compile("[A-Za-z0-9_/.(][A-Za-z0-9_/.:@+=~*()-]*");
  private static final Pattern NOT_STRING =
      Pattern.compile(
          "(?i)~|null|true|false|yes|no|on|off|y|n"
              + "|[-+]?[0-9][0-9_]*|0o[0-7]+|0x[0-9a-f]+"
              + "|[-+]?(\\.[0-9]+|[0-9]+(\\.[0-9]*)?)(e[-+]?[0-9]+)?|[-+]?\\.inf|\\.nan"
              + "|[0-9]+(:[0-9]+)+(\\.[0-9]*)?");

  private Yaml() {}

  /** An ordered mapping; keys are strings or integers. */
  static final class YMap {
    private final Map<Object, Object> entries = new LinkedHashMap<>();
    private final Map<Object, List<String>> comments = new HashMap<>();

    /** Sets a value (a string, number, boolean, {@link YMap} or {@link YList}); null removes. */
    YMap put(Object key, @Nullable Object value) {
      if (value == null) {
        entries.remove(key);
      } else {
        entries.put(key, value);
      }
      return this;
    }

    /** Sets a value with a comment line above it. */
    YMap put(Object key, Object value, String comment) {
      put(key, value);
      comments.computeIfAbsent(key, k -> new ArrayList<>()).add(comment);
      return this;
    }

    @Nullable Object get(Object key) {
      return entries.get(key);
    }

    /** The mapping under {@code key}, created empty when absent. */
    YMap map(Object key) {
      Object v = entries.get(key);
      if (v instanceof YMap m) {
        return m;
      }
      YMap m = new YMap();
      entries.put(key, m);
      return m;
    }

    /** The sequence under {@code key}, created empty when absent. */
    YList list(Object key) {
      Object v = entries.get(key);
      if (v instanceof YList l) {
        return l;
      }
      YList l = new YList();
      entries.put(key, l);
      return l;
    }

    boolean isEmpty() {
      return entries.isEmpty();
    }

    boolean containsKey(Object key) {
      return entries.containsKey(key);
    }

    Map<Object, Object> entries() {
      return entries;
    }
  }

  /** A sequence. */
  static final class YList {
    private final List<Object> items = new ArrayList<>();
    private final Map<Integer, List<String>> comments = new HashMap<>();

    YList add(Object value) {
      items.add(value);
      return this;
    }

    /** Adds an item with a comment line above it. */
    YList add(Object value, String comment) {
      comments.computeIfAbsent(items.size(), k -> new ArrayList<>()).add(comment);
      items.add(value);
      return this;
    }

    static YList of(List<?> values) {
      YList l = new YList();
      values.forEach(l::add);
      return l;
    }

    List<Object> items() {
      return items;
    }

    boolean isEmpty() {
      return items.isEmpty();
    }
  }

  /** The document text of a top-level mapping. */
  static String write(YMap root, List<String> header) {
    StringBuilder sb = new StringBuilder();
    for (String h : header) {
      comment(sb, "", h);
    }
    block(sb, root, "");
    return sb.toString();
  }

  private static void comment(StringBuilder sb, String indent, String text) {
    for (String line : text.split("\n", -1)) {
      sb.append(indent).append(line.isEmpty() ? "#" : "# " + line).append('\n');
    }
  }

  private static void block(StringBuilder sb, YMap m, String indent) {
    boolean first = true;
    for (Map.Entry<Object, Object> e : m.entries.entrySet()) {
      if (!first) {
        sb.append(indent);
      }
      first = false;
      List<String> cs = m.comments.get(e.getKey());
      if (cs != null) {
        // the first entry's indent was written by the caller (after "- "): comments go inside
        for (String c : cs) {
          comment(sb, "", c);
          sb.append(indent);
        }
      }
      sb.append(scalar(e.getKey(), false)).append(':');
      value(sb, e.getValue(), indent);
    }
  }

  private static void value(StringBuilder sb, Object v, String indent) {
    String flow = flow(v);
    boolean collection = v instanceof YMap || v instanceof YList;
    if (flow != null && (indent.length() + flow.length() < WIDTH || !collection)) {
      // a long scalar stays on its key's line: YAML has no better place for it
      sb.append(' ').append(flow).append('\n');
      return;
    }
    sb.append('\n');
    String inner = indent + "  ";
    if (v instanceof YMap m) {
      sb.append(inner);
      block(sb, m, inner);
    } else {
      items(sb, (YList) v, inner);
    }
  }

  private static void items(StringBuilder sb, YList l, String indent) {
    for (int i = 0; i < l.items.size(); i++) {
      List<String> cs = l.comments.get(i);
      if (cs != null) {
        for (String c : cs) {
          comment(sb, indent, c);
        }
      }
      Object item = l.items.get(i);
      String flow = flow(item);
      sb.append(indent).append("- ");
      if (flow != null && indent.length() + 2 + flow.length() < WIDTH) {
        sb.append(flow).append('\n');
      } else if (item instanceof YMap m && !m.isEmpty()) {
        block(sb, m, indent + "  ");
      } else if (item instanceof YList sub) {
        sb.append('\n');
        items(sb, sub, indent + "  ");
      } else {
        sb.append(flow).append('\n');
      }
    }
  }

  /** The flow form of a value, or null when it holds comments. */
  private static @Nullable String flow(Object v) {
    if (v instanceof YMap m) {
      if (!m.comments.isEmpty()) {
        return null;
      }
      List<String> parts = new ArrayList<>();
      for (Map.Entry<Object, Object> e : m.entries.entrySet()) {
        String f = flow(e.getValue());
        if (f == null) {
          return null;
        }
        parts.add(scalar(e.getKey(), true) + ": " + f);
      }
      return "{" + String.join(", ", parts) + "}";
    }
    if (v instanceof YList l) {
      if (!l.comments.isEmpty()) {
        return null;
      }
      List<String> parts = new ArrayList<>();
      for (Object o : l.items) {
        String f = flow(o);
        if (f == null) {
          return null;
        }
        parts.add(f);
      }
      return "[" + String.join(", ", parts) + "]";
    }
    return scalar(v, true);
  }

  /** A scalar in plain style when that reads back as the same string, else quoted. */
  static String scalar(Object v, boolean flow) {
    if (v instanceof Number || v instanceof Boolean) {
      return v.toString();
    }
    String s = String.valueOf(v).replace("${", "$${");
    boolean plain =
        PLAIN.matcher(s).matches()
            && !NOT_STRING.matcher(s).matches()
            && !s.endsWith(":")
            && !(flow && s.contains(","));
    if (plain) {
      return s;
    }
    boolean control = false;
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      control |= c < 0x20 || c == 0x7f;
    }
    if (!control) {
      return "'" + s.replace("'", "''") + "'";
    }
    StringBuilder q = new StringBuilder("\"");
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> q.append("\\\"");
        case '\\' -> q.append("\\\\");
        case '\n' -> q.append("\\n");
        case '\t' -> q.append("\\t");
        case '\r' -> q.append("\\r");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            q.append(String.format("\\x%02x", (int) c));
          } else {
            q.append(c);
          }
        }
      }
    }
    return q.append('"').toString();
  }
}
