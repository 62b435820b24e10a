package io.vxgate.gateway.accesslog;

import java.time.LocalDateTime;
import java.time.ZoneId;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * The text of one log line as it is built, with the appenders every format needs: escaped text,
 * milliseconds with three decimals, and the two time stamps (RFC 3339 in UTC, and nginx's and
 * HAProxy's local {@code 10/Oct/2000:13:55:36}), whose seconds part is formatted once per second.
 * Used by one writer thread: not thread-safe.
 */
final class Line {
  private static final String[] MONTHS = {
    "Jan", "Feb", "Mar", "Apr", "May", "Jun", "Jul", "Aug", "Sep", "Oct", "Nov", "Dec"
  };
  private static final char[] HEX = "0123456789abcdef".toCharArray();

  final StringBuilder sb = new StringBuilder(512);
  private final ZoneId zone;
  private long utcSecond = Long.MIN_VALUE;
  private String utcText = "";
  private long localSecond = Long.MIN_VALUE;
  private String localText = "";
  private String localOffset = "";

  Line(ZoneId zone) {
    this.zone = zone;
  }

  Line append(String s) {
    sb.append(s);
    return this;
  }

  Line append(char c) {
    sb.append(c);
    return this;
  }

  Line append(long v) {
    sb.append(v);
    return this;
  }

  /** {@code 2024-05-01T12:00:00.123Z}. */
  Line rfc3339(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != utcSecond) {
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, ZoneOffset.UTC);
      utcText =
          String.format(
              "%04d-%02d-%02dT%02d:%02d:%02d.",
              t.getYear(),
              t.getMonthValue(),
              t.getDayOfMonth(),
              t.getHour(),
              t.getMinute(),
              t.getSecond());
      utcSecond = second;
    }
    sb.append(utcText);
    millis3(Math.floorMod(epochMillis, 1000));
    sb.append('Z');
    return this;
  }

  /** nginx's {@code $time_local}: {@code 01/May/2024:14:00:00 +0200}. */
  Line localTime(long epochMillis) {
    localSecond(epochMillis);
    sb.append(localText).append(' ').append(localOffset);
    return this;
  }

  /** HAProxy's accept date: {@code 01/May/2024:14:00:00.123}. */
  Line localTimeMillis(long epochMillis) {
    localSecond(epochMillis);
    sb.append(localText).append('.');
    millis3(Math.floorMod(epochMillis, 1000));
    return this;
  }

  private void localSecond(long epochMillis) {
    long second = Math.floorDiv(epochMillis, 1000);
    if (second != localSecond) {
      ZoneOffset offset = zone.getRules().getOffset(java.time.Instant.ofEpochSecond(second));
      LocalDateTime t = LocalDateTime.ofEpochSecond(second, 0, offset);
      localText =
          String.format(
              "%02d/%s/%04d:%02d:%02d:%02d",
              t.getDayOfMonth(),
              MONTHS[t.getMonthValue() - 1],
              t.getYear(),
              t.getHour(),
              t.getMinute(),
              t.getSecond());
      int total = offset.getTotalSeconds();
      int abs = Math.abs(total) / 60;
      localOffset = String.format("%s%02d%02d", total < 0 ? "-" : "+", abs / 60, abs % 60);
      localSecond = second;
    }
  }

  private void millis3(int ms) {
    sb.append((char) ('0' + ms / 100)).append((char) ('0' + ms / 10 % 10));
    sb.append((char) ('0' + ms % 10));
  }

  /** Nanoseconds as milliseconds with three decimals ({@code 12.345}). */
  Line ms(long nanos) {
    long micros = nanos / 1000;
    sb.append(micros / 1000).append('.');
    millis3((int) (micros % 1000));
    return this;
  }

  /** Whole milliseconds, or -1 for a phase that did not happen (HAProxy's timers). */
  Line wholeMs(long nanos) {
    sb.append(nanos < 0 ? -1 : nanos / 1_000_000);
    return this;
  }

  /**
   * Text as nginx writes it: {@code "}, {@code \}, control and non-ASCII characters as {@code \xHH}
   * (characters above U+00FF as {@code \\uHHHH}); null as {@code -}.
   */
  Line text(@Nullable String s) {
    if (s == null) {
      sb.append('-');
      return this;
    }
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      if (c < 0x20 || c > 0x7e || c == '"' || c == '\\') {
        if (c > 0xff) {
          sb.append("\\u").append(HEX[c >> 12]).append(HEX[(c >> 8) & 0xf]);
        } else {
          sb.append("\\x");
        }
        sb.append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
      } else {
        sb.append(c);
      }
    }
    return this;
  }

  /** A JSON string (quoted and escaped), or {@code null}. */
  Line json(@Nullable String s) {
    if (s == null) {
      sb.append("null");
      return this;
    }
    sb.append('"');
    for (int i = 0, n = s.length(); i < n; i++) {
      char c = s.charAt(i);
      switch (c) {
        case '"' -> sb.append("\\\"");
        case '\\' -> sb.append("\\\\");
        case '\n' -> sb.append("\\n");
        case '\r' -> sb.append("\\r");
        case '\t' -> sb.append("\\t");
        default -> {
          if (c < 0x20 || c == 0x7f) {
            sb.append("\\u00").append(HEX[(c >> 4) & 0xf]).append(HEX[c & 0xf]);
          } else {
            sb.append(c);
          }
        }
      }
    }
    sb.append('"');
    return this;
  }
}
