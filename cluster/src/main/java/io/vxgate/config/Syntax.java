package io.vxgate.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/** Scalar syntaxes of the config file: names, hosts, addresses, durations and sizes. */
final class Syntax {
  private static final Pattern NAME = Pattern.compile("[A-Za-z0-9._-]+");
  private static final Pattern TOKEN = Pattern.compile("[!#$%&'*+.^_`|~0-9A-Za-z-]+");
  private static final Pattern METHOD = Pattern.compile("[A-Z][A-Z0-9_-]*");
  private static final Pattern DNS_LABEL =
      Pattern.compile("[A-Za-z0-9_]([A-Za-z0-9_-]*[A-Za-z0-9_])?");
  private static final Pattern INTEGER = Pattern.compile("[+-]?[0-9]+");
  private static final Pattern DURATION = Pattern.compile("([0-9]+)(ms|s|m|h)");
  private static final Pattern SIZE = Pattern.compile("([0-9]+)([kKmMgG]?)");

  private Syntax() {}

  /** The name itself when it is non-empty and of {@code [A-Za-z0-9._-]}, else null. */
  static @Nullable String name(String s) {
    return NAME.matcher(s).matches() ? s : null;
  }

  /** The token itself when it is an RFC 9110 token (header, cookie names), else null. */
  static @Nullable String token(String s) {
    return TOKEN.matcher(s).matches() ? s : null;
  }

  /** The method when it is an upper-case method token such as {@code GET}, else null. */
  static @Nullable String method(String s) {
    return METHOD.matcher(s).matches() ? s : null;
  }

  /** Parses a decimal integer in {@code min..max}; null when it is not one. */
  static @Nullable Long integer(String s, long min, long max) {
    if (!INTEGER.matcher(s).matches()) {
      return null;
    }
    try {
      long v = Long.parseLong(s.startsWith("+") ? s.substring(1) : s);
      return v < min || v > max ? null : v;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Parses {@code true} or {@code false} (any case); null otherwise. */
  static @Nullable Boolean bool(String s) {
    if (s.equalsIgnoreCase("true")) {
      return Boolean.TRUE;
    }
    return s.equalsIgnoreCase("false") ? Boolean.FALSE : null;
  }

  /**
   * Parses a duration: {@code 0}, or a non-negative integer with one unit {@code ms}, {@code s},
   * {@code m} or {@code h} ({@code 500ms}, {@code 2s}, {@code 1m}, {@code 1h}); null otherwise.
   */
  static @Nullable Duration duration(String s) {
    if (s.equals("0")) {
      return Duration.ZERO;
    }
    Matcher m = DURATION.matcher(s);
    if (!m.matches()) {
      return null;
    }
    try {
      long n = Long.parseLong(m.group(1));
      return switch (m.group(2)) {
        case "ms" -> Duration.ofMillis(n);
        case "s" -> Duration.ofSeconds(n);
        case "m" -> Duration.ofMinutes(n);
        default -> Duration.ofHours(n);
      };
    } catch (NumberFormatException | ArithmeticException e) {
      return null;
    }
  }

  /** Writes a duration in the largest unit that represents it exactly ({@code 90s}, {@code 2m}). */
  static String formatDuration(Duration d) {
    long ms = d.toMillis();
    if (ms == 0) {
      return "0s";
    }
    if (ms % 3_600_000 == 0) {
      return ms / 3_600_000 + "h";
    }
    if (ms % 60_000 == 0) {
      return ms / 60_000 + "m";
    }
    return ms % 1000 == 0 ? ms / 1000 + "s" : ms + "ms";
  }

  /**
   * Parses a size in bytes: a non-negative integer, optionally followed by {@code k}, {@code m} or
   * {@code g} (any case; binary multiples as in nginx: {@code 1k} = 1024); null otherwise.
   */
  static @Nullable Long size(String s) {
    Matcher m = SIZE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    try {
      long n = Long.parseLong(m.group(1));
      int shift =
          switch (m.group(2).toLowerCase(Locale.ROOT)) {
            case "k" -> 10;
            case "m" -> 20;
            case "g" -> 30;
            default -> 0;
          };
      if (n > (Long.MAX_VALUE >> shift)) {
        return null;
      }
      return n << shift;
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /**
   * Whether {@code s} is a DNS name ({@code a.example.com}, labels of letters, digits, '-', '_').
   */
  static boolean dnsName(String s) {
    String n = s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
    if (n.isEmpty() || n.length() > 253) {
      return false;
    }
    for (String label : n.split("\\.", -1)) {
      if (label.length() > 63 || !DNS_LABEL.matcher(label).matches()) {
        return false;
      }
    }
    return true;
  }

  /** Whether {@code s} is a host: a DNS name, an IPv4 literal or an IPv6 literal (no brackets). */
  static boolean host(String s) {
    if (s.indexOf(':') >= 0) {
      return s.indexOf('/') < 0 && Cidr.tryParse(s) != null;
    }
    return dnsName(s);
  }

  /**
   * Parses {@code host:port} with a port in {@code minPort..65535}; IPv6 in brackets. Null when
   * invalid.
   */
  static @Nullable HostPort hostPort(String s, int minPort) {
    HostPort hp = HostPort.parse(s);
    if (hp == null || hp.port() < minPort || !host(hp.host())) {
      return null;
    }
    String t = s.trim();
    if (!t.endsWith(":" + hp.port()) || t.startsWith("[") != (hp.host().indexOf(':') >= 0)) {
      return null; // "+80", "080"; brackets hold exactly the IPv6 literals
    }
    return hp;
  }

  /**
   * A server address: {@code host:port}, {@code http://host[:port]} or {@code https://host[:port]}.
   */
  static @Nullable ServerAddress serverAddress(String s) {
    String rest = s;
    boolean tls = false;
    int defaultPort = -1;
    String lower = s.toLowerCase(Locale.ROOT);
    if (lower.startsWith("https://")) {
      tls = true;
      defaultPort = 443;
      rest = s.substring(8);
    } else if (lower.startsWith("http://")) {
      defaultPort = 80;
      rest = s.substring(7);
    }
    if (defaultPort > 0 && rest.endsWith("/")) {
      rest = rest.substring(0, rest.length() - 1);
    }
    HostPort hp = hostPort(rest, 1);
    if (hp == null && defaultPort > 0) {
      String host = rest;
      if (host.startsWith("[") && host.endsWith("]")) {
        host = host.substring(1, host.length() - 1);
      } else if (host.indexOf(':') >= 0) {
        return null;
      }
      hp = !host.isEmpty() && host(host) ? new HostPort(host, defaultPort) : null;
    }
    return hp == null ? null : new ServerAddress(hp, tls);
  }

  /** A parsed server address. */
  record ServerAddress(HostPort hostPort, boolean tls) {}

  /** Whether {@code host} is a loopback literal or {@code localhost}. */
  static boolean loopback(String host) {
    if (host.equalsIgnoreCase("localhost")) {
      return true;
    }
    Cidr c = Cidr.tryParse(host);
    return c != null && c.isLoopback();
  }

  /** Whether {@code host} is the IPv4 or IPv6 wildcard address. */
  static boolean wildcard(String host) {
    Cidr c = Cidr.tryParse(host);
    return c != null && c.isAnyLocal();
  }
}
