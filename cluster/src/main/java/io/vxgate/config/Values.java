package io.vxgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What several section readers share: the texts of expected values that errors show (so one kind of
 * value reads the same in every section) and the scalar parsers behind them (each returns null for
 * an invalid text, see {@link Cursor#scalar}).
 */
final class Values {
  static final String NAME = "a name of letters, digits, '.', '_' or '-'";
  static final String BIND = "HOST:PORT";
  static final String CIDR = "an IPv4 or IPv6 address or CIDR like 10.0.0.0/8";
  static final String DURATION = "a duration like 500ms, 2s, 1m, 1h or 0";
  static final String POSITIVE_DURATION = "a positive duration like 500ms, 2s, 1m or 1h";
  static final String BOOL = "true or false";
  static final String ON_OFF = "on or off";
  static final String PATH = "a path starting with '/'";
  static final String DNS_NAME = "a DNS name";

  /** The largest page or fixed response body, and the largest file read as one. */
  static final long MAX_PAGE = 1 << 20;

  private Values() {}

  static @Nullable Integer integer(String s, long min, long max) {
    Long v = Syntax.integer(s.trim(), min, max);
    return v == null ? null : v.intValue();
  }

  /** {@code on} or {@code off} (also {@code true} or {@code false}, as YAML writes booleans). */
  static @Nullable Boolean onOff(String s) {
    return switch (s.trim().toLowerCase(Locale.ROOT)) {
      case "on", "true" -> Boolean.TRUE;
      case "off", "false" -> Boolean.FALSE;
      default -> null;
    };
  }

  static @Nullable Duration positive(String s) {
    Duration d = Syntax.duration(s);
    return d == null || d.isZero() ? null : d;
  }

  static @Nullable String path(String s) {
    return s.startsWith("/") ? s : null;
  }

  /** Printable text and tabs only: no CR/LF that could split a header. */
  static boolean headerValue(String s) {
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      if ((ch < 0x20 && ch != '\t') || ch == 0x7f) {
        return false;
      }
    }
    return true;
  }

  /**
   * A value written as one text or as a YAML list of texts: the texts, or null when it is neither
   * (reported with {@code expected}).
   */
  static @Nullable List<String> texts(Cursor c, String expected) {
    if (!(c.raw() instanceof List)) {
      String s = c.text(expected);
      return s == null ? null : List.of(s);
    }
    List<String> out = new ArrayList<>();
    for (Cursor item : c.items(expected)) {
      String s = item.text(expected);
      if (s == null) {
        if (!item.present()) {
          item.missing(expected);
        }
        return null;
      }
      out.add(s);
    }
    return out;
  }

  /** A mapping of header names to values, in order; bad names and values are reported. */
  static Map<String, String> headerFields(Cursor c) {
    Map<String, String> out = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        c.entries("a mapping of header names to values").entrySet()) {
      if (Syntax.token(e.getKey()) == null) {
        c.error(e.getKey().isEmpty() ? "\"\"" : e.getKey(), "a header name");
        continue;
      }
      Cursor vc = e.getValue();
      String v = vc.text("a header value");
      if (v == null) {
        if (!vc.present()) {
          vc.missing("a header value");
        }
        continue;
      }
      if (!headerValue(v)) {
        vc.error(Cursor.render(v), "a header value without control characters");
        continue;
      }
      out.put(e.getKey(), v);
    }
    return out;
  }

  /** A required, valid name not used before in {@code names} (name to the path that used it). */
  static @Nullable String uniqueName(Cursor c, Map<String, String> names, String owner) {
    if (!c.require(NAME)) {
      return null;
    }
    String name = c.scalar(NAME, Syntax::name);
    if (name == null) {
      return null;
    }
    String previous = names.putIfAbsent(name, owner);
    if (previous != null) {
      c.error(name, "a name not used by " + previous);
      return null;
    }
    return name;
  }

  /** A list of CIDRs or addresses, each as written (trimmed). */
  static List<String> cidrs(Cursor c) {
    List<String> out = new ArrayList<>();
    for (Cursor item : c.items("a list of CIDRs")) {
      if (item.require(CIDR)) {
        String s = item.scalar(CIDR, v -> Cidr.tryParse(v) == null ? null : v.trim());
        if (s != null) {
          out.add(s);
        }
      }
    }
    return out;
  }
}
