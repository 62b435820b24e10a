package io.vxgate.config;

import java.util.HashMap;
import java.util.Map;

/**
 * Reads {@code error-pages:} (docs/configuration.md, section "error-pages"): from a file, each
 * status names a file whose content is kept; in the JSON form, each status holds the content.
 */
final class ErrorPagesSection {
  private ErrorPagesSection() {}

  static Map<Integer, String> read(Cursor c, ConfigFiles files) {
    Map<Integer, String> out = new HashMap<>();
    String expected = files.json() ? "the page content" : "a file";
    for (Map.Entry<String, Cursor> e : c.entries("a mapping of status codes to files").entrySet()) {
      Long status = Syntax.integer(e.getKey().trim(), 400, 599);
      if (status == null) {
        c.error(e.getKey(), "a status code in 400..599");
        continue;
      }
      Cursor vc = e.getValue();
      if (!vc.require(expected)) {
        continue;
      }
      String v = vc.text(expected);
      if (v == null) {
        continue;
      }
      String content = files.json() ? v : files.read(vc, v);
      if (content != null && content.length() > Values.MAX_PAGE) {
        vc.error(Cursor.render(v), "a page of at most 1m");
        content = null;
      }
      if (content != null) {
        out.put(status.intValue(), content);
      }
    }
    return out;
  }
}
