package io.vxgate.gateway.route;

import org.jspecify.annotations.Nullable;

/**
 * Normalises a request path before routing, so an ACL cannot be bypassed by encoding (the checks of
 * Envoy's {@code normalize_path}, {@code merge_slashes} and escaped-slash rejection).
 *
 * <ul>
 *   <li>percent-encoded unreserved characters are decoded ({@code /%61dmin} is {@code /admin});
 *   <li>other escapes are kept, with upper-case hex;
 *   <li>escaped slashes and backslashes ({@code %2F}, {@code %5C}), NUL, raw backslashes, control
 *       characters and malformed escapes are refused: the request is ambiguous (400);
 *   <li>escaped bytes >= 0x80 must be valid UTF-8: overlong forms ({@code %C0%AE}), surrogates and
 *       truncated sequences are refused;
 *   <li>duplicate slashes are merged, dot segments removed ({@code /a/./b/../c} is {@code /a/c}); a
 *       path that climbs above the root is refused, and so is a dot segment with path parameters
 *       ({@code /..;/}, {@code /.;/}), which Tomcat and Jetty read as a dot segment.
 * </ul>
 *
 * The normalised path is also what the origin receives, so the gateway and the origin agree on what
 * was asked.
 */
public final class PathNormalizer {
  private PathNormalizer() {}

  /** Returns the normalised path, or null when the path is ambiguous or invalid (answer 400). */
  public static @Nullable String normalize(String rawPath) {
    if (rawPath == null || rawPath.isEmpty() || rawPath.charAt(0) != '/') {
      return null;
    }
    if (isSimple(rawPath)) {
      return rawPath;
    }
    StringBuilder decoded = new StringBuilder(rawPath.length());
    for (int i = 0; i < rawPath.length(); i++) {
      char c = rawPath.charAt(i);
      if (c == '%') {
        if (i + 2 >= rawPath.length()) {
          return null;
        }
        int hi = Character.digit(rawPath.charAt(i + 1), 16);
        int lo = Character.digit(rawPath.charAt(i + 2), 16);
        if (hi < 0 || lo < 0) {
          return null;
        }
        int b = hi * 16 + lo;
        if (b == '/' || b == '\\' || b == 0) {
          return null;
        }
        if (b >= 0x80) {
          int end = utf8Run(rawPath, i);
          if (end < 0) {
            return null;
          }
          decoded.append(rawPath.substring(i, end).toUpperCase(java.util.Locale.ROOT));
          i = end - 1;
          continue;
        }
        if (isUnreserved(b)) {
          decoded.append((char) b);
        } else {
          decoded.append('%').append(hex(hi)).append(hex(lo));
        }
        i += 2;
      } else if (c == '\\' || c < 0x20 || c == 0x7f) {
        return null;
      } else {
        decoded.append(c);
      }
    }
    return removeDotSegments(decoded);
  }

  /** Fast path: no escapes, no dot segments, no double slashes, no odd characters. */
  private static boolean isSimple(String p) {
    char prev = 0;
    for (int i = 0; i < p.length(); i++) {
      char c = p.charAt(i);
      if (c == '%' || c == '\\' || c < 0x20 || c == 0x7f) {
        return false;
      }
      if (c == '/' && prev == '/') {
        return false;
      }
      if (c == '.' && prev == '/') {
        return false;
      }
      prev = c;
    }
    return true;
  }

  /** Merges slashes and applies RFC 3986 dot-segment removal; null when climbing above root. */
  private static @Nullable String removeDotSegments(CharSequence path) {
    String[] parts = path.toString().split("/", -1);
    String[] out = new String[parts.length];
    int n = 0;
    for (int i = 1; i < parts.length; i++) {
      String seg = parts[i];
      boolean last = i == parts.length - 1;
      if (seg.startsWith(".;") || seg.startsWith("..;")) {
        // A dot segment with path parameters: Tomcat and Jetty treat "/..;/" as "/../".
        return null;
      }
      if (seg.equals(".")) {
        if (last) {
          out[n++] = "";
        }
      } else if (seg.equals("..")) {
        if (n == 0) {
          return null;
        }
        n--;
        if (last) {
          out[n++] = "";
        }
      } else if (seg.isEmpty()) {
        if (last) {
          out[n++] = "";
        }
      } else {
        out[n++] = seg;
      }
    }
    if (n == 0) {
      return "/";
    }
    StringBuilder sb = new StringBuilder(path.length());
    for (int i = 0; i < n; i++) {
      sb.append('/').append(out[i]);
    }
    return sb.toString();
  }

  /**
   * The end of the run of percent-escapes of bytes >= 0x80 that starts at {@code from}, with the
   * run kept as written (hex upper-cased); -1 when the bytes are not valid UTF-8 (overlong forms
   * such as {@code %C0%AE} for '.', surrogates, truncated sequences), which lenient decoders have
   * read as dots and slashes.
   */
  private static int utf8Run(String p, int from) {
    java.io.ByteArrayOutputStream bytes = new java.io.ByteArrayOutputStream();
    int i = from;
    while (i + 2 < p.length() && p.charAt(i) == '%') {
      int hi = Character.digit(p.charAt(i + 1), 16);
      int lo = Character.digit(p.charAt(i + 2), 16);
      if (hi < 0 || lo < 0 || hi < 8) {
        break;
      }
      bytes.write(hi * 16 + lo);
      i += 3;
    }
    try {
      java.nio.charset.StandardCharsets.UTF_8
          .newDecoder()
          .onMalformedInput(java.nio.charset.CodingErrorAction.REPORT)
          .onUnmappableCharacter(java.nio.charset.CodingErrorAction.REPORT)
          .decode(java.nio.ByteBuffer.wrap(bytes.toByteArray()));
    } catch (java.nio.charset.CharacterCodingException e) {
      return -1;
    }
    return i;
  }

  private static boolean isUnreserved(int b) {
    return (b >= 'a' && b <= 'z')
        || (b >= 'A' && b <= 'Z')
        || (b >= '0' && b <= '9')
        || b == '-'
        || b == '.'
        || b == '_'
        || b == '~';
  }

  private static char hex(int v) {
    return Character.toUpperCase(Character.forDigit(v, 16));
  }
}
