package io.vxgate.config;

import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads a listener's {@code tls:} (docs/configuration.md, section "listeners"). */
final class TlsSection {
  static final List<String> VERSIONS = List.of("TLSv1.2", "TLSv1.3");

  private TlsSection() {}

  /** The section, or null (plain HTTP) when absent. */
  static @Nullable TlsConfig read(Cursor c, ConfigFiles files) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f =
        c.fields(
            "certificates",
            "min-version",
            "protocols",
            "ciphers",
            "ciphersuites",
            "session-tickets",
            "reload");
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
    Cursor mc = f.get("min-version");
    String min =
        mc.scalar(
            String.join(" or ", VERSIONS),
            s -> VERSIONS.contains(s) ? s : null,
            TlsConfig.DEFAULT_MIN_VERSION);
    Cursor pc = f.get("protocols");
    List<String> protocols = TlsConfig.protocolsFrom(min);
    if (pc.present()) {
      if (mc.present()) {
        pc.error("either protocols or min-version, not both");
      }
      protocols = protocols(pc);
    }
    Cursor cc12 = f.get("ciphers");
    List<String> ciphers = cc12.present() ? ciphers(cc12) : TlsCiphers.DEFAULT_TLS12;
    Cursor cc13 = f.get("ciphersuites");
    List<String> ciphersuites = cc13.present() ? ciphersuites(cc13) : TlsCiphers.TLS13;
    boolean tickets =
        f.get("session-tickets")
            .scalar(Values.ON_OFF, Values::onOff, TlsConfig.DEFAULT_SESSION_TICKETS);
    boolean watch =
        f.get("reload")
            .scalar(
                "watch or off",
                s -> s.equals("watch") ? Boolean.TRUE : s.equals("off") ? Boolean.FALSE : null,
                TlsConfig.DEFAULT_WATCH);
    return new TlsConfig(certs, protocols, ciphers, ciphersuites, tickets, watch);
  }

  /** The words of a value written as one text ({@code "A:B"}, {@code "A B"}) or as a YAML list. */
  private static @Nullable String words(Cursor c, String expected) {
    List<String> texts = Values.texts(c, expected);
    return texts == null ? null : String.join(":", texts);
  }

  // String.split drops trailing empty words: a trailing separator adds none
  @SuppressWarnings("StringSplitter")
  private static List<String> protocols(Cursor c) {
    String expected = "TLS versions among " + String.join(", ", VERSIONS);
    String text = words(c, expected);
    if (text == null) {
      return TlsConfig.DEFAULT_PROTOCOLS;
    }
    List<String> out = new ArrayList<>();
    for (String v : text.trim().split("[:, ]+")) {
      if (!VERSIONS.contains(v)) {
        c.error(v.isEmpty() ? "\"\"" : v, expected + Suggestions.hint(v, VERSIONS));
        return TlsConfig.DEFAULT_PROTOCOLS;
      }
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    // Offered from the lowest up, whatever the order written.
    out.sort(String::compareTo);
    return out;
  }

  private static List<String> ciphers(Cursor c) {
    String expected =
        "TLS 1.2 cipher suites by OpenSSL name, or OpenSSL keywords like HIGH, ECDHE+AESGCM or"
            + " !aNULL, separated by ':'; the suites: "
            + String.join(", ", TlsCiphers.tls12Names());
    String text = words(c, expected);
    if (text == null) {
      return TlsCiphers.DEFAULT_TLS12;
    }
    List<String> unknown = new ArrayList<>();
    List<String> out = TlsCiphers.tls12(text, unknown::add);
    if (!unknown.isEmpty()) {
      c.error(unknown.get(0), expected);
      return TlsCiphers.DEFAULT_TLS12;
    }
    if (out.isEmpty()) {
      c.error(text, "a cipher list that names at least one TLS 1.2 cipher suite");
      return TlsCiphers.DEFAULT_TLS12;
    }
    return out;
  }

  @SuppressWarnings("StringSplitter") // as in protocols
  private static List<String> ciphersuites(Cursor c) {
    String expected = "TLS 1.3 cipher suites among " + String.join(", ", TlsCiphers.TLS13);
    String text = words(c, expected);
    if (text == null) {
      return TlsCiphers.TLS13;
    }
    List<String> out = new ArrayList<>();
    for (String v : text.trim().split("[:, ]+")) {
      if (!TlsCiphers.TLS13.contains(v)) {
        c.error(v.isEmpty() ? "\"\"" : v, expected);
        return TlsCiphers.TLS13;
      }
      if (!out.contains(v)) {
        out.add(v);
      }
    }
    return out;
  }
}
