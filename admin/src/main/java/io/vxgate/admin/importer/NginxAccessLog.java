package io.vxgate.admin.importer;

import io.vxgate.config.AccessLogConfig;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * nginx's {@code access_log} and {@code log_format} as vxgate's one node-wide {@code access-log}
 * (docs/migrating.md): the {@code http} level's log, else the first server's (then a location's),
 * is translated; logs of other servers and locations that differ from it, and their {@code
 * access_log off}, are reported as approximated, since every request goes to that one log.
 */
final class NginxAccessLog {
  private static final String DIRECTIVE = "access_log";

  private final Report report;
  private final Consumer<NginxDirective> used;

  NginxAccessLog(Report report, Consumer<NginxDirective> used) {
    this.report = report;
    this.used = used;
  }

  /** One {@code access_log} translated: where it goes, in which format, and how it differs. */
  private record Translated(
      NginxDirective directive, LogDestination to, LogFormat format, List<String> how) {}

  /** Writes the access log of the {@code http} level and {@code servers} into {@code out}. */
  void write(NginxScope http, List<NginxServer> servers, Output out) {
    Map<String, NginxDirective> formats = new LinkedHashMap<>();
    for (NginxDirective d : http.here("log_format")) {
      if (d.arg(0) != null) {
        formats.putIfAbsent(d.arg(0), d);
      }
    }
    // the levels that may hold the node's log, in the order they are chosen from
    List<List<NginxDirective>> levels = new ArrayList<>();
    levels.add(http.here(DIRECTIVE));
    for (NginxServer s : servers) {
      levels.add(s.scope.here(DIRECTIVE));
    }
    List<NginxDirective> nested = new ArrayList<>();
    for (NginxServer s : servers) {
      for (NginxDirective d : s.block.children()) {
        if (d.isBlock()) {
          nested(d, nested);
        }
      }
    }
    nested.forEach(d -> levels.add(List.of(d)));
    levels.forEach(l -> l.forEach(used));
    // the first line vxgate can write, of the first level that logs
    Set<NginxDirective> rejected = Collections.newSetFromMap(new IdentityHashMap<>());
    Translated node = null;
    int nodeIndex = -1;
    for (int i = 0; i < levels.size() && node == null; i++) {
      if (off(levels.get(i))) {
        continue;
      }
      for (NginxDirective d : levels.get(i)) {
        node = translate(d, formats);
        if (node != null) {
          nodeIndex = i;
          break;
        }
        rejected.add(d);
      }
    }
    if (node == null) {
      return;
    }
    List<NginxDirective> nodeLevel = levels.get(nodeIndex);
    write(node, out);
    NginxDirective from = node.directive();
    String where = from.source().toString();
    for (NginxDirective d : nodeLevel.subList(nodeLevel.indexOf(from) + 1, nodeLevel.size())) {
      report.approximated(
          d.source(), d.text(), "vxgate writes one access log: only that of " + where);
    }
    if (nodeIndex > 0) {
      report.approximated(
          from.source(),
          from.text(),
          "vxgate writes one access log, with every request (nginx: this "
              + (nested.contains(from) ? "location" : "server")
              + "'s only)");
    }
    for (int i = 0; i < levels.size(); i++) {
      List<NginxDirective> level = levels.get(i);
      if (i == nodeIndex || level.isEmpty() || same(level, nodeLevel)) {
        continue;
      }
      String whose =
          i == 0 ? "every server" : nested.contains(level.get(0)) ? "this location" : "this server";
      for (NginxDirective d : level) {
        if (rejected.contains(d)) {
          continue;
        }
        report.approximated(
            d.source(),
            d.text(),
            off(level)
                ? "vxgate logs the requests of " + whose + " too, in the access log of " + where
                : "vxgate writes one access log: the requests of "
                    + whose
                    + " go to that of "
                    + where
                    + (sameFormat(d, from) ? "" : ", in its format"));
      }
    }
  }

  private void write(Translated t, Output out) {
    out.accessLog(t.format(), t.to(), t.directive().source() + " " + t.directive().text());
    if (!t.how().isEmpty()) {
      report.approximated(t.directive().source(), t.directive().text(), String.join("; ", t.how()));
    }
  }

  /** The {@code access_log} directives inside a block of a server, at any depth. */
  private static void nested(NginxDirective block, List<NginxDirective> out) {
    for (NginxDirective d : block.children()) {
      if (d.name().equals(DIRECTIVE)) {
        out.add(d);
      } else if (d.isBlock()) {
        nested(d, out);
      }
    }
  }

  /** Whether a level turns logging off: {@code access_log off} cancels its others, as in nginx. */
  private static boolean off(List<NginxDirective> level) {
    return level.stream().anyMatch(d -> "off".equals(d.arg(0)));
  }

  /** Whether two {@code access_log} lines name the same format ({@code combined} when none). */
  private static boolean sameFormat(NginxDirective a, NginxDirective b) {
    return formatName(a).equals(formatName(b));
  }

  private static String formatName(NginxDirective d) {
    return d.arg(1) != null && !d.arg(1).contains("=") ? d.arg(1) : "combined";
  }

  /** Whether two levels log alike (the same lines, wherever written). */
  private static boolean same(List<NginxDirective> a, List<NginxDirective> b) {
    return a.stream()
        .map(NginxDirective::args)
        .toList()
        .equals(b.stream().map(NginxDirective::args).toList());
  }

  /**
   * One {@code access_log PATH [FORMAT [buffer=SIZE] [gzip[=LEVEL]] [flush=TIME] [if=COND]]}
   * translated, or null (reported) when vxgate cannot write there.
   */
  private @Nullable Translated translate(NginxDirective d, Map<String, NginxDirective> formats) {
    String path = d.arg(0);
    if (path == null) {
      report.unsupported(d.source(), d.text(), "no path");
      return null;
    }
    List<String> how = new ArrayList<>();
    LogDestination to = destination(d, path, how);
    if (to == null) {
      return null;
    }
    String name = formatName(d);
    for (String p : d.args().subList(name.equals(d.arg(1)) ? 2 : 1, d.args().size())) {
      if (p.equals("gzip") || p.startsWith("gzip=")) {
        how.add("written uncompressed");
      } else if (p.startsWith("if=")) {
        how.add("every request is logged (nginx: when " + p.substring(3) + " is not empty or 0)");
      }
      // buffer= and flush=: vxgate's writer thread batches lines itself
    }
    LogFormat format;
    NginxDirective def = formats.get(name);
    if (name.equals("combined")) {
      format = LogFormat.of(AccessLogConfig.Format.COMBINED, List.of());
    } else if (def == null) {
      format = LogFormat.of(AccessLogConfig.Format.COMBINED, List.of());
      how.add("log format " + name + " is not defined: written as combined");
    } else {
      used.accept(def);
      format = NginxLogFormat.translate(def);
      if (format.why() != null) {
        report.approximated(def.source(), def.text(), format.why());
      }
    }
    return new Translated(d, to, format, how);
  }

  private @Nullable LogDestination destination(NginxDirective d, String path, List<String> how) {
    if (path.startsWith("syslog:")) {
      Map<String, String> options = new LinkedHashMap<>();
      for (String o : path.substring("syslog:".length()).split(",", -1)) {
        int eq = o.indexOf('=');
        options.put(eq < 0 ? o : o.substring(0, eq), eq < 0 ? "" : o.substring(eq + 1));
      }
      String server = options.getOrDefault("server", "");
      if (server.startsWith("unix:")) {
        report.unsupported(
            d.source(),
            d.text(),
            "vxgate sends syslog over UDP only, not to a unix socket: give it a UDP syslog"
                + " input's HOST:PORT");
        return null;
      }
      String address = LogDestination.syslogAddress(server);
      if (address == null) {
        report.unsupported(d.source(), d.text(), "not a syslog server address: " + server);
        return null;
      }
      how.add(
          "vxgate sends RFC 5424 messages, facility local0, app-name vxgate (nginx: RFC 3164,"
              + " facility "
              + options.getOrDefault("facility", "local7")
              + ", tag "
              + options.getOrDefault("tag", "nginx")
              + "): syslog rules that select nginx's need changing");
      return LogDestination.syslog(address);
    }
    if (path.contains("$")) {
      report.unsupported(
          d.source(), d.text(), "vxgate writes one file: a path with variables is not supported");
      return null;
    }
    LogDestination stream = LogDestination.standardStream(path, how);
    if (stream != null) {
      return stream;
    }
    if (!path.startsWith("/")) {
      how.add("a relative path is read from the vxgate config's directory (nginx: its prefix)");
    }
    return LogDestination.file(path);
  }
}
