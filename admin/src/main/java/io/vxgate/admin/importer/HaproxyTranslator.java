package io.vxgate.admin.importer;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;

/**
 * Translates a HAProxy config into a vxgate config: {@code backend} and {@code listen} sections
 * into upstreams, {@code bind} lines into listeners, and each frontend's rules into routes
 * (docs/migrating.md). Whatever is not translated exactly is noted in the {@link Report}.
 */
final class HaproxyTranslator {
  private final Report report;
  private final Path baseDir;
  private final Set<HaproxyConf.Line> used = Collections.newSetFromMap(new IdentityHashMap<>());
  private final Output out = new Output();

  HaproxyTranslator(Report report, Path baseDir) {
    this.report = report;
    this.baseDir = baseDir;
  }

  Output translate(List<HaproxyConf.Section> sections) {
    HaproxyAcls acls = new HaproxyAcls(report, baseDir);
    HaproxyFrontends.Global global = global(sections);
    List<HaproxyProxy> proxies = new ArrayList<>();
    Map<String, List<HaproxyConf.Line>> namedDefaults = new LinkedHashMap<>();
    List<HaproxyConf.Line> defaults = List.of();
    List<HaproxyConf.Section> other = new ArrayList<>();
    for (HaproxyConf.Section s : sections) {
      switch (s.kind()) {
        case "defaults" -> {
          defaults = s.lines();
          int from = s.head().words().indexOf("from");
          if (from > 0 && from + 1 < s.head().words().size()) {
            // the inherited lines first: HaproxyProxy reads the last line of a key
            List<HaproxyConf.Line> merged =
                new ArrayList<>(namedDefaults.getOrDefault(s.head().word(from + 1), List.of()));
            merged.addAll(s.lines());
            defaults = merged;
          }
          if (s.name() != null && !s.name().equals("from")) {
            namedDefaults.put(s.name(), defaults);
          }
        }
        case "frontend", "backend", "listen" -> {
          List<HaproxyConf.Line> d = defaults;
          int from = s.head().words().indexOf("from");
          if (from > 0 && from + 1 < s.head().words().size()) {
            d = namedDefaults.getOrDefault(s.head().word(from + 1), defaults);
          }
          HaproxyProxy p = new HaproxyProxy(s, d, acls.forProxy());
          for (HaproxyConf.Line l : s.lines()) {
            if (l.keyword().equals("acl")) {
              p.acls.define(l);
            }
          }
          proxies.add(p);
        }
        case "global" -> {}
        default -> other.add(s);
      }
    }
    HaproxyBackends backends = new HaproxyBackends(report, used::add, baseDir);
    for (HaproxyProxy p : proxies) {
      if (p.backendSide() && !statsOnly(p)) {
        backends.write(p, out);
      }
      forwardfor(p);
    }
    HaproxyFrontends frontends = new HaproxyFrontends(report, used::add, backends, baseDir, global);
    List<HaproxyFrontends.Routes> routes = new ArrayList<>();
    List<HaproxyProxy> served = new ArrayList<>();
    for (HaproxyProxy p : proxies) {
      if (p.frontendSide()) {
        int listeners = out.listeners().size();
        HaproxyFrontends.Routes r = frontends.write(p, out);
        if (r != null) {
          routes.add(r);
        }
        if (out.listeners().size() > listeners) {
          served.add(p);
        }
      }
    }
    new HaproxyAccessLog(report, used::add).write(sections, served, out);
    for (int i = 0; i < routes.size(); i++) {
      HaproxyFrontends.Routes r = routes.get(i);
      monitorUri(r.proxy());
      if (i > 0) {
        HaproxyConf.Line head = r.proxy().section.head();
        report.approximated(
            head.source(),
            head.text(),
            "vxgate routes do not depend on the listener: this frontend's routes come after "
                + routes.get(0).proxy().name()
                + "'s, whose default takes every request they do not");
      }
      Object d = r.decision();
      Decision top = d instanceof Decision x ? x : new Decision().otherwise(d);
      for (Decision.Flat f : top.flatten(Match.ANY)) {
        out.route(f);
      }
    }
    if (out.listeners().isEmpty()) {
      out.noListeners();
    }
    for (HaproxyConf.Section s : other) {
      HaproxyCatalog.report(report, s.head());
      used.addAll(s.lines());
    }
    unused(sections);
    return out;
  }

  private static boolean statsOnly(HaproxyProxy p) {
    return p.section.lines().stream().anyMatch(l -> l.keyword().equals("stats"))
        && p.section.lines().stream().noneMatch(l -> l.keyword().equals("server"));
  }

  /** {@code monitor-uri /path}: HAProxy answers 200 there itself; a route placed first does. */
  private void monitorUri(HaproxyProxy p) {
    HaproxyConf.Line m = p.get("monitor-uri");
    if (m == null || m.word(1) == null || !m.word(1).startsWith("/")) {
      return;
    }
    used.add(m);
    out.routes()
        .add(
            0,
            new Decision.Flat(
                Match.path(PathCondition.of(new PathCondition.Exact(m.word(1), false))),
                new Decision.Leaf(
                    new RouteAction.Return(200, null, null),
                    Names.sanitize(p.name()) + "-monitor",
                    m.source(),
                    m.source() + " " + m.text())));
  }

  /** {@code option forwardfor}: vxgate adds X-Forwarded-For itself. */
  private void forwardfor(HaproxyProxy p) {
    HaproxyConf.Line f = p.option("forwardfor");
    if (f == null) {
      return;
    }
    used.add(f);
    int header = f.words().indexOf("header");
    if (header > 0
        && header + 1 < f.words().size()
        && !f.words().get(header + 1).equalsIgnoreCase("X-Forwarded-For")) {
      report.unsupported(
          f.source(), f.text(), "vxgate sends the client address in X-Forwarded-For and X-Real-IP");
    }
  }

  private HaproxyFrontends.Global global(List<HaproxyConf.Section> sections) {
    Path crtBase = null;
    // HAProxy's defaults since 2.2: TLSv1.2 to TLSv1.3
    List<String> versions = List.of("TLSv1.2", "TLSv1.3");
    HaproxyConf.Line versionsLine = null;
    HaproxyConf.Line ciphers = null;
    HaproxyConf.Line ciphersuites = null;
    boolean noTickets = false;
    for (HaproxyConf.Section s : sections) {
      if (!s.kind().equals("global")) {
        continue;
      }
      used.add(s.head());
      for (HaproxyConf.Line l : s.lines()) {
        switch (l.keyword()) {
          case "crt-base" -> {
            used.add(l);
            crtBase = l.word(1) == null ? null : baseDir.resolve(l.word(1));
          }
          case "ssl-default-bind-options" -> {
            used.add(l);
            List<String> w = l.words();
            for (int i = 1; i < w.size(); i++) {
              String o = w.get(i);
              if ((o.equals("ssl-min-ver") || o.equals("ssl-max-ver")) && i + 1 < w.size()) {
                versions = HaproxyFrontends.versions(versions, o, w.get(++i));
                versionsLine = l;
              } else if (o.equals("no-tls-tickets")) {
                noTickets = true;
              } else if (o.matches("no-(sslv3|tlsv1[0-3])")) {
                versions = HaproxyFrontends.versions(versions, o, null);
                versionsLine = l;
              }
            }
          }
          case "ssl-default-bind-ciphers" -> ciphers = l;
          case "ssl-default-bind-ciphersuites" -> ciphersuites = l;
          default -> {}
        }
      }
    }
    return new HaproxyFrontends.Global(
        crtBase, versions, versionsLine, ciphers, ciphersuites, noTickets);
  }

  private void unused(List<HaproxyConf.Section> sections) {
    for (HaproxyConf.Section s : sections) {
      for (HaproxyConf.Line l : s.lines()) {
        if (!used.contains(l)) {
          HaproxyCatalog.report(report, l);
        }
      }
    }
  }
}
