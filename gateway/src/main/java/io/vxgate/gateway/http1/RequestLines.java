package io.vxgate.gateway.http1;

/**
 * What a request line's method and target may hold: the one rule for both fronts. {@link
 * HeadParser} applies it to HTTP/1 request lines as it reads them; the HTTP/2 front applies it to
 * {@code :method} and {@code :path}, which reach origins in an HTTP/1.1 request line. Netty's
 * HTTP/2 codec refuses only SP, CR and LF there; a TAB, NUL or DEL would otherwise end up in the
 * origin's request line.
 */
public final class RequestLines {
  private RequestLines() {}

  /**
   * Whether {@code c} (a byte, 0..255) may appear in a request target: anything but controls, SP
   * and DEL (below 0x21, or 0x7f). Bytes above 0x7f pass, as they do through nginx.
   */
  public static boolean isTargetByte(int c) {
    return c > 0x20 && c != 0x7f;
  }

  /** Whether every character of {@code target} is a {@link #isTargetByte target byte}. */
  public static boolean validTarget(CharSequence target) {
    int n = target.length();
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = target.charAt(i);
      if (c > 0xff || !isTargetByte(c)) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code method} is a token (RFC 9110 section 9.1). */
  public static boolean validMethod(CharSequence method) {
    int n = method.length();
    if (n == 0) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = method.charAt(i);
      if (c > 0x7f || !Tokens.isTokenChar((byte) c)) {
        return false;
      }
    }
    return true;
  }
}
