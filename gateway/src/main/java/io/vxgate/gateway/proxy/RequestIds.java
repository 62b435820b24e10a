package io.vxgate.gateway.proxy;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.ThreadLocalRandom;
import org.jspecify.annotations.Nullable;

/** X-Request-Id: passed through when well-formed, otherwise generated (128 random bits, hex). */
final class RequestIds {
  private RequestIds() {}

  static final String HEADER = "X-Request-Id";
  static final String NAME = HEADER;
  private static final int MAX_LENGTH = 128;
  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** The incoming id when it is 1..128 characters of [A-Za-z0-9._:-], else a new one. */
  static String resolve(@Nullable String incoming) {
    return incoming != null && valid(incoming) ? incoming : generate();
  }

  static boolean valid(String id) {
    int n = id.length();
    if (n == 0 || n > MAX_LENGTH) {
      return false;
    }
    for (int i = 0; i < n; i++) {
      char c = id.charAt(i);
      boolean ok =
          (c >= 'a' && c <= 'z')
              || (c >= 'A' && c <= 'Z')
              || (c >= '0' && c <= '9')
              || c == '-'
              || c == '_'
              || c == '.'
              || c == ':';
      if (!ok) {
        return false;
      }
    }
    return true;
  }

  static String generate() {
    ThreadLocalRandom r = ThreadLocalRandom.current();
    long hi = r.nextLong();
    long lo = r.nextLong();
    byte[] out = new byte[32];
    for (int i = 0; i < 16; i++) {
      out[15 - i] = HEX[(int) (hi >>> (i * 4)) & 0xf];
      out[31 - i] = HEX[(int) (lo >>> (i * 4)) & 0xf];
    }
    return new String(out, StandardCharsets.ISO_8859_1);
  }
}
