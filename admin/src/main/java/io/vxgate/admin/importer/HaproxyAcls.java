package io.vxgate.admin.importer;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import java.util.regex.PatternSyntaxException;
import org.jspecify.annotations.Nullable;

/**
 * HAProxy ACLs as vxgate matches: named ACLs (several lines of one name are alternatives),
 * anonymous ones ({@code { path_beg /api }}), the predefined ones ({@code METH_GET}, {@code
 * LOCALHOST}), and conditions with {@code !}, {@code ||} / {@code or} and several ACLs in a row
 * (all must hold), turned into first-match {@link Decision}s.
 */
final class HaproxyAcls {
  /** The alternatives of an ACL (any may hold); none means never true. */
  record Acl(List<Match> alternatives) {
    static final Acl TRUE = new Acl(List.of(Match.ANY));
    static final Acl FALSE = new Acl(List.of());
  }

  /** One term of a condition: an ACL, maybe negated. */
  record Literal(Acl acl, boolean negated) {}

  /** A condition: alternatives of terms, each term a conjunction of literals. */
  record Cond(List<List<Literal>> terms, boolean negated) {}

  private static final Map<String, String> PREDEFINED =
      Map.ofEntries(
          Map.entry("TRUE", "always_true"),
          Map.entry("FALSE", "always_false"),
          Map.entry("LOCALHOST", "src 127.0.0.1/8 ::1"),
          Map.entry("METH_GET", "method GET HEAD"),
          Map.entry("METH_HEAD", "method HEAD"),
          Map.entry("METH_POST", "method POST"),
          Map.entry("METH_PUT", "method PUT"),
          Map.entry("METH_DELETE", "method DELETE"),
          Map.entry("METH_OPTIONS", "method OPTIONS"),
          Map.entry("METH_CONNECT", "method CONNECT"),
          Map.entry("METH_TRACE", "method TRACE"),
          Map.entry("HTTP", "always_true"),
          Map.entry("HTTP_URL_SLASH", "path_beg /"));

  private final Report report;
  private final Path baseDir;
  private final Map<String, List<HaproxyConf.Line>> named = new LinkedHashMap<>();

  HaproxyAcls(Report report, Path baseDir) {
    this.report = report;
    this.baseDir = baseDir;
  }

  /** A proxy's own ACL table (ACLs are local to their proxy). */
  HaproxyAcls forProxy() {
    return new HaproxyAcls(report, baseDir);
  }

  void define(HaproxyConf.Line acl) {
    if (acl.words().size() >= 3) {
      named.computeIfAbsent(acl.word(1), k -> new ArrayList<>()).add(acl);
    }
  }

  /**
   * The condition after {@code if}/{@code unless}, or null (with a note on {@code user}) when one
   * of its ACLs has no vxgate equivalent.
   *
   * @param sslFc what {@code ssl_fc} is on the listeners these routes serve (null: unknown)
   */
  @Nullable Cond condition(List<String> words, HaproxyConf.Line user, @Nullable Boolean sslFc) {
    if (words.isEmpty()) {
      return new Cond(List.of(List.of()), false);
    }
    boolean unless = words.get(0).equals("unless");
    if (!unless && !words.get(0).equals("if")) {
      report.unsupported(
          user.source(), user.text(), "expected if or unless, found " + words.get(0));
      return null;
    }
    List<List<Literal>> terms = new ArrayList<>();
    List<Literal> term = new ArrayList<>();
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (w.equals("||") || w.equals("or")) {
        terms.add(term);
        term = new ArrayList<>();
        continue;
      }
      boolean neg = false;
      if (w.equals("!")) {
        neg = true;
        w = ++i < words.size() ? words.get(i) : "";
      } else if (w.startsWith("!") && w.length() > 1) {
        neg = true;
        w = w.substring(1);
      }
      Acl acl;
      if (w.equals("{")) {
        int close = words.indexOf("}");
        List<String> inner = new ArrayList<>();
        int j = i + 1;
        for (; j < words.size() && !words.get(j).equals("}"); j++) {
          inner.add(words.get(j));
        }
        if (j >= words.size() || close < 0) {
          report.unsupported(user.source(), user.text(), "an anonymous ACL without its }");
          return null;
        }
        i = j;
        acl = criterion(inner, user, sslFc);
      } else {
        acl = named(w, user, sslFc);
      }
      if (acl == null) {
        return null;
      }
      term.add(new Literal(acl, neg));
    }
    terms.add(term);
    return new Cond(terms, unless);
  }

  private @Nullable Acl named(String name, HaproxyConf.Line user, @Nullable Boolean sslFc) {
    List<HaproxyConf.Line> lines = named.get(name);
    if (lines == null) {
      String pre = PREDEFINED.get(name);
      if (pre == null) {
        report.unsupported(
            user.source(), user.text(), "ACL " + name + " is not defined in this proxy");
        return null;
      }
      return criterion(List.of(pre.split(" ")), user, sslFc);
    }
    List<Match> all = new ArrayList<>();
    for (HaproxyConf.Line l : lines) {
      Acl a = criterion(l.words().subList(2, l.words().size()), l, sslFc);
      if (a == null) {
        report.unsupported(
            user.source(), user.text(), "it uses ACL " + name + ", which is not translated");
        return null;
      }
      if (a.alternatives().contains(Match.ANY)) {
        return Acl.TRUE;
      }
      all.addAll(a.alternatives());
    }
    return new Acl(all);
  }

  /** {@code FETCH[(ARG)][,CONVERTER...] [-i] [-f FILE] [-m METHOD] [--] VALUE...} */
  @Nullable Acl criterion(List<String> words, HaproxyConf.Line at, @Nullable Boolean sslFc) {
    if (words.isEmpty()) {
      report.unsupported(at.source(), at.text(), "an empty ACL");
      return null;
    }
    String fetch = words.get(0);
    boolean lower = false;
    int comma = fetch.indexOf(',');
    if (comma > 0) {
      String conv = fetch.substring(comma + 1);
      fetch = fetch.substring(0, comma);
      if (!conv.equals("lower")) {
        report.unsupported(at.source(), at.text(), "converter " + conv);
        return null;
      }
      lower = true;
    }
    boolean ci = lower;
    String method = null;
    List<String> values = new ArrayList<>();
    boolean flags = true;
    for (int i = 1; i < words.size(); i++) {
      String w = words.get(i);
      if (flags && w.equals("-i")) {
        ci = true;
      } else if (flags && w.equals("-m") && i + 1 < words.size()) {
        method = words.get(++i);
      } else if (flags && w.equals("-f") && i + 1 < words.size()) {
        List<String> file = patternFile(words.get(++i), at);
        if (file == null) {
          return null;
        }
        values.addAll(file);
      } else if (flags && (w.equals("-n") || w.equals("-M"))) {
        // no effect on what matches
      } else if (flags && w.equals("-u") && i + 1 < words.size()) {
        i++;
      } else if (flags && w.equals("--")) {
        flags = false;
      } else {
        flags = false;
        values.add(w);
      }
    }
    String base = fetch;
    String arg = null;
    int paren = fetch.indexOf('(');
    if (paren > 0 && fetch.endsWith(")")) {
      base = fetch.substring(0, paren);
      arg = fetch.substring(paren + 1, fetch.length() - 1);
    }
    if (base.startsWith("req.")) {
      base = base.substring(4);
    }
    // hdr_beg(host) etc.: the match method is a suffix of the fetch
    for (String m :
        List.of(
            "_beg", "_end", "_sub", "_reg", "_dom", "_dir", "_len", "_cnt", "_ip", "_val",
            "_found")) {
      if (base.endsWith(m) && method == null) {
        method = m.substring(1);
        base = base.substring(0, base.length() - m.length());
      }
    }
    if (method == null) {
      method = "str";
    }
    return switch (base) {
      case "always_true" -> Acl.TRUE;
      case "always_false" -> Acl.FALSE;
      case "ssl_fc" -> {
        if (sslFc == null) {
          report.approximated(
              at.source(),
              at.text(),
              "ssl_fc taken as true (the frontend's routes serve its TLS listeners)");
          yield Acl.TRUE;
        }
        yield sslFc ? Acl.TRUE : Acl.FALSE;
      }
      case "path", "url", "path,lower" -> path(base, method, ci, values, at);
      case "hdr", "fhdr", "ssl_fc_sni", "ssl_sni" -> {
        String name =
            base.startsWith("ssl") ? "host" : arg == null ? "" : arg.replaceAll(",.*", "");
        yield name.equalsIgnoreCase("host")
            ? host(method, ci, values, at)
            : header(name, method, ci, values, at);
      }
      case "method" -> {
        Set<String> ms = new LinkedHashSet<>();
        values.forEach(v -> ms.add(v.toUpperCase(Locale.ROOT)));
        yield ms.isEmpty() ? Acl.FALSE : new Acl(List.of(Match.methods(ms)));
      }
      case "src" -> {
        List<String> nets = new ArrayList<>();
        for (String v : values) {
          if (Cidrs.parse(v) == null) {
            report.unsupported(at.source(), at.text(), "not an address or network: " + v);
            yield null;
          }
          nets.add(v);
        }
        yield nets.isEmpty() ? Acl.FALSE : new Acl(List.of(Match.source(nets)));
      }
      case "url_param", "urlp" -> {
        if (!method.equals("str") || arg == null) {
          report.unsupported(
              at.source(), at.text(), "only exact url_param values have an equivalent");
          yield null;
        }
        List<Match> ms = new ArrayList<>();
        String param = arg.replaceAll(",.*", "");
        for (String v : values) {
          ms.add(Match.query(param, v));
        }
        yield new Acl(ms);
      }
      case "cook" -> {
        if (arg == null || !(method.equals("str") || method.equals("found"))) {
          report.unsupported(at.source(), at.text(), "only exact cookie values have an equivalent");
          yield null;
        }
        String cookie = arg;
        String prefix = "~(?:^|;\\s*)" + PathCondition.quote(cookie) + "=";
        if (method.equals("found")) {
          yield new Acl(List.of(Match.header("Cookie", prefix)));
        }
        List<Match> ms = new ArrayList<>();
        values.forEach(
            v -> ms.add(Match.header("Cookie", prefix + PathCondition.quote(v) + "(?:;|$)")));
        yield new Acl(ms);
      }
      default -> {
        report.unsupported(at.source(), at.text(), "fetch " + fetch + " has no vxgate equivalent");
        yield null;
      }
    };
  }

  private @Nullable Acl path(
      String base, String method, boolean ci, List<String> values, HaproxyConf.Line at) {
    if (base.equals("url")) {
      report.approximated(
          at.source(),
          at.text(),
          "url is matched as the path (vxgate matches the query separately)");
    }
    List<Match> out = new ArrayList<>();
    for (String v : values) {
      PathCondition.Atom atom =
          switch (method) {
            case "str" -> new PathCondition.Exact(v, ci);
            case "beg" -> new PathCondition.Prefix(v, ci);
            case "end" -> new PathCondition.Suffix(v, ci);
            case "sub" -> new PathCondition.Contains(v, ci);
            case "reg" -> regex(v, ci, at) == null ? null : new PathCondition.Regex(v, ci);
            case "dir" ->
                new PathCondition.Regex("(?:^|/)" + PathCondition.quote(v) + "(?:/|$)", ci);
            case "found" -> null;
            default -> null;
          };
      if (atom == null) {
        if (method.equals("found")) {
          return Acl.TRUE;
        }
        report.unsupported(
            at.source(), at.text(), "path match -m " + method + " has no vxgate equivalent");
        return null;
      }
      out.add(Match.path(PathCondition.of(atom)));
    }
    return new Acl(out);
  }

  private @Nullable Acl host(String method, boolean ci, List<String> values, HaproxyConf.Line at) {
    List<Match> out = new ArrayList<>();
    for (String v : values) {
      String h = v.toLowerCase(Locale.ROOT);
      boolean plainName = h.matches("[a-z0-9._-]+");
      switch (method) {
        case "str" ->
            out.add(
                plainName
                    ? Match.host(h)
                    : Match.header("Host", "~(?i)^" + PathCondition.quote(v) + "$"));
        case "end" -> {
          if (h.startsWith(".") && h.substring(1).matches("[a-z0-9._-]+")) {
            out.add(Match.host("*" + h));
          } else {
            out.add(
                Match.header(
                    "Host", "~" + (ci ? "(?i)" : "") + PathCondition.quote(v) + "(?::[0-9]+)?$"));
          }
        }
        case "dom" -> {
          if (plainName) {
            out.add(Match.host(h));
            out.add(Match.host("*." + h));
          } else {
            report.unsupported(at.source(), at.text(), "hdr_dom with " + v);
            return null;
          }
        }
        case "beg" ->
            out.add(Match.header("Host", "~" + (ci ? "(?i)" : "") + "^" + PathCondition.quote(v)));
        case "sub" ->
            out.add(Match.header("Host", "~" + (ci ? "(?i)" : "") + PathCondition.quote(v)));
        case "reg" -> {
          String r = regex(v, ci, at);
          if (r == null) {
            return null;
          }
          out.add(Match.header("Host", "~" + r));
        }
        default -> {
          report.unsupported(
              at.source(), at.text(), "host match -m " + method + " has no vxgate equivalent");
          return null;
        }
      }
    }
    if (method.equals("found")) {
      return new Acl(List.of(Match.header("Host", "~")));
    }
    return new Acl(out);
  }

  private @Nullable Acl header(
      String name, String method, boolean ci, List<String> values, HaproxyConf.Line at) {
    if (name.isEmpty()) {
      report.unsupported(at.source(), at.text(), "hdr() without a header name");
      return null;
    }
    if (method.equals("found") || (method.equals("cnt") && values.equals(List.of("gt", "0")))) {
      return new Acl(List.of(Match.header(name, "~")));
    }
    List<Match> out = new ArrayList<>();
    for (String v : values) {
      String q = PathCondition.quote(v);
      String i = ci ? "(?i)" : "";
      String value =
          switch (method) {
            case "str" -> ci ? "~(?i)^" + q + "$" : v;
            case "beg" -> "~" + i + "^" + q;
            case "end" -> "~" + i + q + "$";
            case "sub" -> "~" + i + q;
            case "dom" -> "~" + i + "(?:^|[./])" + q + "(?:$|[./:])";
            case "reg" -> regex(v, ci, at) == null ? null : "~" + i + v;
            default -> null;
          };
      if (value == null) {
        report.unsupported(
            at.source(), at.text(), "header match -m " + method + " has no vxgate equivalent");
        return null;
      }
      if (!value.startsWith("~") && v.startsWith("~")) {
        value = "~^" + q + "$";
      }
      out.add(Match.header(name, value));
    }
    return new Acl(out);
  }

  private @Nullable String regex(String v, boolean ci, HaproxyConf.Line at) {
    try {
      Pattern.compile(v);
      return ci ? "(?i)" + v : v;
    } catch (PatternSyntaxException e) {
      report.unsupported(at.source(), at.text(), "the regular expression does not compile in Java");
      return null;
    }
  }

  private @Nullable List<String> patternFile(String file, HaproxyConf.Line at) {
    Path p = baseDir.resolve(file);
    try {
      List<String> out = new ArrayList<>();
      for (String l : Files.readAllLines(p)) {
        String t = l.replaceAll("#.*", "").trim();
        if (!t.isEmpty()) {
          out.add(t);
        }
      }
      return out;
    } catch (IOException e) {
      report.unsupported(at.source(), at.text(), "pattern file not found here: " + p);
      return null;
    }
  }

  private static final List<String> METHODS =
      List.of("GET", "HEAD", "POST", "PUT", "DELETE", "PATCH", "OPTIONS", "CONNECT", "TRACE");

  /**
   * The negation of an ACL as one match, when vxgate can say it: paths (negative look-aheads),
   * client addresses (the complement networks), methods (the other common methods). Null otherwise:
   * the caller orders routes instead.
   */
  static @Nullable Acl negate(Acl acl) {
    List<Match> alts = acl.alternatives();
    if (alts.isEmpty()) {
      return Acl.TRUE;
    }
    if (alts.contains(Match.ANY)) {
      return Acl.FALSE;
    }
    boolean paths = alts.stream().allMatch(m -> m.equals(Match.path(m.path())));
    if (paths) {
      PathCondition c = PathCondition.any();
      for (Match m : alts) {
        List<PathCondition.Atom> atoms = m.path().atoms();
        c =
            c.and(
                new PathCondition.Not(
                    atoms.size() == 1 ? atoms.get(0) : new PathCondition.All(atoms)));
      }
      return new Acl(List.of(Match.path(c)));
    }
    boolean sources =
        alts.stream().allMatch(m -> m.source() != null && m.equals(Match.source(m.source())));
    if (sources) {
      List<String> all = new ArrayList<>();
      alts.forEach(m -> all.addAll(m.source()));
      return new Acl(List.of(Match.source(Cidrs.complement(all))));
    }
    boolean methods =
        alts.stream().allMatch(m -> m.methods() != null && m.equals(Match.methods(m.methods())));
    if (methods) {
      Set<String> others = new LinkedHashSet<>(METHODS);
      alts.forEach(m -> others.removeAll(m.methods()));
      return others.isEmpty() ? Acl.FALSE : new Acl(List.of(Match.methods(others)));
    }
    return null;
  }

  /** {@code if COND then A else B} as a first-match decision; A and B are leaves or decisions. */
  static Object decide(Cond c, Object then, Object otherwise) {
    if (c.negated()) {
      return decide(new Cond(c.terms(), false), otherwise, then);
    }
    return any(c.terms(), 0, then, otherwise);
  }

  private static Object any(List<List<Literal>> terms, int i, Object then, Object otherwise) {
    if (i >= terms.size()) {
      return otherwise;
    }
    return all(terms.get(i), 0, then, any(terms, i + 1, then, otherwise));
  }

  /**
   * All literals hold: the conjunctions of the positive ones (and of the negated ones vxgate can
   * negate) lead to {@code then}, except where a negated ACL it cannot negate holds: those routes
   * come first and lead to {@code otherwise}.
   */
  private static Object all(List<Literal> lits, int unused, Object then, Object otherwise) {
    List<Match> conj = new ArrayList<>(List.of(Match.ANY));
    List<Acl> negatives = new ArrayList<>();
    for (Literal l : lits) {
      Acl acl = l.acl();
      if (l.negated()) {
        Acl positive = negate(acl);
        if (positive == null) {
          negatives.add(acl);
          continue;
        }
        acl = positive;
      }
      List<Match> next = new ArrayList<>();
      for (Match c : conj) {
        for (Match a : acl.alternatives()) {
          Match both = c.and(a);
          if (both != null) {
            next.add(both);
          }
        }
      }
      conj = next;
    }
    Object inner = then;
    if (!negatives.isEmpty()) {
      Decision d = new Decision();
      for (Acl n : negatives) {
        for (Match a : n.alternatives()) {
          d.when(a, otherwise);
        }
      }
      inner = d.otherwise(then);
    }
    Decision d = new Decision();
    for (Match c : conj) {
      d.when(c, inner);
    }
    return d.otherwise(otherwise);
  }
}
