package io.vxgate.config;

import java.time.Duration;
import java.util.Locale;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Reads an upstream's {@code health-check:} (docs/configuration.md, section "upstreams"); the
 * defaults are {@link HealthCheckConfig#DEFAULT}'s.
 */
final class HealthCheckSection {
  static final String EXPECT = "a status like 200 or a range like 200-399, within 100..599";
  private static final Pattern EXPECT_PATTERN = Pattern.compile("([0-9]{3})(?:-([0-9]{3}))?");
  private static final HealthCheckConfig D = HealthCheckConfig.DEFAULT;

  private HealthCheckSection() {}

  /** The section, or null (no active checks) when absent. */
  static HealthCheckConfig read(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("type", "path", "interval", "timeout", "rise", "fall", "expect");
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
    int[] expect =
        f.get("expect")
            .scalar(EXPECT, HealthCheckSection::expect, new int[] {D.expectMin(), D.expectMax()});
    return new HealthCheckConfig(type, path, interval, timeout, rise, fall, expect[0], expect[1]);
  }

  private static int[] expect(String s) {
    Matcher m = EXPECT_PATTERN.matcher(s.trim());
    if (!m.matches()) {
      return null;
    }
    int min = Integer.parseInt(m.group(1));
    int max = m.group(2) == null ? min : Integer.parseInt(m.group(2));
    return min < 100 || max > 599 || min > max ? null : new int[] {min, max};
  }
}
