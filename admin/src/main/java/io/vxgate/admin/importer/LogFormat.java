package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.AccessLogConfig;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * An access-log format translated from nginx's {@code log_format} or HAProxy's {@code log-format}:
 * one of vxgate's formats, or a {@code custom} template of {@link AccessLogConfig#FIELDS}
 * (docs/operations.md, "Access logs"), with how it differs from the original.
 *
 * @param template the {@code custom} template in vxgate's syntax (a field followed by a letter
 *     written with braces, escaped with a second dollar); null unless {@code format} is custom
 * @param differences how each part of the original that vxgate writes otherwise is written, in the
 *     original's order ({@code $request_time: $duration_ms, in milliseconds}); empty when exact
 */
record LogFormat(
    AccessLogConfig.Format format, @Nullable String template, List<String> differences) {
  LogFormat {
    requireNonNull(format, "format");
    differences = List.copyOf(differences);
    if ((format == AccessLogConfig.Format.CUSTOM) != (template != null)) {
      throw new IllegalArgumentException("a template goes with format custom, and only with it");
    }
  }

  /** One of vxgate's own formats. */
  static LogFormat of(AccessLogConfig.Format format, List<String> differences) {
    return new LogFormat(format, null, differences);
  }

  /** The {@code access-log} keys of this format. */
  void write(Yaml.YMap accessLog) {
    accessLog.put("format", format.configName());
    accessLog.put("custom", template);
  }

  /** The differences as one note's reason, or null when there are none. */
  @Nullable String why() {
    if (differences.isEmpty()) {
      return null;
    }
    String as =
        format == AccessLogConfig.Format.CUSTOM
            ? "written as format: custom: "
            : "written as vxgate's " + format.configName() + " format: ";
    return as + String.join("; ", differences);
  }

  /**
   * What a variable or alias of another proxy's format becomes: a piece of vxgate template, and how
   * it differs from the original (null: the same).
   */
  record Field(String vxgate, @Nullable String how) {
    Field {
      requireNonNull(vxgate, "vxgate");
    }
  }

  /**
   * A {@code custom} template built piece by piece from another proxy's format: literal text and
   * vxgate fields, and what each original piece became when it is not the same.
   */
  static final class Template {
    private final List<AccessLogConfig.Part> parts = new ArrayList<>();
    private final Map<String, String> differences = new LinkedHashMap<>();
    private final List<String> missing = new ArrayList<>();

    /** Appends literal text. */
    Template text(String s) {
      if (!s.isEmpty()) {
        if (!parts.isEmpty() && !parts.get(parts.size() - 1).field()) {
          s = parts.remove(parts.size() - 1).text() + s;
        }
        parts.add(new AccessLogConfig.Part(s, false));
      }
      return this;
    }

    /** Appends a piece of template in vxgate's syntax ({@code $method $path $protocol}). */
    Template fields(String vxgate) {
      for (AccessLogConfig.Part p : AccessLogConfig.parts(vxgate)) {
        if (p.field()) {
          parts.add(p);
        } else {
          text(p.text());
        }
      }
      return this;
    }

    /** Notes that {@code original} is written as {@code how} (first one per original wins). */
    Template differs(String original, String how) {
      differences.putIfAbsent(original, how);
      return this;
    }

    /**
     * Appends the field an original piece ({@code $request_time}, {@code %Ta}) becomes, noting how
     * it differs; {@code -} when vxgate has none ({@code field} null).
     */
    Template field(String original, @Nullable Field field) {
      if (field == null) {
        return missing(original);
      }
      fields(field.vxgate());
      if (field.how() != null) {
        differs(original, field.vxgate() + ", " + field.how());
      }
      return this;
    }

    /** Writes {@code -} for an original piece vxgate has no field for. */
    Template missing(String original) {
      text("-");
      if (!missing.contains(original)) {
        missing.add(original);
      }
      return this;
    }

    /** The template in vxgate's syntax. */
    String text() {
      StringBuilder sb = new StringBuilder();
      for (int i = 0; i < parts.size(); i++) {
        AccessLogConfig.Part p = parts.get(i);
        if (!p.field()) {
          sb.append(p.text().replace("$", "$$"));
          continue;
        }
        // a field followed by a letter needs ${name}; YAML writes it $${name}
        AccessLogConfig.Part next = i + 1 < parts.size() ? parts.get(i + 1) : null;
        boolean joined =
            next != null
                && !next.field()
                && (Character.isLetter(next.text().charAt(0)) || next.text().charAt(0) == '_');
        sb.append(joined ? "${" + p.text() + "}" : "$" + p.text());
      }
      return sb.toString();
    }

    LogFormat build() {
      List<String> how = new ArrayList<>();
      differences.forEach((original, as) -> how.add(original + ": " + as));
      if (!missing.isEmpty()) {
        how.add(String.join(", ", missing) + ": - (no such field in vxgate)");
      }
      return new LogFormat(AccessLogConfig.Format.CUSTOM, text(), how);
    }
  }
}
