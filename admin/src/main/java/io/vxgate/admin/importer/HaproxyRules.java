package io.vxgate.admin.importer;

import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy rules that answer a request themselves ({@code http-request redirect|deny|return}, {@code
 * redirect}) and the header rules ({@code http-request set-header} ...), as route actions.
 */
final class HaproxyRules {
  private HaproxyRules() {}

  /** An answering rule: its action, a label for the route name, and its condition words. */
  record Answer(RouteAction action, String label, List<String> condition) {}

  static @Nullable Answer answer(HaproxyConf.Line l, Report report) {
    List<String> w = l.words();
    int start = l.keyword().equals("http-request") ? 1 : 0;
    String verb =
        l.keyword().equals("block")
            ? "deny"
            : l.keyword().equals("redirect") ? "redirect" : w.get(start);
    int args = l.keyword().equals("block") ? 1 : start + 1;
    int cond = args;
    while (cond < w.size() && !w.get(cond).equals("if") && !w.get(cond).equals("unless")) {
      cond++;
    }
    List<String> a = w.subList(args, cond);
    List<String> condition = w.subList(cond, w.size());
    switch (verb) {
      case "redirect" -> {
        String type = a.isEmpty() ? "" : a.get(0);
        String target = a.size() > 1 ? a.get(1) : "";
        int status = 302;
        int code = a.indexOf("code");
        if (code >= 0 && code + 1 < a.size() && a.get(code + 1).matches("30[123478]")) {
          status = Integer.parseInt(a.get(code + 1));
        }
        if (status == 303) {
          report.approximated(l.source(), l.text(), "vxgate redirects with 302 (not 303)");
          status = 302;
        }
        if (target.contains("%[") || target.contains("%{")) {
          report.unsupported(
              l.source(), l.text(), "a location made of fetches has no vxgate equivalent");
          return null;
        }
        boolean absolute = target.startsWith("http://") || target.startsWith("https://");
        if (!absolute && !target.startsWith("/")) {
          report.unsupported(l.source(), l.text(), "redirect " + type + " " + target);
          return null;
        }
        if (a.contains("drop-query") && type.equals("prefix")) {
          report.approximated(
              l.source(), l.text(), "keep-path keeps the query (drop-query dropped)");
        }
        return switch (type) {
          case "location" ->
              new Answer(new RouteAction.Redirect(target, status, false), "redirect", condition);
          case "prefix" ->
              new Answer(
                  new RouteAction.Redirect(
                      target.endsWith("/") && target.length() > 1
                          ? target.substring(0, target.length() - 1)
                          : target,
                      status,
                      true),
                  "redirect",
                  condition);
          default -> {
            report.unsupported(
                l.source(),
                l.text(),
                "redirect scheme with this condition: vxgate redirects a whole listener (redirect-https)");
            yield null;
          }
        };
      }
      case "deny", "reject", "tarpit" -> {
        int status = verb.equals("tarpit") ? 500 : 403;
        int ds = a.indexOf("deny_status");
        if (ds >= 0 && ds + 1 < a.size() && a.get(ds + 1).matches("[2-5][0-9][0-9]")) {
          status = Integer.parseInt(a.get(ds + 1));
        }
        if (!verb.equals("deny")) {
          report.approximated(
              l.source(),
              l.text(),
              verb.equals("reject")
                  ? "vxgate answers 403 instead of closing the connection"
                  : "vxgate answers 500 at once (no tarpit)");
        }
        return new Answer(new RouteAction.Return(status, null, null), verb, condition);
      }
      case "return" -> {
        int status = 200;
        String body = null;
        String type = null;
        for (int i = 0; i + 1 < a.size(); i++) {
          switch (a.get(i)) {
            case "status" -> {
              if (a.get(i + 1).matches("[2-5][0-9][0-9]")) {
                status = Integer.parseInt(a.get(++i));
              }
            }
            case "string", "lf-string" -> body = a.get(++i);
            case "content-type" -> type = a.get(++i);
            case "file", "lf-file", "errorfile", "errorfiles" -> {
              i++;
              report.approximated(
                  l.source(), l.text(), "the body file is left out (vxgate returns a text body)");
            }
            default -> {}
          }
        }
        return new Answer(new RouteAction.Return(status, body, type), "return", condition);
      }
      default -> {
        report.unsupported(l.source(), l.text(), "no vxgate equivalent");
        return null;
      }
    }
  }

  /** A {@code set-header}, {@code add-header} or {@code del-header} rule into {@code changes}. */
  static void header(
      HaproxyConf.Line l,
      @Nullable Boolean sslFc,
      HaproxyProxy.HeaderChanges changes,
      Report report) {
    boolean response = !l.keyword().equals("http-request");
    // set-header, add-header or del-header: the callers pass no other
    String verb = l.words().get(1);
    String name = l.word(2) == null ? "" : l.word(2);
    int cond = 3;
    List<String> w = l.words();
    while (cond < w.size() && !w.get(cond).equals("if") && !w.get(cond).equals("unless")) {
      cond++;
    }
    String value = verb.equals("del-header") ? null : (w.size() > 3 ? w.get(3) : "");
    String condition = String.join(" ", w.subList(cond, w.size()));
    if (!response && builtIn(name, value, condition)) {
      return;
    }
    if (!condition.isEmpty()) {
      report.unsupported(
          l.source(), l.text(), "a conditional header change has no vxgate equivalent");
      return;
    }
    if (value != null && (value.contains("%[") || value.contains("%{"))) {
      report.unsupported(
          l.source(), l.text(), "a header value made of fetches has no vxgate equivalent");
      return;
    }
    if (verb.equals("del-header")) {
      (response ? changes.removeResponse() : changes.removeRequest()).add(name);
      return;
    }
    (response ? changes.setResponse() : changes.setRequest()).put(name, value);
    if (verb.equals("add-header")) {
      report.approximated(
          l.source(), l.text(), "vxgate sets the header (replacing a value the request had)");
    }
  }

  /** The X-Forwarded-* and X-Real-IP idioms, which vxgate does itself. */
  private static boolean builtIn(String name, @Nullable String value, String condition) {
    String n = name.toLowerCase(Locale.ROOT);
    String v = value == null ? "" : value.toLowerCase(Locale.ROOT);
    return switch (n) {
      case "x-forwarded-proto" ->
          (v.equals("https") && condition.matches("if \\{ ssl_fc \\}"))
              || (v.equals("http") && condition.matches("if !\\{ ssl_fc \\}|unless \\{ ssl_fc \\}"))
              || v.equals("%[ssl_fc,iif(https,http)]");
      case "x-real-ip", "x-forwarded-for", "x-client-ip" ->
          v.equals("%[src]") && condition.isEmpty();
      case "x-forwarded-host" ->
          (v.equals("%[req.hdr(host)]") || v.equals("%[hdr(host)]")) && condition.isEmpty();
      case "x-forwarded-port" -> false;
      default -> false;
    };
  }
}
