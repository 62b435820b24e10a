package io.vxgate.admin.importer;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Durations and sizes of nginx and HAProxy, and their vxgate spelling. */
final class Units {
  private static final Pattern NGINX_TIME = Pattern.compile("([0-9]+)(ms|s|m|h|d|w|M|y)?");
  private static final Pattern HAPROXY_TIME = Pattern.compile("([0-9]+)(us|ms|s|m|h|d)?");
  private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG]?)");

  private Units() {}

  /**
   * An nginx time ({@code 30}, {@code 500ms}, {@code 1h30m}: seconds when no unit is given), or
   * null.
   */
  static @Nullable Duration nginxTime(String s) {
    if (s.isEmpty()) {
      return null;
    }
    Matcher m = NGINX_TIME.matcher(s);
    Duration total = Duration.ZERO;
    int at = 0;
    while (at < s.length()) {
      if (!m.find(at) || m.start() != at) {
        return null;
      }
      long n = Long.parseLong(m.group(1));
      String unit = m.group(2) == null ? "s" : m.group(2);
      total =
          total.plus(
              switch (unit) {
                case "ms" -> Duration.ofMillis(n);
                case "s" -> Duration.ofSeconds(n);
                case "m" -> Duration.ofMinutes(n);
                case "h" -> Duration.ofHours(n);
                case "d" -> Duration.ofDays(n);
                case "w" -> Duration.ofDays(7 * n);
                case "M" -> Duration.ofDays(30 * n);
                default -> Duration.ofDays(365 * n);
              });
      at = m.end();
      if (m.group(2) == null && at < s.length()) {
        return null;
      }
    }
    return total;
  }

  /** A HAProxy time ({@code 5000} milliseconds when no unit is given, {@code 5s}, ...), or null. */
  static @Nullable Duration haproxyTime(String s) {
    Matcher m = HAPROXY_TIME.matcher(s);
    if (!m.matches()) {
      return null;
    }
    long n = Long.parseLong(m.group(1));
    String unit = m.group(2) == null ? "ms" : m.group(2);
    return switch (unit) {
      case "us" -> Duration.ofNanos(n * 1000);
      case "ms" -> Duration.ofMillis(n);
      case "s" -> Duration.ofSeconds(n);
      case "m" -> Duration.ofMinutes(n);
      case "h" -> Duration.ofHours(n);
      default -> Duration.ofDays(n);
    };
  }

  /** The vxgate spelling of a duration, in the largest unit that keeps it exact (ms at least). */
  static String duration(Duration d) {
    long ms = d.toMillis() + (d.toNanosPart() % 1_000_000 == 0 ? 0 : 1);
    if (ms == 0) {
      return "0";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    if (ms % 1000 == 0) {
      return ms / 1000 + "s";
    }
    return ms + "ms";
  }

  /** An nginx size ({@code 10m}, {@code 512k}, {@code 1024}) in vxgate syntax, or null. */
  static @Nullable String size(String s) {
    Matcher m = SIZE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    return m.group(1) + m.group(2).toLowerCase(Locale.ROOT);
  }

  /** The bytes of a size in vxgate syntax. */
  static long bytes(String size) {
    Matcher m = SIZE.matcher(size);
    if (!m.matches()) {
      throw new IllegalArgumentException(size);
    }
    long n = Long.parseLong(m.group(1));
    return switch (m.group(2).toLowerCase(Locale.ROOT)) {
      case "k" -> n << 10;
      case "m" -> n << 20;
      case "g" -> n << 30;
      default -> n;
    };
  }
}
