package io.vxgate.gateway.proxy;

import io.vxgate.gateway.http1.HeaderFields;
import org.jspecify.annotations.Nullable;

/** Reading one cookie of a request without decoding all of them. */
final class Cookies {
  private Cookies() {}

  /**
   * The value of the first cookie named {@code name} in the request's Cookie headers (RFC 6265
   * section 4.2: {@code name=value} pairs separated by {@code ;}), unquoted; null when absent.
   */
  static @Nullable String value(HeaderFields fields, String name) {
    for (String header : fields.getAll("Cookie")) {
      int i = 0;
      int n = header.length();
      while (i < n) {
        while (i < n && (header.charAt(i) == ' ' || header.charAt(i) == '\t')) {
          i++;
        }
        int semi = header.indexOf(';', i);
        int end = semi < 0 ? n : semi;
        int eq = header.indexOf('=', i);
        if (eq > 0
            && eq < end
            && eq - i == name.length()
            && header.regionMatches(i, name, 0, eq - i)) {
          String v = header.substring(eq + 1, end).trim();
          if (v.length() >= 2 && v.charAt(0) == '"' && v.charAt(v.length() - 1) == '"') {
            v = v.substring(1, v.length() - 1);
          }
          return v;
        }
        i = end + 1;
      }
    }
    return null;
  }
}
