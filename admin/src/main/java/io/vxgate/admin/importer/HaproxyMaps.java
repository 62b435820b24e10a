package io.vxgate.admin.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * {@code use_backend %[FETCH,lower,map_*(FILE,DEFAULT)]}: a map file from host names or paths to
 * backends, as one route per entry.
 */
final class HaproxyMaps {
  private static final Pattern DYNAMIC =
      Pattern.compile(
          "%\\[(req\\.hdr\\(host\\)|hdr\\(host\\)|path|base)((?:,lower)?),(map|map_str|map_dom|map_beg|map_reg|map_end)\\(([^,)]+)(?:,([^)]*))?\\)\\]");

  interface Leaves {
    Decision.Leaf leaf(String backend, HaproxyConf.Line at, HaproxyProxy.HeaderChanges front);
  }

  private HaproxyMaps() {}

  /** The decision of a map lookup, or null (with a note) when it has no vxgate equivalent. */
  static @Nullable Object dynamic(
      String expr,
      HaproxyConf.Line at,
      Object rest,
      Leaves leaves,
      HaproxyProxy.HeaderChanges front,
      Report report,
      Path baseDir) {
    Matcher m = DYNAMIC.matcher(expr);
    if (!m.matches()) {
      report.unsupported(
          at.source(), at.text(), "a backend name made of fetches other than a host or path map");
      return null;
    }
    boolean host = m.group(1).contains("host");
    String kind = m.group(3);
    Path file = baseDir.resolve(m.group(4));
    List<String> lines;
    try {
      lines = Files.readAllLines(file);
    } catch (IOException e) {
      report.unsupported(at.source(), at.text(), "map file not found here: " + file);
      return null;
    }
    if (m.group(1).equals("base")
        || (host && !List.of("map", "map_str", "map_dom", "map_end").contains(kind))
        || (!host && !List.of("map", "map_str", "map_beg", "map_reg", "map_end").contains(kind))) {
      report.unsupported(
          at.source(), at.text(), m.group(1) + " with " + kind + " has no vxgate equivalent");
      return null;
    }
    Decision d = new Decision();
    for (String line : lines) {
      String t = line.replaceAll("#.*", "").trim();
      if (t.isEmpty()) {
        continue;
      }
      String[] kv = t.split("\\s+", 2);
      if (kv.length < 2) {
        continue;
      }
      String key = host ? kv[0].toLowerCase(Locale.ROOT) : kv[0];
      Decision.Leaf leaf = leaves.leaf(kv[1].trim(), at, front);
      if (host) {
        switch (kind) {
          case "map_dom" -> {
            d.when(Match.host(key), leaf);
            d.when(Match.host("*." + key), leaf);
          }
          case "map_end" ->
              d.when(
                  Match.header("Host", "~(?i)" + PathCondition.quote(key) + "(?::[0-9]+)?$"), leaf);
          default -> d.when(Match.host(key), leaf);
        }
      } else {
        PathCondition.Atom atom =
            switch (kind) {
              case "map_beg" -> new PathCondition.Prefix(key, false);
              case "map_end" -> new PathCondition.Suffix(key, false);
              case "map_reg" -> new PathCondition.Regex(key, false);
              default -> new PathCondition.Exact(key, false);
            };
        d.when(Match.path(PathCondition.of(atom)), leaf);
      }
    }
    String def = m.group(5);
    d.otherwise(def == null || def.isEmpty() ? rest : leaves.leaf(def.trim(), at, front));
    return d;
  }
}
