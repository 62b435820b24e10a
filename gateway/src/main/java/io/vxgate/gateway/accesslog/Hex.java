package io.vxgate.gateway.accesslog;

/** Lowercase hexadecimal digits of 64-bit ids, without allocating. */
public final class Hex {
  private static final char[] DIGITS = "0123456789abcdef".toCharArray();

  private Hex() {}

  /** The hex digit of the low 4 bits of {@code v}. */
  public static char digit(int v) {
    return DIGITS[v & 0xf];
  }

  /** Writes the 16 hex digits of {@code v} at {@code at}. */
  public static void write(long v, char[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }

  /** Writes the 16 hex digits of {@code v} at {@code at}, as ASCII bytes. */
  public static void write(long v, byte[] out, int at) {
    for (int i = 15; i >= 0; i--) {
      out[at + i] = (byte) DIGITS[(int) (v & 0xf)];
      v >>>= 4;
    }
  }
}
