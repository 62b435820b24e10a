package io.vxgate.admin.importer;

import io.vxgate.config.AccessLogConfig;
import java.util.List;
import java.util.Map;

/**
 * An nginx {@code log_format} as a vxgate access-log format (docs/migrating.md): nginx's {@code
 * combined}, and any format that starts with it, is vxgate's {@code combined}; {@code escape=json}
 * is vxgate's {@code json}; any other is a {@code custom} template, each variable written as the
 * vxgate field that holds the same fact ({@code $remote_addr} as {@code $client}), noted where the
 * field differs ({@code $request_time} in milliseconds), and {@code -} where vxgate has none.
 */
final class NginxLogFormat {
  /** nginx's predefined {@code combined} format. */
  static final String COMBINED =
      "$remote_addr - $remote_user [$time_local] \"$request\" $status $body_bytes_sent"
          + " \"$http_referer\" \"$http_user_agent\"";

  private static final String LAST_ATTEMPT = "of the last attempt (nginx: of every attempt)";
  private static final String NO_QUERY = "without the query ($query has it)";

  private static final Map<String, LogFormat.Field> VARIABLES =
      Map.ofEntries(
          Map.entry("remote_addr", new LogFormat.Field("$client", null)),
          Map.entry(
              "realip_remote_addr",
              new LogFormat.Field(
                  "$client", "the address vxgate believes (nginx: the TCP peer's)")),
          Map.entry(
              "time_local",
              new LogFormat.Field(
                  "$time", "RFC 3339 in UTC (nginx: 07/Dec/2026:18:51:28 +0000, local time)")),
          Map.entry(
              "time_iso8601",
              new LogFormat.Field("$time", "in UTC, with milliseconds (nginx: local)")),
          Map.entry(
              "msec", new LogFormat.Field("$time", "RFC 3339 (nginx: seconds since the epoch)")),
          Map.entry("request", new LogFormat.Field("$method $path $protocol", NO_QUERY)),
          Map.entry("request_method", new LogFormat.Field("$method", null)),
          Map.entry("request_uri", new LogFormat.Field("$path", NO_QUERY)),
          Map.entry(
              "uri", new LogFormat.Field("$path", "as received (nginx: decoded and normalised)")),
          Map.entry(
              "document_uri",
              new LogFormat.Field("$path", "as received (nginx: decoded and normalised)")),
          Map.entry("args", new LogFormat.Field("$query", null)),
          Map.entry("query_string", new LogFormat.Field("$query", null)),
          Map.entry("server_protocol", new LogFormat.Field("$protocol", null)),
          Map.entry("http_host", new LogFormat.Field("$host", null)),
          Map.entry(
              "host",
              new LogFormat.Field("$host", "the Host header as sent (nginx: lower case, no port)")),
          Map.entry("status", new LogFormat.Field("$status", null)),
          Map.entry("body_bytes_sent", new LogFormat.Field("$bytes_out", null)),
          Map.entry(
              "bytes_sent",
              new LogFormat.Field("$bytes_out", "the body only (nginx: with the response head)")),
          Map.entry(
              "request_length",
              new LogFormat.Field(
                  "$bytes_in", "the body only (nginx: with the request line and head)")),
          Map.entry(
              "request_time",
              new LogFormat.Field("$duration_ms", "in milliseconds (nginx: seconds)")),
          Map.entry(
              "upstream_addr",
              new LogFormat.Field(
                  "$server", "the server's name, of the last attempt (nginx: every address)")),
          Map.entry("upstream_status", new LogFormat.Field("$upstream_status", LAST_ATTEMPT)),
          Map.entry(
              "upstream_connect_time",
              new LogFormat.Field("$upstream_connect_ms", "in milliseconds, " + LAST_ATTEMPT)),
          Map.entry(
              "upstream_header_time",
              new LogFormat.Field("$upstream_response_ms", "in milliseconds, " + LAST_ATTEMPT)),
          Map.entry(
              "upstream_response_time",
              new LogFormat.Field(
                  "$upstream_response_ms",
                  "until the response head, in milliseconds, of the last attempt (nginx: until"
                      + " the end, every attempt)")),
          Map.entry("proxy_host", new LogFormat.Field("$upstream", "the upstream's name")),
          Map.entry("http_user_agent", new LogFormat.Field("$user_agent", null)),
          Map.entry("http_referer", new LogFormat.Field("$referer", null)),
          Map.entry(
              "request_id",
              new LogFormat.Field(
                  "$request_id", "X-Request-Id as received, else a new one (nginx: its own)")),
          Map.entry("ssl_protocol", new LogFormat.Field("$tls", null)),
          Map.entry("otel_trace_id", new LogFormat.Field("$trace_id", null)),
          Map.entry(
              "hostname", new LogFormat.Field("$node", "the node id (nginx: the host name)")));

  private NginxLogFormat() {}

  /**
   * The format of a {@code log_format NAME [escape=default|json|none] STRING...} directive (its
   * strings are joined, as nginx does).
   */
  static LogFormat translate(NginxDirective logFormat) {
    List<String> args = logFormat.args();
    int first = 1;
    String escape = "default";
    if (args.size() > 1 && args.get(1).startsWith("escape=")) {
      escape = args.get(1).substring("escape=".length());
      first = 2;
    }
    return translate(
        escape, String.join("", args.subList(Math.min(first, args.size()), args.size())));
  }

  /** The format of a {@code log_format}'s text with its {@code escape=} value. */
  static LogFormat translate(String escape, String text) {
    if (escape.equals("json")) {
      return LogFormat.of(
          AccessLogConfig.Format.JSON,
          List.of("one object a line with vxgate's keys (docs/operations.md), not these"));
    }
    String flat = text.strip().replaceAll("\\s+", " ");
    if (flat.equals(COMBINED)) {
      return LogFormat.of(AccessLogConfig.Format.COMBINED, List.of());
    }
    if (flat.startsWith(COMBINED + " ")) {
      return LogFormat.of(
          AccessLogConfig.Format.COMBINED,
          List.of(
              "without what follows combined's fields: " + flat.substring(COMBINED.length() + 1)));
    }
    LogFormat.Template t = new LogFormat.Template();
    int i = 0;
    int n = text.length();
    while (i < n) {
      int dollar = text.indexOf('$', i);
      if (dollar < 0) {
        t.text(text.substring(i));
        break;
      }
      t.text(text.substring(i, dollar));
      int start;
      int end;
      int next;
      if (dollar + 1 < n && text.charAt(dollar + 1) == '{') {
        start = dollar + 2;
        end = text.indexOf('}', start);
        next = end + 1;
      } else {
        start = dollar + 1;
        end = start;
        while (end < n
            && (Character.isLetterOrDigit(text.charAt(end)) || text.charAt(end) == '_')) {
          end++;
        }
        next = end;
      }
      if (end < 0 || end == start) {
        t.text("$"); // nginx refuses it; kept as text
        i = dollar + 1;
        continue;
      }
      String name = text.substring(start, end);
      t.field("$" + name, VARIABLES.get(name));
      i = next;
    }
    if (!escape.equals("default")) {
      t.differs("escape=" + escape, "vxgate escapes as nginx's escape=default");
    }
    return t.build();
  }
}
