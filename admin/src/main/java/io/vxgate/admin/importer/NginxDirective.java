package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * One nginx directive: its name, arguments (unquoted, escapes resolved) and, for a block directive,
 * the directives inside (null for a simple directive). Includes are already expanded.
 */
record NginxDirective(
    String name, List<String> args, Source source, @Nullable List<NginxDirective> block) {
  NginxDirective {
    requireNonNull(name, "name");
    args = List.copyOf(args);
    requireNonNull(source, "source");
    block = block == null ? null : List.copyOf(block);
  }

  @Nullable String arg(int i) {
    return i < args.size() ? args.get(i) : null;
  }

  boolean isBlock() {
    return block != null;
  }

  /** The directives inside a block directive; empty for a simple directive. */
  List<NginxDirective> children() {
    return block == null ? List.of() : block;
  }

  /** The directive as written, for notes: the name and its arguments (on one line). */
  String text() {
    StringBuilder sb = new StringBuilder(name);
    for (String a : args) {
      sb.append(' ');
      boolean quote = a.isEmpty() || a.matches("(?s).*[\\s;{}'\"].*");
      String shown =
          a.replace("\\", "\\\\")
              .replace("\"", "\\\"")
              .replace("\n", "\\n")
              .replace("\t", "\\t")
              .replace("\r", "\\r");
      sb.append(quote ? "\"" + shown + "\"" : a);
    }
    String s = sb.toString();
    if (name.equals("if")) {
      s = "if (" + s.substring(Math.min(s.length(), 3)) + ")";
    }
    return s.length() > 80 ? s.substring(0, 77) + "..." : s;
  }
}
