package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The access log (node-local, optional): one line per HTTP/1 request, HTTP/2 stream and WebSocket
 * session, in {@link #format}, written to {@link #destination} (docs/operations.md, "Access logs").
 *
 * @param template the {@code custom} template ({@code $name} or {@code ${name}} fields of {@link
 *     #FIELDS}); null unless {@code format} is {@link Format#CUSTOM}
 * @param queue how many finished requests may wait for the writer; more are dropped and counted
 */
public record AccessLogConfig(
    Format format, @Nullable String template, Destination destination, int queue) {
  /** The default {@link #format}. */
  public static final Format DEFAULT_FORMAT = Format.COMBINED;

  /** The default {@link #destination}. */
  public static final Destination DEFAULT_DESTINATION = new Stdout();

  /** The default {@link #queue}. */
  public static final int DEFAULT_QUEUE = 8192;

  /**
   * The facts of a request a line can show: exactly the keys of {@code format: json}, and the names
   * a {@code custom} template may use.
   */
  public static final List<String> FIELDS =
      List.of(
          "time",
          "node",
          "listener",
          "client",
          "method",
          "path",
          "query",
          "protocol",
          "host",
          "status",
          "bytes_in",
          "bytes_out",
          "duration_ms",
          "route",
          "upstream",
          "server",
          "upstream_status",
          "upstream_connect_ms",
          "upstream_response_ms",
          "retries",
          "request_id",
          "trace_id",
          "termination",
          "user_agent",
          "referer",
          "tls");

  public AccessLogConfig {
    requireNonNull(format, "format");
    requireNonNull(destination, "destination");
    if ((format == Format.CUSTOM) != (template != null)) {
      throw new IllegalArgumentException("a template goes with format custom, and only with it");
    }
    if (queue < 1) {
      throw new IllegalArgumentException("queue: " + queue);
    }
  }

  /** A log in {@code format} (not custom) to {@code destination} with the default queue. */
  public AccessLogConfig(Format format, Destination destination) {
    this(format, null, destination, DEFAULT_QUEUE);
  }

  /**
   * A piece of a {@code custom} template: literal text, or a field of {@link #FIELDS}.
   *
   * @param field whether {@code text} is a field name
   */
  public record Part(String text, boolean field) {
    public Part {
      requireNonNull(text, "text");
    }
  }

  /**
   * Cuts a {@code custom} template into literal text and fields: {@code $name} (the longest run of
   * letters and {@code _}), {@code ${name}}, and {@code $$} for a dollar sign.
   *
   * @throws IllegalArgumentException naming the first unknown field, or a stray {@code $}
   */
  public static List<Part> parts(String template) {
    List<Part> out = new java.util.ArrayList<>();
    StringBuilder text = new StringBuilder();
    int i = 0;
    int n = template.length();
    while (i < n) {
      char c = template.charAt(i);
      if (c != '$') {
        text.append(c);
        i++;
        continue;
      }
      if (i + 1 < n && template.charAt(i + 1) == '$') {
        text.append('$');
        i += 2;
        continue;
      }
      int start;
      int end;
      int next;
      if (i + 1 < n && template.charAt(i + 1) == '{') {
        start = i + 2;
        end = template.indexOf('}', start);
        if (end < 0) {
          throw new IllegalArgumentException(template.substring(i));
        }
        next = end + 1;
      } else {
        start = i + 1;
        end = start;
        while (end < n
            && (Character.isLetter(template.charAt(end)) || template.charAt(end) == '_')) {
          end++;
        }
        next = end;
      }
      String name = template.substring(start, end);
      if (!FIELDS.contains(name)) {
        throw new IllegalArgumentException("$" + name);
      }
      if (text.length() > 0) {
        out.add(new Part(text.toString(), false));
        text.setLength(0);
      }
      out.add(new Part(name, true));
      i = next;
    }
    if (text.length() > 0) {
      out.add(new Part(text.toString(), false));
    }
    return List.copyOf(out);
  }

  /** How a line is written. */
  public enum Format {
    /** nginx's {@code combined}. */
    COMBINED,
    /** The field order of HAProxy's {@code option httplog}. */
    HAPROXY,
    /** One JSON object a line with the keys of {@link #FIELDS}. */
    JSON,
    /** The {@code custom} template. */
    CUSTOM;

    /** The name in the config. */
    public String configName() {
      return name().toLowerCase(Locale.ROOT);
    }
  }

  /** Where lines go: exactly one of standard output, a file, a syslog server. */
  public sealed interface Destination permits Stdout, File, Syslog {}

  /** The node's standard output. */
  public record Stdout() implements Destination {}

  /**
   * A file, appended to; reopened on SIGUSR1 and {@code vxgatectl log reopen} (logrotate).
   *
   * @param path absolute once read from a file (relative to the config file's directory)
   */
  public record File(String path) implements Destination {
    public File {
      requireNonNull(path, "path");
    }
  }

  /** A syslog server: RFC 5424 messages over UDP, facility local0, severity info. */
  public record Syslog(HostPort address) implements Destination {
    public Syslog {
      requireNonNull(address, "address");
    }
  }
}
