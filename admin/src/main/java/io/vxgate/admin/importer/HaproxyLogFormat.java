package io.vxgate.admin.importer;

import io.vxgate.config.AccessLogConfig;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A HAProxy log format as a vxgate access-log format (docs/migrating.md): {@code option httplog}
 * (and a {@code log-format} that spells it) is vxgate's {@code haproxy} format, {@code option
 * httplog clf} its {@code combined}; any other {@code log-format} is a {@code custom} template,
 * each {@code %alias} written as the vxgate field that holds the same fact ({@code %ci} as {@code
 * $client}), noted where it differs, and {@code -} where vxgate has none. {@code %{+Q}} quotes.
 */
final class HaproxyLogFormat {
  /** The format of {@code option httplog}. */
  static final String HTTPLOG =
      "%ci:%cp [%tr] %ft %b/%s %TR/%Tw/%Tc/%Tr/%Ta %ST %B %CC %CS %tsc %ac/%fc/%bc/%sc/%rc"
          + " %sq/%bq %hr %hs %{+Q}r";

  private static final String HTTPSLOG_TAIL =
      " %[fc_err]/%[ssl_fc_err,hex]/%[ssl_c_err]/%[ssl_c_ca_err]/%[ssl_fc_is_resumed]"
          + " %[ssl_fc_sni]/%sslv/%sslc";

  /** What vxgate's {@code haproxy} format writes otherwise than {@code option httplog}. */
  private static final String HAPROXY_FORMAT =
      "the termination state in words (docs/operations.md), connection and queue counts as -";

  private static final String DATE = "RFC 3339 in UTC (HAProxy: 06/Feb/2009:12:14:14.655, local)";
  private static final String NO_QUERY = "without the query ($query has it)";

  private static final Map<String, LogFormat.Field> ALIASES =
      Map.ofEntries(
          Map.entry("ci", new LogFormat.Field("$client", null)),
          Map.entry("t", new LogFormat.Field("$time", DATE)),
          Map.entry("tr", new LogFormat.Field("$time", DATE)),
          Map.entry("trl", new LogFormat.Field("$time", DATE)),
          Map.entry(
              "trg",
              new LogFormat.Field("$time", "RFC 3339 (HAProxy: 06/Feb/2009:12:14:14 +0000)")),
          Map.entry(
              "T", new LogFormat.Field("$time", "RFC 3339 (HAProxy: 06/Feb/2009:12:14:14 +0000)")),
          Map.entry("Tl", new LogFormat.Field("$time", DATE)),
          Map.entry(
              "Ts", new LogFormat.Field("$time", "RFC 3339 (HAProxy: seconds since the epoch)")),
          Map.entry(
              "ft", new LogFormat.Field("$listener", "the listener's name (HAProxy: ~ after TLS)")),
          Map.entry("f", new LogFormat.Field("$listener", "the listener's name")),
          Map.entry("b", new LogFormat.Field("$upstream", null)),
          Map.entry("s", new LogFormat.Field("$server", null)),
          Map.entry(
              "Tc",
              new LogFormat.Field(
                  "$upstream_connect_ms", "with the wait for a pooled connection (%Tw)")),
          Map.entry("Tr", new LogFormat.Field("$upstream_response_ms", null)),
          Map.entry("Ta", new LogFormat.Field("$duration_ms", null)),
          Map.entry(
              "Tt",
              new LogFormat.Field(
                  "$duration_ms", "without the idle time before the request (%Ta)")),
          Map.entry("ST", new LogFormat.Field("$status", null)),
          Map.entry(
              "B", new LogFormat.Field("$bytes_out", "the body only (HAProxy: with the head)")),
          Map.entry(
              "U", new LogFormat.Field("$bytes_in", "the body only (HAProxy: with the head)")),
          Map.entry("ts", new LogFormat.Field("$termination", "in words (docs/operations.md)")),
          Map.entry("tsc", new LogFormat.Field("$termination", "in words (docs/operations.md)")),
          Map.entry("rc", new LogFormat.Field("$retries", null)),
          Map.entry("r", new LogFormat.Field("$method $path $protocol", NO_QUERY)),
          Map.entry("HM", new LogFormat.Field("$method", null)),
          Map.entry("HP", new LogFormat.Field("$path", null)),
          Map.entry("HPO", new LogFormat.Field("$path", null)),
          Map.entry("HU", new LogFormat.Field("$path", NO_QUERY)),
          Map.entry("HQ", new LogFormat.Field("$query", "without the ?")),
          Map.entry("HV", new LogFormat.Field("$protocol", null)),
          Map.entry(
              "ID",
              new LogFormat.Field("$request_id", "X-Request-Id (HAProxy: its unique-id-format)")),
          Map.entry("sslv", new LogFormat.Field("$tls", null)),
          Map.entry("H", new LogFormat.Field("$node", "the node id (HAProxy: the host name)")));

  /** The aliases {@code +Q} quotes: HAProxy quotes text, not numbers and dates. */
  private static final Set<String> TEXT =
      Set.of(
          "ci", "fi", "bi", "si", "ft", "f", "b", "s", "ts", "tsc", "r", "HM", "HP", "HPO", "HU",
          "HQ", "HV", "ID", "H", "sslv", "sslc", "CC", "CS", "hr", "hs", "hrl", "hsl");

  private HaproxyLogFormat() {}

  /**
   * The format of {@code option NAME [clf]}: {@code httplog}, {@code httpslog}, {@code tcplog}, or
   * null without one (HAProxy then logs one "Connect from" line per connection).
   */
  static LogFormat option(@Nullable String name, boolean clf) {
    if (name == null) {
      return LogFormat.of(
          AccessLogConfig.Format.HAPROXY,
          List.of(
              "option httplog's fields (HAProxy without a log format option: \"Connect from\""
                  + " lines), "
                  + HAPROXY_FORMAT));
    }
    if (clf) {
      return LogFormat.of(
          AccessLogConfig.Format.COMBINED,
          List.of("the CLF fields with referer and user agent, without HAProxy's after them"));
    }
    return switch (name) {
      case "httpslog" ->
          LogFormat.of(
              AccessLogConfig.Format.HAPROXY,
              List.of(HAPROXY_FORMAT + ", without the TLS fields (a custom template has $tls)"));
      case "tcplog" ->
          LogFormat.of(
              AccessLogConfig.Format.HAPROXY,
              List.of("option httplog's fields (HAProxy: tcplog's), " + HAPROXY_FORMAT));
      default -> LogFormat.of(AccessLogConfig.Format.HAPROXY, List.of(HAPROXY_FORMAT));
    };
  }

  /** The format of a {@code log-format} string. */
  static LogFormat translate(String format) {
    String flat = format.strip().replaceAll("\\s+", " ");
    if (flat.equals(HTTPLOG) || flat.equals("${HAPROXY_HTTP_LOG_FMT}")) {
      return option("httplog", false);
    }
    if (flat.equals(HTTPLOG + HTTPSLOG_TAIL) || flat.equals("${HAPROXY_HTTPS_LOG_FMT}")) {
      return option("httpslog", false);
    }
    if (flat.equals("${HAPROXY_TCP_LOG_FMT}")) {
      return option("tcplog", false);
    }
    LogFormat.Template t = new LogFormat.Template();
    boolean quoteAll = false;
    int i = 0;
    int n = format.length();
    while (i < n) {
      int pct = format.indexOf('%', i);
      if (pct < 0 || pct + 1 >= n) {
        t.text(format.substring(i));
        break;
      }
      t.text(format.substring(i, pct));
      i = pct + 1;
      if (format.charAt(i) == '%') {
        t.text("%");
        i++;
        continue;
      }
      String flags = "";
      if (format.charAt(i) == '{') {
        int close = format.indexOf('}', i);
        if (close < 0) {
          t.text(format.substring(pct));
          break;
        }
        flags = format.substring(i + 1, close);
        i = close + 1;
      }
      if (i < n && format.charAt(i) == '[') {
        int close = expressionEnd(format, i);
        String expr = format.substring(pct, close);
        quoted(t, quotes(flags, quoteAll), () -> t.missing(expr));
        i = close;
        continue;
      }
      int end = i;
      while (end < n && Character.isLetter(format.charAt(end))) {
        end++;
      }
      String alias = format.substring(i, end);
      i = end;
      if (alias.equals("o")) {
        quoteAll = quotes(flags, quoteAll);
        continue;
      }
      boolean quote = TEXT.contains(alias) && quotes(flags, quoteAll);
      quoted(t, quote, () -> t.field("%" + alias, ALIASES.get(alias)));
    }
    return t.build();
  }

  /** Whether a field with these flags is quoted, after {@code %o} set the default. */
  private static boolean quotes(String flags, boolean quoteAll) {
    return flags.contains("+Q") || (quoteAll && !flags.contains("-Q"));
  }

  private static void quoted(LogFormat.Template t, boolean quote, Runnable field) {
    if (quote) {
      t.text("\"");
    }
    field.run();
    if (quote) {
      t.text("\"");
    }
  }

  /** The index after the {@code ]} that closes the sample expression opened at {@code open}. */
  private static int expressionEnd(String s, int open) {
    int depth = 0;
    for (int i = open; i < s.length(); i++) {
      char c = s.charAt(i);
      if (c == '[') {
        depth++;
      } else if (c == ']' && --depth == 0) {
        return i + 1;
      }
    }
    return s.length();
  }
}
