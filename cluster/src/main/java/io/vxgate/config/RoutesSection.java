package io.vxgate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code routes:} (docs/configuration.md, section "routes"): each route's name, action
 * ({@code upstream}, {@code redirect} or {@code return}), header changes and own {@code retries},
 * {@code retry-on} and {@code timeouts} (read as an upstream's, with nothing for an absent key)
 * here, its {@code match} in {@link MatchSection}.
 */
final class RoutesSection {
  static final String REDIRECT_STATUS = "301, 302, 307 or 308";
  static final String LOCATION = "an absolute http(s) URL or a path starting with '/'";
  private static final List<String> ACTIONS = List.of("upstream", "redirect", "return");

  /** The keys that change how a route uses its upstream, allowed only with {@code upstream}. */
  private static final List<String> UPSTREAM_KEYS =
      List.of("retries", "retry-on", "timeouts", "limits");

  private RoutesSection() {}

  /**
   * @param upstreams the upstream names written in the config, which {@code upstream:} may name
   * @param limits the policy names written in {@code limits:}, which a route's {@code limits:} may
   *     name
   * @param geoip whether the config has a {@code geoip} section (valid or not), which {@code
   *     country} matches need
   */
  static List<RouteConfig> read(
      Cursor c, Set<String> upstreams, Set<String> limits, boolean geoip) {
    List<RouteConfig> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    String matchAll = null;
    for (Cursor r : c.items("a list of routes")) {
      Cursor.Fields f =
          r.fields(
              "name",
              "match",
              "upstream",
              "strip-prefix",
              "request-headers",
              "response-headers",
              "redirect",
              "return",
              "buffering",
              "retries",
              "retry-on",
              "timeouts",
              "limits");
      if (!r.present()) {
        r.missing("a route");
        continue;
      }
      if (r.notMapping()) {
        continue;
      }
      String name = Values.uniqueName(f.get("name"), names, r.path());
      if (matchAll != null) {
        r.error(
            name != null ? name : Cursor.render(r.raw()),
            "no route after " + matchAll + ", which matches every request");
      }
      MatchConfig match = MatchSection.read(f.get("match"), geoip);
      List<String> actions = new ArrayList<>();
      for (String a : ACTIONS) {
        if (f.get(a).present()) {
          actions.add(a);
        }
      }
      if (actions.size() != 1) {
        r.error(
            actions.isEmpty()
                ? (name != null ? name : Cursor.render(r.raw()))
                : String.join(", ", actions),
            "exactly one of: " + String.join(", ", ACTIONS));
      }
      RouteConfig.Redirect redirect = redirect(f.get("redirect"));
      RouteConfig.Return fixed = fixedResponse(f.get("return"));
      RouteConfig.HeaderActions requestHeaders = headerActions(f.get("request-headers"));
      RouteConfig.HeaderActions responseHeaders = headerActions(f.get("response-headers"));
      RouteConfig.Forward forward = forward(f.get("upstream"), upstreams);
      String strip = f.get("strip-prefix").scalar(Values.PATH, Values::path);
      BufferingConfig.RouteOverride buffering = BufferingSection.route(f.get("buffering"));
      List<String> routeLimits = limits(f.get("limits"), limits);
      Integer retries = UpstreamsSection.retries(f.get("retries"));
      Set<RetryOn> retryOn = UpstreamsSection.retryOn(f.get("retry-on"));
      RouteConfig.Timeouts timeouts = UpstreamsSection.timeouts(f.get("timeouts"));
      if (!actions.isEmpty() && !actions.contains("upstream")) {
        for (String key : UPSTREAM_KEYS) {
          Cursor k = f.get(key);
          if (k.present()) {
            k.error("only on a route with an upstream");
          }
        }
      }
      if (match != null && match.equals(MatchConfig.any()) && matchAll == null) {
        matchAll = r.path() + " " + (name == null ? "" : name);
        matchAll = matchAll.trim();
      }
      RouteConfig.Action action = forward != null ? forward : redirect != null ? redirect : fixed;
      if (name != null && match != null && action != null && actions.size() == 1) {
        out.add(
            new RouteConfig(
                name,
                match,
                action,
                strip,
                requestHeaders,
                responseHeaders,
                buffering,
                retries,
                retryOn,
                timeouts,
                routeLimits));
      }
    }
    return out;
  }

  /** {@code upstream: NAME}, or null when absent; an unknown name is reported (and kept). */
  private static RouteConfig.@Nullable Forward forward(Cursor c, Set<String> upstreams) {
    if (!c.present()) {
      return null;
    }
    String upstream = c.text("the name of an upstream");
    if (upstream != null && !upstreams.contains(upstream)) {
      c.error(
          upstream,
          upstreams.isEmpty()
              ? "the name of an upstream (none is defined)"
              : "one of the upstreams: " + String.join(", ", upstreams));
    }
    return upstream == null ? null : new RouteConfig.Forward(upstream);
  }

  /** A route's {@code limits:}: names of policies, each once. */
  private static List<String> limits(Cursor c, Set<String> policies) {
    List<String> out = new ArrayList<>();
    for (Cursor item : c.items("a list of limit names")) {
      if (!item.require(Values.NAME)) {
        continue;
      }
      String name = item.text(Values.NAME);
      if (name == null) {
        continue;
      }
      if (!policies.contains(name)) {
        item.error(
            name,
            policies.isEmpty()
                ? "the name of a limit (none is defined)"
                : "one of the limits: " + String.join(", ", policies));
      } else if (out.contains(name)) {
        item.error(name, "a limit not listed before");
      } else {
        out.add(name);
      }
    }
    return out;
  }

  private static RouteConfig.@Nullable Redirect redirect(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("location", "status", "keep-path");
    Cursor lc = f.get("location");
    String location = lc.require(LOCATION) ? lc.scalar(LOCATION, RoutesSection::location) : null;
    int status =
        f.get("status")
            .scalar(
                REDIRECT_STATUS,
                s -> {
                  Integer v = Values.integer(s, 301, 308);
                  return v != null && (v == 301 || v == 302 || v == 307 || v == 308) ? v : null;
                },
                RouteConfig.Redirect.DEFAULT_STATUS);
    boolean keepPath = f.get("keep-path").scalar(Values.BOOL, Syntax::bool, false);
    return location == null ? null : new RouteConfig.Redirect(location, status, keepPath);
  }

  private static @Nullable String location(String s) {
    if (!Values.headerValue(s)) {
      return null;
    }
    if (s.startsWith("/") && !s.startsWith("//")) {
      return s;
    }
    try {
      java.net.URI u = new java.net.URI(s);
      String scheme = u.getScheme() == null ? "" : u.getScheme().toLowerCase(Locale.ROOT);
      return (scheme.equals("http") || scheme.equals("https")) && u.getHost() != null ? s : null;
    } catch (java.net.URISyntaxException e) {
      return null;
    }
  }

  private static RouteConfig.@Nullable Return fixedResponse(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("status", "body", "content-type");
    Cursor sc = f.get("status");
    Integer status =
        sc.require("200..599") ? sc.scalar("200..599", s -> Values.integer(s, 200, 599)) : null;
    Cursor bc = f.get("body");
    String body = bc.text("a text");
    if (body != null && body.length() > Values.MAX_PAGE) {
      bc.error(Cursor.render(body), "a text of at most 1m");
      body = null;
    }
    String type =
        f.get("content-type")
            .scalar(
                "a media type like text/html",
                s -> Values.headerValue(s) && !s.isBlank() ? s : null,
                RouteConfig.Return.DEFAULT_CONTENT_TYPE);
    return status == null ? null : new RouteConfig.Return(status, body == null ? "" : body, type);
  }

  private static RouteConfig.HeaderActions headerActions(Cursor c) {
    if (!c.present()) {
      return RouteConfig.HeaderActions.NONE;
    }
    Cursor.Fields f = c.fields("set", "remove");
    Map<String, String> set = Values.headerFields(f.get("set"));
    List<String> remove = new ArrayList<>();
    for (Cursor item : f.get("remove").items("a list of header names")) {
      String v = item.scalar("a header name", Syntax::token);
      if (v != null) {
        remove.add(v);
      } else if (!item.present()) {
        item.missing("a header name");
      }
    }
    return new RouteConfig.HeaderActions(set, remove);
  }
}
