package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * A {@code frontend}, {@code backend} or {@code listen} section with the {@code defaults} section
 * it inherits: a setting of the proxy replaces the same setting of the defaults ({@code timeout
 * server}, {@code option httpchk}, {@code balance}...).
 */
final class HaproxyProxy {
  /** Header changes of a frontend or backend, applied to the routes through it. */
  record HeaderChanges(
      Map<String, String> setRequest,
      List<String> removeRequest,
      Map<String, String> setResponse,
      List<String> removeResponse) {
    static HeaderChanges none() {
      return new HeaderChanges(Map.of(), List.of(), Map.of(), List.of());
    }
  }

  final HaproxyConf.Section section;
  final List<HaproxyConf.Line> defaults;
  final HaproxyAcls acls;

  HaproxyProxy(HaproxyConf.Section section, List<HaproxyConf.Line> defaults, HaproxyAcls acls) {
    this.section = section;
    this.defaults = defaults;
    this.acls = acls;
  }

  String kind() {
    return section.kind();
  }

  String name() {
    return section.name() == null ? kind() : section.name();
  }

  boolean frontendSide() {
    return kind().equals("frontend") || kind().equals("listen");
  }

  boolean backendSide() {
    return kind().equals("backend") || kind().equals("listen");
  }

  /** What a line sets: {@code timeout server}, {@code option httpchk}, {@code balance}... */
  static String key(HaproxyConf.Line l) {
    String k = l.keyword();
    if (k.equals("no") && l.words().size() > 2) {
      return l.word(1) + " " + l.word(2);
    }
    if ((k.equals("timeout") || k.equals("option")) && l.words().size() > 1) {
      return k + " " + l.word(1);
    }
    if (k.equals("http-check") && l.words().size() > 1) {
      return k + " " + l.word(1);
    }
    return k;
  }

  /** The lines setting {@code key}: the proxy's own when it has any, else the defaults'. */
  List<HaproxyConf.Line> all(String key) {
    List<HaproxyConf.Line> own = new ArrayList<>();
    for (HaproxyConf.Line l : section.lines()) {
      if (key(l).equals(key)) {
        own.add(l);
      }
    }
    if (!own.isEmpty()) {
      return own;
    }
    List<HaproxyConf.Line> inherited = new ArrayList<>();
    for (HaproxyConf.Line l : defaults) {
      if (key(l).equals(key)) {
        inherited.add(l);
      }
    }
    return inherited;
  }

  /**
   * The last line setting {@code key} (HAProxy keeps the last), or null; {@code no option X} too.
   */
  HaproxyConf.@Nullable Line get(String key) {
    List<HaproxyConf.Line> ls = all(key);
    return ls.isEmpty() ? null : ls.get(ls.size() - 1);
  }

  /** Whether {@code option NAME} is on (and not turned off by {@code no option NAME}). */
  HaproxyConf.@Nullable Line option(String name) {
    HaproxyConf.Line l = get("option " + name);
    return l == null || l.keyword().equals("no") ? null : l;
  }

  /** The proxy's own lines of a keyword, in order. */
  List<HaproxyConf.Line> own(String keyword) {
    return section.lines().stream().filter(l -> l.keyword().equals(keyword)).toList();
  }
}
