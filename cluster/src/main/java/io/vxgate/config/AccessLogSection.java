package io.vxgate.config;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reads {@code access-log:} (docs/configuration.md, section "access-log"). */
final class AccessLogSection {
  static final String FORMATS = "one of: combined, haproxy, json, custom";
  static final String TEMPLATE =
      "a template of text and $fields among: " + String.join(", ", AccessLogConfig.FIELDS);

  private AccessLogSection() {}

  /** The section, or null when absent (no access log) or invalid. */
  static @Nullable AccessLogConfig read(Cursor c, ConfigFiles files) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("format", "custom", "stdout", "file", "syslog", "queue");
    AccessLogConfig.Format format =
        f.get("format").scalar(FORMATS, AccessLogSection::format, AccessLogConfig.DEFAULT_FORMAT);
    Cursor tc = f.get("custom");
    String template = null;
    if (format == AccessLogConfig.Format.CUSTOM) {
      if (tc.require(TEMPLATE)) {
        String t = tc.text(TEMPLATE);
        if (t != null) {
          try {
            AccessLogConfig.parts(t);
            template = t;
          } catch (IllegalArgumentException e) {
            tc.error(String.valueOf(e.getMessage()), TEMPLATE);
          }
        }
      }
    } else if (tc.present()) {
      tc.error("format: custom with it");
    }
    List<AccessLogConfig.Destination> to = new ArrayList<>();
    Cursor sc = f.get("stdout");
    if (Boolean.TRUE.equals(sc.scalar(Values.BOOL, Syntax::bool))) {
      to.add(new AccessLogConfig.Stdout());
    }
    Cursor fc = f.get("file");
    if (fc.present()) {
      String s = fc.scalar("a file path", v -> v.isEmpty() ? null : v);
      String path = s == null ? null : files.json() ? s : pathOf(fc, files, s);
      if (path != null) {
        to.add(new AccessLogConfig.File(path));
      }
    }
    Cursor yc = f.get("syslog");
    if (yc.present()) {
      HostPort address = yc.scalar(Values.BIND, v -> Syntax.hostPort(v, 1));
      if (address != null) {
        to.add(new AccessLogConfig.Syslog(address));
      }
    }
    if (to.size() > 1) {
      c.error("one destination: stdout, file or syslog");
    }
    int queue =
        f.get("queue")
            .scalar(
                "an integer 1..1048576",
                v -> Values.integer(v, 1, 1 << 20),
                AccessLogConfig.DEFAULT_QUEUE);
    if ((format == AccessLogConfig.Format.CUSTOM && template == null) || to.size() > 1) {
      return null;
    }
    return new AccessLogConfig(
        format, template, to.isEmpty() ? AccessLogConfig.DEFAULT_DESTINATION : to.get(0), queue);
  }

  private static @Nullable String pathOf(Cursor c, ConfigFiles files, String s) {
    java.nio.file.Path p = files.resolve(c, s);
    if (p != null && java.nio.file.Files.isDirectory(p)) {
      c.error(s, "a file path, not a directory");
      return null;
    }
    return p == null ? null : p.toString();
  }

  private static AccessLogConfig.@Nullable Format format(String s) {
    for (AccessLogConfig.Format f : AccessLogConfig.Format.values()) {
      if (f.configName().equals(s.toLowerCase(Locale.ROOT))) {
        return f;
      }
    }
    return null;
  }
}
