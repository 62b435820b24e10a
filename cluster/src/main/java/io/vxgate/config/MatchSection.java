package io.vxgate.config;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/** Reads a route's {@code match:} (docs/configuration.md, section "routes"). */
final class MatchSection {
  static final String GEOIP_NEEDED = "a top-level geoip: {database: FILE} to look countries up in";
  private static final Set<String> COUNTRIES = Set.of(Locale.getISOCountries());

  private MatchSection() {}

  /**
   * @param geoip whether the config has a {@code geoip} section (valid or not), which {@code
   *     country} needs
   */
  static MatchConfig read(Cursor c, boolean geoip) {
    Cursor.Fields f =
        c.fields(
            "path-prefix",
            "path",
            "path-regex",
            "host",
            "methods",
            "headers",
            "query",
            "source",
            "websocket",
            "country");
    String pathPrefix = f.get("path-prefix").scalar(Values.PATH, Values::path);
    String path = f.get("path").scalar(Values.PATH, Values::path);
    Cursor rc = f.get("path-regex");
    String regex = rc.text("a regular expression");
    if (regex != null && regexError(regex) != null) {
      rc.error(regex, "a valid regular expression; " + regexError(regex));
    }
    String host = f.get("host").scalar("a host name or *.suffix", MatchSection::hostPattern);
    List<String> methods = new ArrayList<>();
    for (Cursor m : f.get("methods").items("a list of methods")) {
      String v = m.scalar("an uppercase method token like GET", Syntax::method);
      if (v != null) {
        methods.add(v);
      } else if (!m.present()) {
        m.missing("an uppercase method token like GET");
      }
    }
    Map<String, String> headers = headers(f.get("headers"));
    Map<String, String> query = query(f.get("query"));
    List<String> source = Values.cidrs(f.get("source"));
    Boolean websocket = f.get("websocket").scalar(Values.BOOL, Syntax::bool);
    List<String> country = countries(f.get("country"), geoip);
    return new MatchConfig(
        pathPrefix, path, regex, host, methods, headers, query, source, websocket, country);
  }

  private static Map<String, String> headers(Cursor c) {
    Map<String, String> headers = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        c.entries("a mapping of header names to values").entrySet()) {
      if (Syntax.token(e.getKey()) == null) {
        c.error(e.getKey().isEmpty() ? "\"\"" : e.getKey(), "a header name");
      }
      Cursor vc = e.getValue();
      String v = vc.text("a value or ~REGEX");
      if (v == null) {
        if (!vc.present()) {
          vc.missing("a value or ~REGEX");
        }
        continue;
      }
      if (v.startsWith("~") && regexError(v.substring(1)) != null) {
        vc.error(
            v, "a value or ~REGEX with a valid regular expression; " + regexError(v.substring(1)));
      }
      headers.put(e.getKey(), v);
    }
    return headers;
  }

  private static Map<String, String> query(Cursor c) {
    Map<String, String> query = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        c.entries("a mapping of parameter names to values").entrySet()) {
      if (e.getKey().isEmpty()) {
        c.error("\"\"", "a parameter name");
      }
      Cursor vc = e.getValue();
      String v = vc.text("a value");
      if (v == null) {
        if (!vc.present()) {
          vc.missing("a value");
        }
        continue;
      }
      query.put(e.getKey(), v);
    }
    return query;
  }

  private static List<String> countries(Cursor c, boolean geoip) {
    List<String> country = new ArrayList<>();
    if (c.raw() instanceof List<?> l && !l.isEmpty() && !geoip) {
      c.error(GEOIP_NEEDED);
    }
    String expected = "an ISO 3166-1 alpha-2 country code like DE";
    for (Cursor s : c.items("a list of ISO 3166-1 alpha-2 codes")) {
      if (s.require(expected)) {
        String v =
            s.scalar(
                expected,
                x -> {
                  String u = x.trim().toUpperCase(Locale.ROOT);
                  return COUNTRIES.contains(u) ? u : null;
                });
        if (v != null) {
          country.add(v);
        }
      }
    }
    return country;
  }

  private static @Nullable String regexError(String regex) {
    try {
      Pattern.compile(regex);
      return null;
    } catch (PatternSyntaxException e) {
      return e.getDescription();
    }
  }

  private static @Nullable String hostPattern(String s) {
    String h = s.trim().toLowerCase(Locale.ROOT);
    String name = h.startsWith("*.") ? h.substring(2) : h;
    return Syntax.dnsName(name) || (!h.startsWith("*.") && Syntax.host(name)) ? h : null;
  }
}
