package io.vxgate.gateway.http1;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/**
 * A request's authority ({@code host[:port]}, RFC 9110 section 7.2) in the one form routing, TLS
 * name lookup and the origin all see: the host in lower case with one trailing dot removed, the
 * port split off. {@code Internal.Example.:8080} and {@code internal.example:8080} are the same
 * authority, so a host route cannot be bypassed by case or by the root label's dot (nginx strips
 * the dot too). See docs/reliability.md#principles.
 *
 * @param host the normalised host: a name or IPv4 address, or an IPv6 literal in brackets
 * @param port the port, or -1 when none was given
 */
public record Authority(String host, int port) {
  public Authority {
    requireNonNull(host, "host");
  }

  /**
   * Parses and normalises {@code host[:port]}: a registered name or IPv4 address (RFC 3986
   * unreserved characters, sub-delimiters and percent-encodings, no empty label) or an IPv6 literal
   * in brackets, then an optional port (digits, at most 65535; {@code host:} has none). Null when
   * invalid: empty, userinfo ({@code @}), a path, whitespace, a name of only a dot, or two dots in
   * a row.
   */
  public static @Nullable Authority parse(String text) {
    int n = text.length();
    if (n == 0) {
      return null;
    }
    int hostEnd;
    if (text.charAt(0) == '[') {
      hostEnd = text.indexOf(']');
      if (hostEnd < 2 || !ipv6Literal(text, 1, hostEnd)) {
        return null;
      }
      hostEnd++;
    } else {
      hostEnd = text.indexOf(':');
      if (hostEnd < 0) {
        hostEnd = n;
      }
      if (!regName(text, hostEnd)) {
        return null;
      }
    }
    int port = -1;
    if (hostEnd < n) {
      if (text.charAt(hostEnd) != ':') {
        return null;
      }
      port = port(text, hostEnd + 1);
      if (port == -2) {
        return null;
      }
    }
    String host = normalizeName(text.substring(0, hostEnd));
    return host.isEmpty() ? null : new Authority(host, port);
  }

  /**
   * A host name as routes and certificates are matched against: lower case (ASCII), one trailing
   * dot removed. Also for SNI names and the {@code host:} of routes.
   */
  public static String normalizeName(String name) {
    int end = name.length();
    if (end > 0 && name.charAt(end - 1) == '.') {
      end--;
    }
    for (int i = 0; i < end; i++) {
      char c = name.charAt(i);
      if (c >= 'A' && c <= 'Z') {
        return lowerCase(name, end);
      }
    }
    return end == name.length() ? name : name.substring(0, end);
  }

  private static String lowerCase(String name, int end) {
    char[] out = new char[end];
    for (int i = 0; i < end; i++) {
      char c = name.charAt(i);
      out[i] = c >= 'A' && c <= 'Z' ? (char) (c + ('a' - 'A')) : c;
    }
    return new String(out);
  }

  /** {@code host} or {@code host:port}, as sent to an origin. */
  @Override
  public String toString() {
    return port < 0 ? host : host + ':' + port;
  }

  private static boolean regName(String s, int end) {
    if (end == 0) {
      return false;
    }
    char previous = 0;
    for (int i = 0; i < end; i++) {
      char c = s.charAt(i);
      if (c == '%') {
        if (i + 2 >= end || !hex(s.charAt(i + 1)) || !hex(s.charAt(i + 2))) {
          return false;
        }
      } else if (c == '.' ? previous == '.' : c > 0x7f || !REG_NAME[c]) {
        return false;
      }
      previous = c;
    }
    return true;
  }

  private static boolean ipv6Literal(String s, int start, int end) {
    for (int i = start; i < end; i++) {
      char c = s.charAt(i);
      if (!hex(c) && c != ':' && c != '.') {
        return false;
      }
    }
    return true;
  }

  /** The port in {@code s} from {@code start}: -1 when empty, -2 when invalid. */
  private static int port(String s, int start) {
    int n = s.length();
    if (start == n) {
      return -1;
    }
    if (n - start > 5) {
      return -2;
    }
    int port = 0;
    for (int i = start; i < n; i++) {
      char c = s.charAt(i);
      if (c < '0' || c > '9') {
        return -2;
      }
      port = port * 10 + (c - '0');
    }
    return port <= 65535 ? port : -2;
  }

  private static boolean hex(char c) {
    return (c >= '0' && c <= '9') || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F');
  }

  /** RFC 3986 reg-name characters but {@code %}: unreserved and sub-delims. */
  private static final boolean[] REG_NAME = new boolean[128];

  static {
    for (char c = '0'; c <= '9'; c++) {
      REG_NAME[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      REG_NAME[c] = true;
      REG_NAME[c - 'a' + 'A'] = true;
    }
    for (char c : "-._~!$&'()*+,;=".toCharArray()) {
      REG_NAME[c] = true;
    }
  }
}
