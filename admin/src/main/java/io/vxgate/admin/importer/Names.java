package io.vxgate.admin.importer;

import java.util.HashSet;
import java.util.Set;

/** vxgate names (letters, digits, '.', '_', '-') made from input names, unique within a scope. */
final class Names {
  private final Set<String> used = new HashSet<>();

  /** {@code wanted} made a valid name, with {@code -2}, {@code -3}... when already used. */
  String unique(String wanted) {
    String base = sanitize(wanted);
    String name = base;
    for (int i = 2; !used.add(name); i++) {
      name = base + "-" + i;
    }
    return name;
  }

  /** Marks a name as used. */
  void reserve(String name) {
    used.add(name);
  }

  static String sanitize(String s) {
    String t = s.replaceAll("[^A-Za-z0-9._-]+", "-").replaceAll("-{2,}", "-");
    t = t.replaceAll("^[-.]+|[-.]+$", "");
    return t.isEmpty() ? "x" : t;
  }
}
