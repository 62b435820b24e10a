package io.vxgate.config;

import java.util.ArrayList;
import java.util.List;

/** Reads a listener's {@code tls:} (docs/configuration.md, section "listeners"). */
final class TlsSection {
  static final List<String> VERSIONS = List.of("TLSv1.2", "TLSv1.3");

  private TlsSection() {}

  /** The section, or null (plain HTTP) when absent. */
  static TlsConfig read(Cursor c, ConfigFiles files) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("certificates", "min-version", "reload");
    List<TlsConfig.Certificate> certs = new ArrayList<>();
    Cursor cc = f.get("certificates");
    if (cc.require("a list of {cert, key} files")) {
      List<Cursor> items = cc.items("a list of {cert, key} files");
      if (items.isEmpty() && cc.raw() instanceof List) {
        cc.error("at least one {cert, key}");
      }
      for (Cursor item : items) {
        Cursor.Fields cf = item.fields("cert", "key");
        if (!item.present()) {
          item.missing("{cert: FILE, key: FILE}");
          continue;
        }
        if (item.notMapping()) {
          continue;
        }
        String cert = files.file(cf.get("cert"));
        String key = files.file(cf.get("key"));
        if (cert != null && key != null) {
          certs.add(new TlsConfig.Certificate(cert, key));
        }
      }
    }
    String min =
        f.get("min-version")
            .scalar(
                String.join(" or ", VERSIONS),
                s -> VERSIONS.contains(s) ? s : null,
                TlsConfig.DEFAULT_MIN_VERSION);
    boolean watch =
        f.get("reload")
            .scalar(
                "watch or off",
                s -> s.equals("watch") ? Boolean.TRUE : s.equals("off") ? Boolean.FALSE : null,
                TlsConfig.DEFAULT_WATCH);
    return new TlsConfig(certs, min, watch);
  }
}
