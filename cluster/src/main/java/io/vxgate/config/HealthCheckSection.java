package io.vxgate.config;

import io.vxgate.config.HealthCheckConfig.Expect;
import io.vxgate.config.HealthCheckConfig.StatusRange;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * Reads an upstream's {@code health-check:} (docs/configuration.md, section "upstreams"); the
 * defaults are {@link HealthCheckConfig#DEFAULT}'s. {@code expect} is a status list ({@code
 * 200,204,300-399}, as text or a YAML list) or a mapping {@code {status, body}}.
 */
final class HealthCheckSection {
  static final String EXPECT =
      "a status like 200, a range like 200-399 or a list like 200,204,300-399, within 100..599";
  static final String EXPECT_ANY = EXPECT + "; or {status: STATUSES, body: TEXT | ~REGEX}";
  static final String METHOD = "an uppercase method token like GET or HEAD";
  static final String HOST = "a host name or address, with an optional :PORT";
  private static final Pattern RANGE = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
  private static final Pattern HOST_PATTERN =
      Pattern.compile("(\\[[0-9A-Fa-f:.]+\\]|[A-Za-z0-9._-]+)(:[0-9]{1,5})?");
  private static final HealthCheckConfig D = HealthCheckConfig.DEFAULT;

  private HealthCheckSection() {}

  /** The section, or null (no active checks) when absent. */
  static @Nullable HealthCheckConfig read(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f =
        c.fields(
            "type",
            "path",
            "method",
            "host",
            "headers",
            "interval",
            "timeout",
            "rise",
            "fall",
            "expect");
    HealthCheckConfig.Type type =
        f.get("type")
            .scalar(
                "http or tcp",
                s ->
                    switch (s.toLowerCase(Locale.ROOT)) {
                      case "http" -> HealthCheckConfig.Type.HTTP;
                      case "tcp" -> HealthCheckConfig.Type.TCP;
                      default -> null;
                    },
                D.type());
    String path = f.get("path").scalar(Values.PATH, Values::path, D.path());
    String method = f.get("method").scalar(METHOD, Syntax::method, D.method());
    String host =
        f.get("host").scalar(HOST, s -> HOST_PATTERN.matcher(s.trim()).matches() ? s.trim() : null);
    Cursor hc = f.get("headers");
    Map<String, String> headers = Values.headerFields(hc);
    for (String name : List.copyOf(headers.keySet())) {
      if (name.equalsIgnoreCase("Host")) {
        hc.error(name, "other fields than Host, which health-check.host sets");
        headers.remove(name);
      }
    }
    Duration interval =
        f.get("interval").scalar(Values.POSITIVE_DURATION, Values::positive, D.interval());
    Cursor tc = f.get("timeout");
    Duration timeout = tc.scalar(Values.POSITIVE_DURATION, Values::positive);
    if (timeout != null && timeout.compareTo(interval) > 0) {
      tc.error(
          Syntax.formatDuration(timeout),
          "at most the interval, " + Syntax.formatDuration(interval));
    }
    if (timeout == null) {
      timeout = D.timeout().compareTo(interval) > 0 ? interval : D.timeout();
    }
    int rise =
        f.get("rise")
            .scalar("an integer >= 1", s -> Values.integer(s, 1, Integer.MAX_VALUE), D.rise());
    int fall =
        f.get("fall")
            .scalar("an integer >= 1", s -> Values.integer(s, 1, Integer.MAX_VALUE), D.fall());
    Expect expect = expect(f.get("expect"), method);
    return new HealthCheckConfig(
        type, path, interval, timeout, rise, fall, expect, method, host, headers);
  }

  /** {@code expect:}: statuses (text or list), or {@code {status, body}}. */
  private static Expect expect(Cursor c, String method) {
    if (!c.present()) {
      return D.expect();
    }
    if (!(c.raw() instanceof Map)) {
      List<StatusRange> statuses = statuses(c, EXPECT_ANY);
      return statuses == null ? D.expect() : new Expect(statuses, null);
    }
    Cursor.Fields f = c.fields("status", "body");
    Cursor sc = f.get("status");
    List<StatusRange> statuses = sc.present() ? statuses(sc, EXPECT) : null;
    String body = body(f.get("body"));
    if (body != null && method.equals("HEAD")) {
      f.get("body").error(body, "no body check with method HEAD, whose answers have no body");
    }
    return new Expect(statuses == null ? D.expect().statuses() : statuses, body);
  }

  /** A status list as text ({@code 200,204,300-399}) or as a YAML list; null when invalid. */
  private static @Nullable List<StatusRange> statuses(Cursor c, String expected) {
    List<String> parts = Values.texts(c, expected);
    if (parts == null) {
      return null;
    }
    if (parts.isEmpty()) {
      c.error(expected);
      return null;
    }
    List<StatusRange> out = new ArrayList<>();
    for (String part : parts) {
      for (String item : part.split(",", -1)) {
        StatusRange r = range(item.trim());
        if (r == null) {
          c.error(String.join(",", parts), expected);
          return null;
        }
        out.add(r);
      }
    }
    return out;
  }

  private static @Nullable StatusRange range(String s) {
    Matcher m = RANGE.matcher(s);
    if (!m.matches()) {
      return null;
    }
    int min = Integer.parseInt(m.group(1));
    int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    return min < 100 || max > 599 || min > max ? null : new StatusRange(min, max);
  }

  /** A body expectation: non-empty text, or {@code ~} and a regular expression that compiles. */
  private static @Nullable String body(Cursor c) {
    String expected = "a text, or ~REGEX with a valid regular expression";
    String s = c.text(expected);
    if (s == null) {
      return null;
    }
    if (s.isEmpty() || s.equals("~")) {
      c.error(s.isEmpty() ? "\"\"" : s, expected);
      return null;
    }
    if (s.startsWith("~")) {
      try {
        Pattern.compile(s.substring(1));
      } catch (PatternSyntaxException e) {
        c.error(s, "~REGEX with a valid regular expression; " + e.getDescription());
        return null;
      }
    }
    return s;
  }
}
