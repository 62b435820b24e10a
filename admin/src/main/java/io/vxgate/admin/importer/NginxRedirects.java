package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * nginx's {@code return} and redirecting {@code rewrite} as route actions, and the "redirect every
 * plain request to https" idioms that become a listener's {@code redirect-https}.
 */
final class NginxRedirects {
  /** {@code rewrite} forms that redirect every request keeping its URI. */
  private static final Pattern REWRITE_ALL =
      Pattern.compile("\\^|\\^\\(\\.\\*\\)\\$?|\\^/\\(\\.\\*\\)\\$?|\\^\\.\\*\\$?|\\^/");

  private static final Pattern TARGET =
      Pattern.compile(
          "(https?|\\$scheme)://(\\$host|\\$http_host|\\$server_name|[A-Za-z0-9.-]+)(?::([0-9]+))?"
              + "(/[^$?]*)?(\\$request_uri|\\$uri\\$is_args\\$args|\\$uri|\\$1|/\\$1)?\\??");

  private NginxRedirects() {}

  /** A redirect target parsed from a URL with nginx variables. */
  record Target(
      String scheme, String host, @Nullable Integer port, @Nullable String path, boolean keepPath) {
    String location() {
      String p = path == null ? "" : path;
      return scheme + "://" + host + (port == null ? "" : ":" + port) + p;
    }
  }

  /** Parses {@code https://$host$request_uri} and the like; null when it has other variables. */
  static @Nullable Target target(String url) {
    Matcher m = TARGET.matcher(url);
    if (!m.matches()) {
      return null;
    }
    String host = m.group(2);
    if (host.equals("$http_host") || host.equals("$server_name")) {
      host = "$host";
    }
    return new Target(
        m.group(1),
        host,
        m.group(3) == null ? null : Integer.parseInt(m.group(3)),
        m.group(4),
        m.group(5) != null);
  }

  /** A {@code rewrite REGEX URL FLAG} that redirects every request, as {@code [status, url]}. */
  static String @Nullable [] rewriteRedirect(NginxDirective d) {
    if (d.args().size() < 2) {
      return null;
    }
    String flag = d.args().size() > 2 ? d.args().get(2) : "";
    String url = d.args().get(1);
    boolean absolute =
        url.startsWith("http://") || url.startsWith("https://") || url.startsWith("$scheme://");
    int status =
        switch (flag) {
          case "permanent" -> 301;
          case "redirect" -> 302;
          case "" -> absolute ? 302 : 0;
          default -> 0;
        };
    if (status == 0 || !REWRITE_ALL.matcher(d.args().get(0)).matches()) {
      return null;
    }
    if (d.args().get(0).contains("(") && !url.contains("$1")) {
      return null;
    }
    return new String[] {
      String.valueOf(status), url.replace("/$1", "$request_uri").replace("$1", "$request_uri")
    };
  }

  /**
   * The action of {@code return ...} (or of a redirecting {@code rewrite}); null, with a note, when
   * it cannot be expressed.
   */
  static @Nullable RouteAction action(NginxDirective d, NginxServer s, Report report) {
    int status;
    String arg;
    if (d.name().equals("rewrite")) {
      String[] r = rewriteRedirect(d);
      if (r == null) {
        report.unsupported(d.source(), d.text(), "no request rewriting beyond strip-prefix");
        return null;
      }
      status = Integer.parseInt(r[0]);
      arg = r[1];
    } else if (d.args().size() == 1 && !d.args().get(0).matches("[0-9]{3}")) {
      status = 302;
      arg = d.arg(0);
    } else if (d.args().isEmpty() || !d.args().get(0).matches("[0-9]{3}")) {
      report.unsupported(d.source(), d.text(), "not a status");
      return null;
    } else {
      status = Integer.parseInt(d.arg(0));
      arg = d.arg(1);
    }
    if (status == 444) {
      report.approximated(
          d.source(), d.text(), "vxgate answers 444 instead of closing the connection");
    }
    boolean redirect =
        status == 301 || status == 302 || status == 303 || status == 307 || status == 308;
    if (!redirect) {
      if (status < 200 || status > 599) {
        report.unsupported(d.source(), d.text(), "status " + status);
        return null;
      }
      if (arg != null && arg.contains("$")) {
        report.approximated(
            d.source(), d.text(), "the body is written as it is, without its variables");
      }
      return new RouteAction.Return(status, arg, null);
    }
    if (status == 303) {
      report.approximated(d.source(), d.text(), "vxgate redirects with 302 (not 303)");
      status = 302;
    }
    if (arg == null) {
      report.unsupported(d.source(), d.text(), "a redirect without a location");
      return null;
    }
    if (arg.startsWith("/") && !arg.contains("$")) {
      return new RouteAction.Redirect(arg, status, false);
    }
    if (arg.startsWith("/") && (arg.endsWith("$request_uri") || arg.endsWith("$uri"))) {
      String base = arg.substring(0, arg.lastIndexOf('$'));
      if (!base.contains("$")) {
        return new RouteAction.Redirect(base.isEmpty() ? "/" : base, status, true);
      }
    }
    Target t = target(arg);
    if (t == null) {
      report.unsupported(
          d.source(), d.text(), "a redirect location with variables vxgate cannot fill in");
      return null;
    }
    String scheme = t.scheme();
    if (scheme.equals("$scheme")) {
      scheme = s.listensTls() && !s.listensPlain() ? "https" : "http";
      if (s.listensTls() && s.listensPlain()) {
        report.approximated(
            d.source(),
            d.text(),
            "$scheme written as http (the server listens with and without TLS)");
      }
    }
    String path = t.path();
    if (t.keepPath() && path != null && path.endsWith("/")) {
      path = path.substring(0, path.length() - 1);
    }
    String location =
        scheme
            + "://"
            + t.host()
            + (t.port() == null ? "" : ":" + t.port())
            + (path == null ? "" : path);
    return new RouteAction.Redirect(location, status, t.keepPath());
  }

  /**
   * The https idiom of a server, when its rewrite phase sends every request (or every plain one) to
   * {@code https://$host$request_uri}.
   */
  static NginxServer.@Nullable RedirectIdiom httpsIdiom(NginxServer s, Report report) {
    List<NginxDirective> directives = new ArrayList<>();
    // certbot's "if ($host = name) { return 301 https://...; }" before its "return 404": the
    // redirect of the first such if
    int[] certbot = null;
    for (NginxDirective d : s.scope.own()) {
      switch (d.name()) {
        case "return", "rewrite" -> {
          int[] r = httpsRedirect(d, s);
          if (r != null) {
            directives.add(d);
            return new NginxServer.RedirectIdiom(r[0], r[1], false, directives);
          }
          if (certbot != null && d.name().equals("return")) {
            directives.add(d);
            return new NginxServer.RedirectIdiom(certbot[0], certbot[1], false, directives);
          }
          return null;
        }
        case "if" -> {
          String cond = String.join(" ", d.args());
          boolean plainTest =
              cond.matches("\\$scheme\\s*(=\\s*\"?http\"?|!=\\s*\"?https\"?)")
                  || cond.matches("\\$https\\s*(=\\s*\"?\"?|!=\\s*\"?on\"?)")
                  || cond.matches("\\$server_port\\s*=\\s*\"?80\"?");
          boolean hostTest = cond.matches("\\$host\\s*=\\s*\\S+");
          if (d.children().size() != 1 || (!plainTest && !hostTest)) {
            return null;
          }
          int[] r = httpsRedirect(d.children().get(0), s);
          if (r == null) {
            return null;
          }
          directives.add(d);
          if (plainTest) {
            return new NginxServer.RedirectIdiom(r[0], r[1], true, directives);
          }
          if (certbot == null) {
            certbot = r;
          }
        }
        default -> {
          if (d.name().equals("set") || d.name().equals("break")) {
            return null;
          }
        }
      }
    }
    return null;
  }

  /**
   * {@code [port, status]} when {@code d} redirects to https keeping the request's host and URI.
   */
  private static int @Nullable [] httpsRedirect(NginxDirective d, NginxServer s) {
    int status;
    String url;
    if (d.name().equals("rewrite")) {
      String[] r = rewriteRedirect(d);
      if (r == null) {
        return null;
      }
      status = Integer.parseInt(r[0]);
      url = r[1];
    } else if (d.name().equals("return")
        && d.args().size() == 2
        && d.args().get(0).matches("30[1278]")) {
      status = Integer.parseInt(d.args().get(0));
      url = d.args().get(1);
    } else {
      return null;
    }
    Target t = target(url);
    if (t == null || !t.scheme().equals("https") || !t.keepPath() || t.path() != null) {
      return null;
    }
    boolean sameHost = t.host().equals("$host");
    if (!sameHost) {
      // a literal host is the same as $host when it is the server's only name
      List<NginxServer.Name> exact =
          s.names.stream().filter(n -> n.kind() == NginxServer.NameKind.EXACT).toList();
      sameHost = s.names.size() == 1 && exact.size() == 1 && exact.get(0).value().equals(t.host());
    }
    if (!sameHost) {
      return null;
    }
    return new int[] {t.port() == null ? 443 : t.port(), status};
  }

  /** A redirect to {@code $host} made concrete with the route's host, when it has one. */
  static Decision.Flat resolveHost(Decision.Flat f, NginxServer s, Report report) {
    if (!(f.leaf().action() instanceof RouteAction.Redirect r) || !r.location().contains("$host")) {
      return f;
    }
    String host = f.match().host();
    if (host == null || host.startsWith("*.")) {
      host = null;
      for (NginxServer.Name n : s.names) {
        if (n.kind() == NginxServer.NameKind.EXACT) {
          host = n.value();
          break;
        }
      }
      Source at = f.leaf().source();
      report.approximated(
          at,
          "redirect to $host",
          host == null
              ? "no host to redirect to: written as localhost"
              : "vxgate redirects have a fixed host: " + host + " for every name of the server");
      if (host == null) {
        host = "localhost";
      }
    }
    RouteAction.Redirect fixed =
        new RouteAction.Redirect(r.location().replace("$host", host), r.status(), r.keepPath());
    Decision.Leaf l = f.leaf();
    return new Decision.Flat(
        f.match(), new Decision.Leaf(fixed, l.label(), l.source(), l.comment()));
  }
}
