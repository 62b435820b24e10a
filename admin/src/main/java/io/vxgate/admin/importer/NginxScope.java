package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * The directives of one nginx context ({@code http}, {@code server}, {@code location}) with its
 * enclosing context, and nginx's inheritance: a directive not set at a level is taken from the
 * nearest enclosing level that sets it. Array-like directives ({@code proxy_set_header}, {@code
 * add_header}, {@code allow}/{@code deny}, {@code error_page}) are inherited as a group: a level
 * that sets any of them inherits none.
 */
final class NginxScope {
  private final @Nullable NginxScope parent;
  private final List<NginxDirective> own;

  NginxScope(@Nullable NginxScope parent, List<NginxDirective> own) {
    this.parent = parent;
    this.own = List.copyOf(own);
  }

  List<NginxDirective> own() {
    return own;
  }

  @Nullable NginxScope parent() {
    return parent;
  }

  /** The first directive {@code name} at the nearest level that has one, or null. */
  @Nullable NginxDirective get(String name) {
    for (NginxScope s = this; s != null; s = s.parent) {
      for (NginxDirective d : s.own) {
        if (d.name().equals(name)) {
          return d;
        }
      }
    }
    return null;
  }

  /** The directives named in {@code names}, from the nearest level that has any of them. */
  List<NginxDirective> group(Set<String> names) {
    for (NginxScope s = this; s != null; s = s.parent) {
      List<NginxDirective> out = new ArrayList<>();
      for (NginxDirective d : s.own) {
        if (names.contains(d.name())) {
          out.add(d);
        }
      }
      if (!out.isEmpty()) {
        return out;
      }
    }
    return List.of();
  }

  /** The directives {@code name} at this level only. */
  List<NginxDirective> here(String name) {
    return own.stream().filter(d -> d.name().equals(name)).toList();
  }
}
