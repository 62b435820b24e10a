package io.vxgate.gateway.lb;

/**
 * xxHash64 (seed 0) of the UTF-16LE encoding of a {@link CharSequence}, computed over its chars
 * without copying or allocating. The result equals {@code XXH64(s.getBytes(UTF_16LE), 0)} of the
 * reference implementation, so the ring is the same on every node and JVM.
 */
public final class XxHash64 {
  private static final long P1 = 0x9E3779B185EBCA87L;
  private static final long P2 = 0xC2B2AE3D27D4EB4FL;
  private static final long P3 = 0x165667B19E3779F9L;
  private static final long P4 = 0x85EBCA77C2B2AE63L;
  private static final long P5 = 0x27D4EB2F165667C5L;

  private XxHash64() {}

  /** The hash of {@code s}. */
  public static long hash(CharSequence s) {
    int n = s.length(); // chars; every char is two bytes
    int i = 0;
    long h;
    if (n >= 16) { // 32-byte stripes
      @SuppressWarnings("ConstantOverflow") // xxHash64 adds modulo 2^64
      long v1 = P1 + P2;
      long v2 = P2;
      long v3 = 0;
      long v4 = -P1;
      for (; i <= n - 16; i += 16) {
        v1 = round(v1, lane(s, i));
        v2 = round(v2, lane(s, i + 4));
        v3 = round(v3, lane(s, i + 8));
        v4 = round(v4, lane(s, i + 12));
      }
      h =
          Long.rotateLeft(v1, 1)
              + Long.rotateLeft(v2, 7)
              + Long.rotateLeft(v3, 12)
              + Long.rotateLeft(v4, 18);
      h = merge(h, v1);
      h = merge(h, v2);
      h = merge(h, v3);
      h = merge(h, v4);
    } else {
      h = P5;
    }
    h += 2L * n;
    for (; i <= n - 4; i += 4) { // 8 bytes
      h ^= round(0, lane(s, i));
      h = Long.rotateLeft(h, 27) * P1 + P4;
    }
    if (i <= n - 2) { // 4 bytes
      long word = (s.charAt(i) | (long) s.charAt(i + 1) << 16) & 0xFFFFFFFFL;
      h ^= word * P1;
      h = Long.rotateLeft(h, 23) * P2 + P3;
      i += 2;
    }
    if (i < n) { // the two bytes of the last char, low byte first
      char c = s.charAt(i);
      h ^= (c & 0xFF) * P5;
      h = Long.rotateLeft(h, 11) * P1;
      h ^= (c >>> 8) * P5;
      h = Long.rotateLeft(h, 11) * P1;
    }
    h ^= h >>> 33;
    h *= P2;
    h ^= h >>> 29;
    h *= P3;
    h ^= h >>> 32;
    return h;
  }

  /** Eight bytes: chars i..i+3, little-endian. */
  private static long lane(CharSequence s, int i) {
    return s.charAt(i)
        | (long) s.charAt(i + 1) << 16
        | (long) s.charAt(i + 2) << 32
        | (long) s.charAt(i + 3) << 48;
  }

  private static long round(long acc, long input) {
    acc += input * P2;
    acc = Long.rotateLeft(acc, 31);
    return acc * P1;
  }

  private static long merge(long h, long v) {
    h ^= round(0, v);
    return h * P1 + P4;
  }
}
