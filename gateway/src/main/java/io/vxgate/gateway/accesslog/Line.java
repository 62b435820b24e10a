package io.vxgate.gateway.accesslog;

import java.nio.charset.StandardCharsets;
import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The bytes of one log line as it is built (UTF-8), with the appenders every format needs: escaped
 * text, milliseconds with three decimals, and the two time stamps (RFC 3339 in UTC, and nginx's and
 * HAProxy's local {@code 10/Oct/2000:13:55:36}), whose seconds part is formatted once per second.
 * Written straight into one reused byte array: no {@code StringBuilder}, no string per line, one
 * copy of the bytes per line at most ({@link #bytes}). Used by one writer thread: not thread-safe.
 */
final class Line {
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final byte[] NULL = {'n', 'u', 'l', 'l'};

  private byte[] buf = new byte[1024];
  private int len;
  private final ZoneId zone;
  private long utcSecond = Long.MIN_VALUE;
  private byte[] utcText = new byte[0];
  private long localSecond = Long.MIN_VALUE;
  private byte[] localText = new byte[0];
  private byte[] localOffset = new byte[0];

  Line(ZoneId zone) {
    this.zone = zone;
  }

  /** Empties the line. */
  Line reset() {
    len = 0;
    return this;
  }

  /** The line's length in bytes. */
  int length() {
    return len;
  }

  /** A copy of the line's bytes. */
  byte[] bytes() {
    return Arrays.copyOf(buf, len);
  }

  /** A copy of the line's bytes from {@code from} on. */
  byte[] bytes(int from) {
    return Arrays.copyOfRange(buf, from, len);
  }

  /** The line as text. */
  @Override
  public String toString() {
    return new String(buf, 0, len, StandardCharsets.UTF_8);
  }

  /** Room for {@code n} more bytes. */
  private void room(int n) {
    if (len + n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(buf.length * 2, len + n));
    }
  }

  /** Bytes as they are (prepared text: a format's fixed parts). */
  Line append(byte[] b) {
    room(b.length);
    System.arraycopy(b, 0, buf, len, b.length);
    len += b.length;
    return this;
  }

  /** Text as it is (UTF-8). */
  Line append(String s) {
    int n = s.length();
    room(n * 3); // at most 3 bytes a character
    byte[] b = buf;
    int p = len;
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x80) {
        b[p++] = (byte) c;
      } else {
        len = p;
        i = utf8(s, i);
        p = len;
      }
    }
    len = p;
    return this;
  }

  /** An ASCII character. */
  Line append(char c) {
    room(1);
    buf[len++] = (byte) c;
    return this;
  }

  /** A number in decimal. */
  Line append(long v) {
    if (v == Long.MIN_VALUE) {
      return append("-9223372036854775808");
    }
    room(20);
    if (v < 0) {
      buf[len++] = '-';
      v = -v;
    }
    int digits = 1;
    for (long t = v; t >= 10; t /= 10) {
      digits++;
    }
    for (int i = len + digits - 1; i >= len; i--) {
      buf[i] = (byte) ('0' + v % 10);
      v /= 10;
    }
    len += digits;
    return this;
  }

  /**
   * Writes the character at {@code i} of {@code s} (U+0080 and above) as UTF-8; a surrogate pair is
   * one character of 4 bytes, a lone surrogate {@code ?} (as {@code String.getBytes} writes it).
   * Returns the index of the last char used. The caller made room for 3 bytes a char.
   */
  private int utf8(String s, int i) {
    char c = s.charAt(i);
    if (c < 0x800) {
      buf[len++] = (byte) (0xc0 | (c >> 6));
      buf[len++] = (byte) (0x80 | (c & 0x3f));
    } else if (!Character.isSurrogate(c)) {
      buf[len++] = (byte) (0xe0 | (c >> 12));
      buf[len++] = (byte) (0x80 | ((c >> 6) & 0x3f));
      buf[len++] = (byte) (0x80 | (c & 0x3f));
    } else if (Character.isHighSurrogate(c)
        && i + 1 < s.length()
        && Character.isLowSurrogate(s.charAt(i + 1))) {
      int cp = Character.toCodePoint(c, s.charAt(++i));
      buf[len++] = (byte) (0xf0 | (cp >> 18));
      buf[len++] = (byte) (0x80 | ((cp >> 12) & 0x3f));
      buf[len++] = (byte) (0x80 | ((cp >> 6) & 0x3f));
      buf[len++] = (byte) (0x80 | (cp & 0x3f));
    } else {
      buf[len++] = '?';
    }
    return i;
  }

  /** {@code 2024-05-01T12:00:00.123Z}. */
  Line rfc3339(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != utcSecond) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      utcText =
          ascii(
              String.format(
                  "%04d-%02d-%02dT%02d:%02d:%02d.",
                  t.getYear(),
                  t.getMonthValue(),
                  t.getDayOfMonth(),
                  t.getHour(),
                  t.getMinute(),
                  t.getSecond()));
      utcSecond = second;
    }
    append(utcText);
    millis3(Math.floorMod(epochMillis, 1000));
    return append('Z');
  }

  /** nginx's {@code $time_local}: {@code 01/May/2024:14:00:00 +0200}. */
  Line localTime(long epochMillis) {
    localSecond(epochMillis);
    append(localText);
    append(' ');
    append(localOffset);
    return this;
  }

  /** HAProxy's accept date: {@code 01/May/2024:14:00:00.123}. */
  Line localTimeMillis(long epochMillis) {
    localSecond(epochMillis);
    append(localText);
    append('.');
    millis3(Math.floorMod(epochMillis, 1000));
    return this;
  }

  private void localSecond(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != localSecond) {
      ZoneOffset offset = zone.getRules().getOffset(java.time.Instant.ofEpochSecond(second));
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, offset);
      localText =
          ascii(
              String.format(
                  "%02d/%s/%04d:%02d:%02d:%02d",
                  t.getDayOfMonth(),
                  MONTHS[t.getMonthValue() - 1],
                  t.getYear(),
                  t.getHour(),
                  t.getMinute(),
                  t.getSecond()));
      int total = offset.getTotalSeconds();
      int abs = Math.abs(total) / 60;
      localOffset = ascii(String.format("%s%02d%02d", total < 0 ? "-" : "+", abs / 60, abs % 60));
      localSecond = second;
    }
  }

  private static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.US_ASCII);
  }

  private void millis3(int ms) {
    room(3);
    buf[len++] = (byte) ('0' + ms / 100);
    buf[len++] = (byte) ('0' + ms / 10 % 10);
    buf[len++] = (byte) ('0' + ms % 10);
  }

  /** Nanoseconds as milliseconds with three decimals ({@code 12.345}). */
  Line ms(long nanos) {
    long micros = nanos / 1000;
    append(micros / 1000).append('.');
    millis3((int) (micros % 1000));
    return this;
  }

  /** Whole milliseconds, or -1 for a phase that did not happen (HAProxy's timers). */
  Line wholeMs(long nanos) {
    return append(nanos < 0 ? -1 : nanos / 1_000_000);
  }

  /** The 16 hex digits of {@code v}. */
  Line hex(long v) {
    room(16);
    Hex.write(v, buf, len);
    len += 16;
    return this;
  }

  /**
   * Text as nginx writes it: {@code "}, {@code \}, control and non-ASCII characters as {@code \xHH}
   * (characters above U+00FF as {@code \\uHHHH}); null as {@code -}.
   */
  Line text(@Nullable String s) {
    if (s == null) {
      return append('-');
    }
    int n = s.length();
    room(n * 6); // at most 6 bytes a character (an escape)
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        buf[len++] = '\\';
        if (c > 0xff) {
          buf[len++] = 'u';
          buf[len++] = (byte) Hex.digit(c >> 12);
          buf[len++] = (byte) Hex.digit(c >> 8);
        } else {
          buf[len++] = 'x';
        }
        buf[len++] = (byte) Hex.digit(c >> 4);
        buf[len++] = (byte) Hex.digit(c);
      } else {
        buf[len++] = (byte) c;
      }
    }
    return this;
  }

  /** A JSON string (quoted and escaped), or {@code null}. */
  Line json(@Nullable String s) {
    if (s == null) {
      return append(NULL);
    }
    int n = s.length();
    room(n * 6 + 2); // at most 6 bytes a character (an escape)
    byte[] b = buf;
    int p = len;
    b[p++] = '"';
    for (int i = 0; i < n; i++) {
      char c = s.charAt(i);
      if (c >= 0x20 && c < 0x7f && c != '"' && c != '\\') {
        b[p++] = (byte) c;
      } else {
        len = p;
        i = c >= 0x80 ? utf8(s, i) : jsonEscape(c, i);
        p = len;
      }
    }
    b[p++] = '"';
    len = p;
    return this;
  }

  private int jsonEscape(char c, int i) {
    buf[len++] = '\\';
    switch (c) {
      case '"' -> buf[len++] = '"';
      case '\\' -> buf[len++] = '\\';
      case '\n' -> buf[len++] = 'n';
      case '\r' -> buf[len++] = 'r';
      case '\t' -> buf[len++] = 't';
      default -> {
        buf[len++] = 'u';
        buf[len++] = '0';
        buf[len++] = '0';
        buf[len++] = (byte) Hex.digit(c >> 4);
        buf[len++] = (byte) Hex.digit(c);
      }
    }
    return i;
  }
}
