package io.vxgate.gateway.route;

import io.vertx.core.http.HttpMethod;
import io.vxgate.config.Cidr;
import io.vxgate.config.MatchConfig;
import io.vxgate.gateway.geoip.CountryResolver;
import io.vxgate.gateway.http1.Authority;
import java.net.InetAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

/** Compiles a {@link MatchConfig} into matchers, one small lambda per match key. */
final class Matchers {
  private Matchers() {}

  /**
   * @param countries looks up the country of {@link RequestView#source()} for {@code country}
   */
  static List<Matcher> compile(MatchConfig m, CountryResolver countries) {
    List<Matcher> out = new ArrayList<>();
    if (m.path() != null) {
      String exact = m.path();
      out.add(r -> r.path().equals(exact));
    }
    if (m.pathPrefix() != null) {
      String prefix = m.pathPrefix();
      out.add(r -> r.path().startsWith(prefix));
    }
    if (m.pathRegex() != null) {
      Pattern p = Pattern.compile(m.pathRegex());
      out.add(r -> p.matcher(r.path()).find());
    }
    if (m.host() != null) {
      out.add(host(Authority.normalizeName(m.host())));
    }
    if (!m.methods().isEmpty()) {
      Set<HttpMethod> methods =
          m.methods().stream().map(HttpMethod::valueOf).collect(Collectors.toUnmodifiableSet());
      out.add(r -> methods.contains(r.method()));
    }
    for (Map.Entry<String, String> h : m.headers().entrySet()) {
      out.add(valueMatcher(h.getValue(), h.getKey(), true));
    }
    for (Map.Entry<String, String> q : m.query().entrySet()) {
      out.add(valueMatcher(q.getValue(), q.getKey(), false));
    }
    if (!m.source().isEmpty()) {
      List<Cidr> cidrs = m.source().stream().map(Cidr::parse).toList();
      out.add(
          r -> {
            InetAddress a = r.source();
            if (a == null) {
              return false;
            }
            byte[] bytes = a.getAddress();
            for (Cidr c : cidrs) {
              if (c.contains(bytes)) {
                return true;
              }
            }
            return false;
          });
    }
    if (m.websocket() != null) {
      boolean ws = m.websocket();
      out.add(r -> r.websocket() == ws);
    }
    if (!m.country().isEmpty()) {
      // last: the other keys are cheaper than a database lookup
      Set<String> codes = Set.copyOf(m.country());
      out.add(
          r -> {
            InetAddress a = r.source();
            if (a == null) {
              return false;
            }
            String c = countries.country(a);
            return c != null && codes.contains(c);
          });
    }
    return List.copyOf(out);
  }

  /**
   * The request's host ({@link RequestView#host()}, normalised like {@code pattern}: lower case,
   * without the root label's dot) is {@code pattern}, or a subdomain of {@code *.suffix}.
   */
  private static Matcher host(String pattern) {
    if (pattern.startsWith("*.")) {
      String suffix = pattern.substring(1);
      return r -> r.host().endsWith(suffix) && r.host().length() > suffix.length();
    }
    return r -> r.host().equals(pattern);
  }

  private static Matcher valueMatcher(String expected, String name, boolean header) {
    if (expected.startsWith("~")) {
      Pattern p = Pattern.compile(expected.substring(1));
      return r -> {
        String v = header ? r.header(name) : r.queryParam(name);
        return v != null && p.matcher(v).find();
      };
    }
    return r -> expected.equals(header ? r.header(name) : r.queryParam(name));
  }
}
