package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/**
 * The routes of one nginx {@code server}, as a {@link Decision} in nginx's phase order: the
 * server's rewrite directives ({@code if}, {@code return}, redirecting {@code rewrite}), then the
 * location choice ({@link NginxLocations}), then in the chosen location its own rewrite directives,
 * its access rules ({@code allow}/{@code deny}) and its content ({@code proxy_pass}).
 */
final class NginxRoutes {
  private static final Set<String> ACCESS = Set.of("allow", "deny");

  private final Report report;
  private final Consumer<NginxDirective> used;
  private final NginxProxy proxy;
  private final NginxConditions conditions;
  private final NginxServer server;

  NginxRoutes(
      Report report,
      Consumer<NginxDirective> used,
      NginxProxy proxy,
      NginxConditions conditions,
      NginxServer server) {
    this.report = report;
    this.used = used;
    this.proxy = proxy;
    this.conditions = conditions;
    this.server = server;
  }

  Decision decision() {
    Object o = rewrite(server.scope.own(), 0, server.label(), server.block, this::locations);
    return o instanceof Decision d ? d : new Decision().otherwise(o);
  }

  /** The rewrite directives from {@code i} on, then {@code tail}. */
  private Object rewrite(
      List<NginxDirective> ds, int i, String label, NginxDirective owner, Supplier<Object> tail) {
    for (int j = i; j < ds.size(); j++) {
      NginxDirective d = ds.get(j);
      switch (d.name()) {
        case "return", "rewrite" -> {
          if (d.name().equals("rewrite") && NginxRedirects.rewriteRedirect(d) == null) {
            used.accept(d);
            report.unsupported(d.source(), d.text(), "no request rewriting beyond strip-prefix");
            continue;
          }
          used.accept(d);
          RouteAction a = NginxRedirects.action(d, server, report);
          if (a != null) {
            return leaf(
                a, label + (a instanceof RouteAction.Redirect ? "-redirect" : "-return"), d);
          }
        }
        case "if" -> {
          used.accept(d);
          if (server.httpsRedirect != null && server.httpsRedirect.directives().contains(d)) {
            // $scheme = http: false on the TLS listeners this server's routes are for
            d.children().forEach(used);
            continue;
          }
          Object then = ifBody(d, label);
          if (then == null) {
            continue;
          }
          NginxConditions.Cond c = conditions.condition(d);
          if (c == null) {
            continue;
          }
          Object rest = rewrite(ds, j + 1, label, owner, tail);
          Decision dd = new Decision();
          for (Map.Entry<Match, Boolean> e : c.entries()) {
            dd.when(e.getKey(), e.getValue() ? then : rest);
          }
          dd.otherwise(c.fallback() ? then : rest);
          return dd;
        }
        case "set", "break" -> {
          used.accept(d);
          report.unsupported(d.source(), d.text(), "no request rewriting beyond strip-prefix");
        }
        default -> {}
      }
    }
    return tail.get();
  }

  /** The action inside {@code if (...) { return ...; }}, or null (with a note). */
  private @Nullable Object ifBody(NginxDirective d, String label) {
    List<NginxDirective> body = d.children();
    NginxDirective ret = null;
    for (NginxDirective b : body) {
      used.accept(b);
      if ((b.name().equals("return") || b.name().equals("rewrite")) && ret == null) {
        ret = b;
      } else {
        report.unsupported(
            b.source(), b.text(), "inside if, only return and redirects are translated");
      }
    }
    if (ret == null) {
      report.unsupported(d.source(), d.text(), "an if without return");
      return null;
    }
    RouteAction a = NginxRedirects.action(ret, server, report);
    return a == null ? null : leaf(a, label + "-if", d);
  }

  private Decision.Leaf leaf(RouteAction a, String label, NginxDirective d) {
    return new Decision.Leaf(a, label, d.source(), d.source() + " " + d.text());
  }

  private Decision locations() {
    Decision d = new Decision();
    List<NginxLocations.Entry<NginxLocation>> entries = NginxLocations.order(server.locations);
    boolean total = false;
    for (NginxLocations.Entry<NginxLocation> e : entries) {
      Object then;
      if (e.outcome() instanceof NginxLocations.Select<NginxLocation> s) {
        then = location(s.location().payload());
      } else if (e.outcome() instanceof NginxLocations.AddSlash<NginxLocation> a) {
        then = addSlash(a.location());
      } else {
        then = noLocation();
      }
      d.when(Match.path(e.condition()), then);
      total |=
          e.condition().atoms().size() == 1
              && e.condition().atoms().get(0) instanceof PathCondition.Prefix p
              && p.value().equals("/");
    }
    if (!total) {
      d.otherwise(noLocation());
    }
    return d;
  }

  private Object addSlash(String location) {
    NginxLocations.Outcome<NginxLocation> o = NginxLocations.find(server.locations, location);
    Source at = server.block.source();
    String label = server.label();
    if (o instanceof NginxLocations.Select<NginxLocation> s) {
      at = s.location().payload().block().source();
      label += "-" + s.location().payload().label();
    }
    return new Decision.Leaf(
        new RouteAction.Redirect(location, 301, false),
        label + "-slash",
        at,
        at
            + " "
            + location.substring(0, location.length() - 1)
            + " -> "
            + location
            + " (nginx adds the slash)");
  }

  private Decision.Leaf noLocation() {
    return new Decision.Leaf(
        new RouteAction.Return(404, null, null),
        server.label() + "-no-location",
        server.block.source(),
        server.block.source() + " server " + server.label() + ": no location matches");
  }

  private Object location(NginxLocation loc) {
    String label = server.label() + "-" + loc.label();
    return rewrite(
        loc.scope().own(),
        0,
        label,
        loc.block(),
        () -> access(loc, label, memo(() -> proxy.content(loc, server, label))));
  }

  /** {@code allow}/{@code deny} rules in order, then {@code content}. */
  private Object access(NginxLocation loc, String label, Supplier<Object> content) {
    List<NginxDirective> rules = loc.scope().group(ACCESS);
    if (rules.isEmpty()) {
      return content.get();
    }
    Decision d = new Decision();
    List<String> run = new ArrayList<>();
    // the first rule of the current run of allow or deny rules
    NginxDirective runStart = null;
    for (NginxDirective r : rules) {
      used.accept(r);
      String who = r.arg(0) == null ? "" : r.arg(0);
      if (!who.equals("all") && Cidrs.parse(who) == null) {
        report.unsupported(r.source(), r.text(), "not an address or network");
        continue;
      }
      if (runStart != null && (!runStart.name().equals(r.name()) || who.equals("all"))) {
        d.when(Match.source(run), accessThen(runStart.name(), content, label, runStart));
        run = new ArrayList<>();
        runStart = null;
      }
      if (who.equals("all")) {
        d.otherwise(accessThen(r.name(), content, label, r));
        return d;
      }
      if (runStart == null) {
        runStart = r;
      }
      run.add(who);
    }
    if (runStart != null) {
      d.when(Match.source(run), accessThen(runStart.name(), content, label, runStart));
    }
    d.otherwise(content.get());
    return d;
  }

  private static Supplier<Object> memo(Supplier<Object> s) {
    Object[] v = new Object[1];
    return () -> {
      if (v[0] == null) {
        v[0] = s.get();
      }
      return v[0];
    };
  }

  private Object accessThen(
      String kind, Supplier<Object> content, String label, NginxDirective at) {
    return kind.equals("allow")
        ? content.get()
        : new Decision.Leaf(
            new RouteAction.Return(403, null, null),
            label + "-deny",
            at.source(),
            at.source() + " " + at.text());
  }
}
