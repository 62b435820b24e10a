package io.vxgate.admin.importer;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * nginx variables as route conditions: request variables ({@code $host}, {@code $http_NAME}, {@code
 * $arg_NAME}, {@code $request_method}, {@code $remote_addr}, {@code $uri}, the GeoIP country), the
 * variables {@code map} and {@code geo} blocks derive from them, and {@code if} conditions over
 * them. Each becomes a first-match list of vxgate matches.
 */
final class NginxConditions {
  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");
  private static final Pattern COUNTRY_LIST =
      Pattern.compile("\\^?\\(?((?:[A-Za-z]{2}\\|)*[A-Za-z]{2})\\)?\\$?");

  /** A variable's value: the first entry whose match holds, else {@code fallback}. */
  record Valued(List<Map.Entry<Match, String>> entries, String fallback) {}

  /** A condition: the first entry whose match holds decides, else {@code fallback}. */
  record Cond(List<Map.Entry<Match, Boolean>> entries, boolean fallback) {}

  private final Report report;
  private final Consumer<NginxDirective> used;
  private final Path baseDir;
  private final Map<String, NginxDirective> derived = new HashMap<>();
  private final Set<String> countryVars = new java.util.HashSet<>();
  private @Nullable String geoipDatabase;
  private @Nullable NginxDirective geoipDirective;

  NginxConditions(Report report, Consumer<NginxDirective> used, Path baseDir) {
    this.report = report;
    this.used = used;
    this.baseDir = baseDir;
  }

  /** Registers a {@code map} or {@code geo} block. */
  void define(NginxDirective block) {
    List<String> a = block.args();
    String target = a.isEmpty() ? null : a.get(a.size() - 1);
    if (target != null && target.startsWith("$")) {
      derived.put(target, block);
    }
  }

  /** Registers {@code geoip_country FILE} or a {@code geoip2 FILE { ... }} block. */
  void geoip(NginxDirective d) {
    String file = d.arg(0);
    geoipDirective = d;
    if (d.name().equals("geoip_country")) {
      countryVars.add("$geoip_country_code");
    } else if (d.isBlock()) {
      for (NginxDirective v : d.children()) {
        if (v.args().contains("country") && v.args().contains("iso_code")) {
          countryVars.add(v.name());
        } else if (v.name().equals("auto_reload")) {
          used.accept(v);
          report.ignored(
              v.source(), v.text(), "vxgate reads the database again when a config is applied");
        }
      }
    }
    Path p = file == null ? null : baseDir.resolve(file);
    boolean mmdb = file != null && file.endsWith(".mmdb");
    if (p != null && Files.isReadable(p) && Files.isRegularFile(p) && mmdb) {
      geoipDatabase = p.toAbsolutePath().normalize().toString();
    } else {
      used.accept(d);
      report.unsupported(
          d.source(),
          d.text(),
          "vxgate reads MaxMind DB files (GeoLite2-Country.mmdb)"
              + (p != null && mmdb ? ", and " + p + " is not here" : "")
              + ": country conditions are left out");
    }
  }

  /** The MaxMind DB the translated country routes need, or null when there is none to use. */
  @Nullable String geoipDatabase() {
    return geoipDatabase;
  }

  /** Marks the GeoIP directive as translated once a country route uses it. */
  private boolean countryUsable(Source at, String what) {
    NginxDirective directive = geoipDirective;
    // geoip() sets the directive before the database
    if (geoipDatabase != null && directive != null) {
      used.accept(directive);
      directive.children().forEach(used);
      return true;
    }
    String why =
        directive == null
            ? "no GeoIP database is configured"
            : "vxgate reads MaxMind DB files (GeoLite2-Country.mmdb); "
                + directive.arg(0)
                + " is not one it can read here";
    report.unsupported(at, what, why + ": the country condition is left out");
    return false;
  }

  boolean isDerived(String var) {
    return derived.containsKey(var);
  }

  @Nullable NginxDirective definition(String var) {
    return derived.get(var);
  }

  /**
   * The values of {@code var} as a first-match list, or null when it cannot be expressed (a note is
   * written).
   */
  @Nullable Valued values(String var, NginxDirective user) {
    NginxDirective def = derived.get(var);
    if (def == null) {
      report.unsupported(
          user.source(), user.text(), "variable " + var + " has no vxgate equivalent");
      return null;
    }
    return def.name().equals("geo") ? geo(def) : map(def);
  }

  private @Nullable Valued map(NginxDirective def) {
    // define() registers blocks whose last argument is the variable: args are never empty
    String source = def.args().get(0);
    String fallback = "";
    boolean hostnames = false;
    List<Map.Entry<Match, String>> exact = new ArrayList<>();
    List<Map.Entry<Match, String>> regex = new ArrayList<>();
    for (NginxDirective e : def.children()) {
      String key = e.name();
      String value = e.arg(0) == null ? "" : e.arg(0);
      switch (key) {
        case "default" -> fallback = value;
        case "hostnames" -> hostnames = true;
        case "volatile" -> {}
        default -> {
          if (value.startsWith("$")) {
            report.unsupported(e.source(), e.text(), "a map value made of a variable");
            return null;
          }
          boolean re = key.startsWith("~");
          List<Match> ms = new ArrayList<>();
          if (hostnames && !re && (key.startsWith(".") || key.startsWith("*."))) {
            String base = key.startsWith(".") ? key.substring(1) : key.substring(2);
            if (key.startsWith(".")) {
              ms.add(Match.host(base));
            }
            ms.add(Match.host("*." + base));
          } else {
            String op = re ? (key.startsWith("~*") ? "~*" : "~") : "=";
            String operand = re ? key.substring(op.length()) : key;
            Match m = compare(source, op, operand, e);
            if (m == null) {
              return null;
            }
            ms.add(m);
          }
          for (Match m : ms) {
            (re ? regex : exact).add(Map.entry(m, value));
          }
        }
      }
    }
    used.accept(def);
    def.children().forEach(used);
    List<Map.Entry<Match, String>> all = new ArrayList<>(exact);
    all.addAll(regex);
    return new Valued(all, fallback);
  }

  private @Nullable Valued geo(NginxDirective def) {
    if (def.args().size() > 1 && !def.args().get(0).equals("$remote_addr")) {
      report.unsupported(def.source(), def.text(), "geo on " + def.arg(0));
      return null;
    }
    String fallback = "";
    List<Object[]> nets = new ArrayList<>();
    for (NginxDirective e : def.children()) {
      String value = e.arg(0) == null ? "" : e.arg(0);
      switch (e.name()) {
        case "default" -> fallback = value;
        case "ranges", "include", "delete", "proxy", "proxy_recursive" -> {
          report.unsupported(e.source(), e.text(), "geo " + e.name() + ": no vxgate equivalent");
          return null;
        }
        default -> {
          Cidrs.Net n = Cidrs.parse(e.name());
          if (n == null) {
            report.unsupported(e.source(), e.text(), "not a network");
            return null;
          }
          nets.add(new Object[] {n, value});
        }
      }
    }
    // nginx takes the most specific network: longest prefixes first
    nets.sort((x, y) -> Integer.compare(((Cidrs.Net) y[0]).prefix(), ((Cidrs.Net) x[0]).prefix()));
    List<Map.Entry<Match, String>> entries = new ArrayList<>();
    for (Object[] n : nets) {
      entries.add(Map.entry(Match.source(List.of(n[0].toString())), (String) n[1]));
    }
    used.accept(def);
    def.children().forEach(used);
    return new Valued(entries, fallback);
  }

  /**
   * The condition of {@code if (...)}: {@code ($var)}, {@code ($var = v)}, {@code ($var != v)},
   * {@code ($var ~ re)}, {@code ~*}, {@code !~}, {@code !~*}. Null (with a note) when it cannot be
   * expressed.
   */
  @Nullable Cond condition(NginxDirective d) {
    List<String> a = d.args();
    String var = a.isEmpty() ? "" : strip(a.get(0));
    if (a.size() == 1 && var.startsWith("$")) {
      if (derived.containsKey(var)) {
        Valued v = values(var, d);
        return v == null ? null : truthy(v, x -> !x.isEmpty() && !x.equals("0"));
      }
      Match present = compare(var, "~", ".", d);
      return present == null ? null : new Cond(List.of(Map.entry(present, true)), false);
    }
    if (a.size() != 3 || !var.startsWith("$")) {
      report.unsupported(d.source(), d.text(), "this if condition has no vxgate equivalent");
      return null;
    }
    String op = a.get(1);
    String operand = strip(a.get(2));
    boolean negate = op.startsWith("!");
    String positive = negate ? op.substring(1) : op;
    if (!List.of("=", "~", "~*").contains(positive)) {
      report.unsupported(d.source(), d.text(), "operator " + op);
      return null;
    }
    Cond c;
    if (derived.containsKey(var)) {
      Valued v = values(var, d);
      if (v == null) {
        return null;
      }
      Pattern p =
          positive.equals("=")
              ? null
              : Pattern.compile(operand, positive.equals("~*") ? Pattern.CASE_INSENSITIVE : 0);
      c = truthy(v, x -> p == null ? x.equals(operand) : p.matcher(x).find());
    } else {
      Match m = compare(var, positive, operand, d);
      if (m == null) {
        return null;
      }
      c = new Cond(List.of(Map.entry(m, true)), false);
    }
    if (!negate) {
      return c;
    }
    List<Map.Entry<Match, Boolean>> flipped = new ArrayList<>();
    for (Map.Entry<Match, Boolean> e : c.entries()) {
      flipped.add(Map.entry(e.getKey(), !e.getValue()));
    }
    return new Cond(flipped, !c.fallback());
  }

  private static Cond truthy(Valued v, java.util.function.Predicate<String> test) {
    List<Map.Entry<Match, Boolean>> out = new ArrayList<>();
    for (Map.Entry<Match, String> e : v.entries()) {
      out.add(Map.entry(e.getKey(), test.test(e.getValue())));
    }
    return new Cond(out, test.test(v.fallback()));
  }

  private static String strip(String s) {
    return s.length() >= 2
            && ((s.startsWith("\"") && s.endsWith("\"")) || (s.startsWith("'") && s.endsWith("'")))
        ? s.substring(1, s.length() - 1)
        : s;
  }

  /**
   * The match for a request variable compared with {@code =}, {@code ~} or {@code ~*}; null (with a
   * note) when the variable has no vxgate equivalent.
   */
  @Nullable Match compare(String var, String op, String operand, NginxDirective d) {
    boolean re = !op.equals("=");
    String regex = re ? java(operand, op.equals("~*")) : null;
    if (re && regex == null) {
      report.unsupported(d.source(), d.text(), "the regular expression does not compile in Java");
      return null;
    }
    if (countryVars.contains(var) || var.equals("$geoip_country_code")) {
      List<String> codes = re ? countryCodes(operand) : List.of(operand.toUpperCase(Locale.ROOT));
      if (codes == null) {
        report.unsupported(d.source(), d.text(), "a country expression other than a list of codes");
        return null;
      }
      if (!countryUsable(d.source(), d.text())) {
        return null;
      }
      return Match.country(codes);
    }
    if (var.equals("$host") || var.equals("$http_host") || var.equals("$server_name")) {
      return re ? Match.header("Host", "~" + regex) : Match.host(operand);
    }
    if (var.startsWith("$http_")) {
      String name = NginxUpstreams.headerName(var.substring(6));
      return Match.header(name, re ? "~" + regex : operand);
    }
    if (var.startsWith("$arg_") && !re) {
      return Match.query(var.substring(5), operand);
    }
    if (var.equals("$request_method")) {
      if (!re) {
        return Match.methods(Set.of(operand.toUpperCase(Locale.ROOT)));
      }
      Pattern p = Pattern.compile(regex);
      Set<String> ms = new java.util.LinkedHashSet<>();
      for (String m : METHODS) {
        if (p.matcher(m).find()) {
          ms.add(m);
        }
      }
      if (ms.isEmpty()) {
        return Match.methods(Set.of("NONE"));
      }
      return Match.methods(ms);
    }
    if ((var.equals("$remote_addr") || var.equals("$binary_remote_addr")) && !re) {
      if (Cidrs.parse(operand) == null) {
        report.unsupported(d.source(), d.text(), "not an address: " + operand);
        return null;
      }
      return Match.source(List.of(operand));
    }
    if (var.equals("$uri") || var.equals("$document_uri") || var.equals("$request_uri")) {
      if (var.equals("$request_uri")) {
        report.approximated(
            d.source(), d.text(), "compared with the path; the query is not part of it in vxgate");
      }
      return Match.path(
          PathCondition.of(
              regex != null
                  ? new PathCondition.Regex(regex, false)
                  : new PathCondition.Exact(operand, false)));
    }
    report.unsupported(d.source(), d.text(), "variable " + var + " has no vxgate equivalent");
    return null;
  }

  private static @Nullable List<String> countryCodes(String regex) {
    Matcher m = COUNTRY_LIST.matcher(regex);
    if (!m.matches()) {
      return null;
    }
    List<String> out = new ArrayList<>();
    for (String c : m.group(1).split("\\|", -1)) {
      out.add(c.toUpperCase(Locale.ROOT));
    }
    return out;
  }

  /**
   * A PCRE expression as a Java one (named groups made plain, since routes use no captures), or
   * null when Java cannot compile it.
   */
  static @Nullable String java(String pcre, boolean ignoreCase) {
    String j =
        pcre.replaceAll("\\(\\?P?<([A-Za-z_][A-Za-z0-9_]*)>", "(")
            .replaceAll("\\(\\?'([A-Za-z_][A-Za-z0-9_]*)'", "(");
    if (ignoreCase) {
      j = "(?i)" + j;
    }
    try {
      Pattern.compile(j);
      return j;
    } catch (PatternSyntaxException e) {
      return null;
    }
  }
}
