package io.vxgate.gateway.http1;

/** RFC 9110 section 5.6.2 tokens: field names, methods, transfer codings. */
final class Tokens {
  private Tokens() {}

  private static final boolean[] TCHAR = new boolean[256];

  static {
    for (char c = '0'; c <= '9'; c++) {
      TCHAR[c] = true;
    }
    for (char c = 'a'; c <= 'z'; c++) {
      TCHAR[c] = true;
      TCHAR[c - 'a' + 'A'] = true;
    }
    for (char c : "!#$%&'*+-.^_`|~".toCharArray()) {
      TCHAR[c] = true;
    }
  }

  static boolean isTokenChar(byte b) {
    return TCHAR[b & 0xff];
  }
}
