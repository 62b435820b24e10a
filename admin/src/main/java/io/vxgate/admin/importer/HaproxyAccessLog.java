package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy's {@code log} targets and log format ({@code option httplog}, {@code log-format}) as
 * vxgate's one node-wide {@code access-log} (docs/migrating.md): the first translated frontend that
 * logs gives its first target that takes request logs (level {@code info}) and its format; other
 * frontends that log otherwise, or not at all, are reported as approximated.
 */
final class HaproxyAccessLog {
  /** The lines that choose a proxy's log format; HAProxy keeps the last. */
  private static final Set<String> FORMATS =
      Set.of("log-format", "option httplog", "option httpslog", "option tcplog");

  /** Syslog levels that let HAProxy's request logs (level info) through. */
  private static final Set<String> INFO = Set.of("info", "debug");

  private final Report report;
  private final Consumer<HaproxyConf.Line> used;

  HaproxyAccessLog(Report report, Consumer<HaproxyConf.Line> used) {
    this.report = report;
    this.used = used;
  }

  /**
   * How a proxy logs: its {@code log} lines, their targets ({@code log global} expanded) and its
   * format line or null.
   */
  private record Setting(
      List<HaproxyConf.Line> lines,
      List<HaproxyConf.Line> targets,
      HaproxyConf.@Nullable Line format) {
    boolean sameAs(Setting o) {
      return targets.equals(o.targets) && Objects.equals(format, o.format);
    }
  }

  /** The node's log: the proxy and target it comes from, where it goes and how that differs. */
  private record Chosen(
      HaproxyProxy proxy,
      Setting setting,
      HaproxyConf.Line target,
      LogDestination to,
      List<String> how) {}

  /** Writes the access log of the frontends that serve requests ({@code served}, in file order). */
  void write(List<HaproxyConf.Section> sections, List<HaproxyProxy> served, Output out) {
    List<HaproxyConf.Line> global = new ArrayList<>();
    String tag = "haproxy";
    for (HaproxyConf.Section s : sections) {
      if (s.kind().equals("global")) {
        for (HaproxyConf.Line l : s.lines()) {
          if (l.keyword().equals("log")) {
            global.add(l);
          } else if (l.keyword().equals("log-tag") && l.word(1) != null) {
            tag = l.word(1);
          }
        }
      }
    }
    List<Setting> settings = new ArrayList<>();
    Chosen chosen = null;
    for (HaproxyProxy p : served) {
      Setting s = setting(p, global);
      settings.add(s);
      s.lines().forEach(used);
      if (s.format() != null) {
        used.accept(s.format());
      }
      for (HaproxyConf.Line t : s.targets()) {
        used.accept(t);
        if (!takesRequests(t)) {
          report.ignored(
              t.source(),
              t.text(),
              "its level "
                  + word(t, 1)
                  + " lets no request log through (HAProxy logs requests at info); vxgate's own"
                  + " log: docs/operations.md");
        } else if (chosen == null) {
          List<String> how = new ArrayList<>();
          LogDestination to = destination(t, tag, how);
          if (to != null) {
            chosen = new Chosen(p, s, t, to, how);
          }
        }
      }
    }
    if (chosen == null) {
      return;
    }
    List<String> how = new ArrayList<>(chosen.how());
    HaproxyConf.Line f = chosen.setting().format();
    LogFormat format =
        f == null
            ? HaproxyLogFormat.option(null, false)
            : f.keyword().equals("log-format")
                ? HaproxyLogFormat.translate(
                    String.join(" ", f.words().subList(1, f.words().size())))
                : HaproxyLogFormat.option(f.word(1), f.words().contains("clf"));
    String comment = chosen.target().source() + " " + chosen.target().text();
    if (f != null) {
      comment += ", " + f.source() + " " + f.text();
      if (format.why() != null) {
        report.approximated(f.source(), f.text(), format.why());
      }
    } else {
      how.add(format.why());
    }
    out.accessLog(format, chosen.to(), comment);
    if (!how.isEmpty()) {
      report.approximated(chosen.target().source(), chosen.target().text(), String.join("; ", how));
    }
    notes(chosen, served, settings);
  }

  /** The notes on the targets, options and frontends that the node's one log does not follow. */
  private void notes(Chosen chosen, List<HaproxyProxy> served, List<Setting> settings) {
    String where = chosen.target().source().toString();
    boolean after = false;
    for (HaproxyConf.Line t : chosen.setting().targets()) {
      if (!takesRequests(t)) {
        continue;
      }
      if (after) {
        report.approximated(
            t.source(),
            t.text(),
            "vxgate sends its access log to one destination: that of " + where);
      }
      after |= t.equals(chosen.target());
    }
    for (int i = 0; i < served.size(); i++) {
      HaproxyProxy p = served.get(i);
      Setting s = settings.get(i);
      HaproxyConf.Line head = p.section.head();
      if (p != chosen.proxy() && !s.sameAs(chosen.setting())) {
        report.approximated(
            head.source(),
            head.text(),
            s.targets().stream().noneMatch(HaproxyAccessLog::takesRequests)
                ? "vxgate logs this frontend's requests too, in the access log of " + where
                : "vxgate writes one access log: this frontend's requests go to that of "
                    + where
                    + (Objects.equals(s.format(), chosen.setting().format())
                        ? ""
                        : ", in its format"));
      }
      HaproxyConf.Line quiet = p.option("dontlog-normal");
      if (quiet != null) {
        used.accept(quiet);
        report.approximated(
            quiet.source(), quiet.text(), "vxgate logs every request (HAProxy: the failed ones)");
      }
      for (HaproxyConf.Line c : p.own("capture")) {
        used.accept(c);
        report.approximated(
            c.source(),
            c.text(),
            "vxgate's lines have no captured headers ($user_agent, $referer and $host are fields"
                + " of a custom template)");
      }
    }
  }

  /**
   * A proxy's log targets: its own {@code log} lines, else its defaults' ({@code no log}: none),
   * with {@code log global} replaced by the global section's; and its last format line, its own
   * else its defaults'.
   */
  private static Setting setting(HaproxyProxy p, List<HaproxyConf.Line> global) {
    List<HaproxyConf.Line> lines = logLines(p.section.lines());
    if (lines.isEmpty()) {
      lines = logLines(p.defaults);
    }
    List<HaproxyConf.Line> targets = new ArrayList<>();
    for (HaproxyConf.Line l : lines) {
      if (l.keyword().equals("no")) {
        return new Setting(lines, List.of(), format(p));
      }
      if ("global".equals(l.word(1))) {
        targets.addAll(global);
      } else {
        targets.add(l);
      }
    }
    return new Setting(lines, List.copyOf(targets), format(p));
  }

  private static List<HaproxyConf.Line> logLines(List<HaproxyConf.Line> lines) {
    return lines.stream()
        .filter(
            l ->
                l.keyword().equals("log")
                    || (l.keyword().equals("no")
                        && "log".equals(l.word(1))
                        && l.words().size() == 2))
        .toList();
  }

  private static HaproxyConf.@Nullable Line format(HaproxyProxy p) {
    HaproxyConf.Line last = null;
    for (HaproxyConf.Line l : p.section.lines()) {
      if (FORMATS.contains(HaproxyProxy.key(l))) {
        last = l;
      }
    }
    if (last == null) {
      for (HaproxyConf.Line l : p.defaults) {
        if (FORMATS.contains(HaproxyProxy.key(l))) {
          last = l;
        }
      }
    }
    // no option httplog: HAProxy's default connection lines
    return last == null || last.keyword().equals("no") ? null : last;
  }

  /**
   * Whether a {@code log TARGET [len N] [format F] [sample R:S] FACILITY [LEVEL [MINLEVEL]]} line
   * gets request logs: HAProxy sends them at level info.
   */
  private static boolean takesRequests(HaproxyConf.Line l) {
    String level = word(l, 1);
    return level == null || INFO.contains(level);
  }

  /**
   * The word of a {@code log} line at {@code index} after its target's options: 0 the facility, 1
   * the level.
   */
  private static @Nullable String word(HaproxyConf.Line l, int index) {
    List<String> w = l.words();
    int i = 2;
    while (i + 1 < w.size() && Set.of("len", "format", "sample").contains(w.get(i))) {
      i += 2;
    }
    return i + index < w.size() ? w.get(i + index) : null;
  }

  /**
   * The destination of a target, with how it differs in {@code how}; null (reported) when vxgate
   * cannot send there.
   */
  private @Nullable LogDestination destination(HaproxyConf.Line l, String tag, List<String> how) {
    String target = l.word(1);
    if (target == null) {
      report.unsupported(l.source(), l.text(), "no target");
      return null;
    }
    LogDestination stream = LogDestination.standardStream(target, how);
    if (stream != null) {
      return stream;
    }
    if (target.startsWith("/") || target.startsWith("unix@")) {
      how.add(
          "vxgate does not write to a unix syslog socket: the lines go to standard output (under"
              + " systemd, to the journal: journalctl -u vxgate); for a syslog server, set"
              + " syslog: HOST:PORT of its UDP input");
      return LogDestination.stdout();
    }
    if (target.matches("(tcp[46]?|ring)@.*")) {
      report.unsupported(
          l.source(), l.text(), "vxgate sends syslog over UDP only: give a UDP HOST:PORT");
      return null;
    }
    String address = LogDestination.syslogAddress(target.replaceFirst("^(udp[46]?|ipv[46])@", ""));
    if (address == null) {
      report.unsupported(l.source(), l.text(), "not a syslog server address: " + target);
      return null;
    }
    int f = l.words().indexOf("format");
    String format = f > 1 && f + 1 < l.words().size() ? l.word(f + 1) : "rfc3164";
    how.add(
        "vxgate sends RFC 5424 messages, facility local0, app-name vxgate (HAProxy: "
            + format
            + ", facility "
            + word(l, 0)
            + ", tag "
            + tag
            + "): syslog rules that select HAProxy's need changing");
    return LogDestination.syslog(address);
  }
}
