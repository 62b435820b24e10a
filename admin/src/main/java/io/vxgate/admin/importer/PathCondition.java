package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * A conjunction of conditions on the request path, written as vxgate's {@code path}, {@code
 * path-prefix} and {@code path-regex} match keys. Conditions that vxgate cannot say with one key (a
 * prefix with exceptions, a negation, several expressions) become one Java regular expression made
 * of look-aheads anchored at the start of the path.
 */
final class PathCondition {
  /** One condition on the whole path. */
  sealed interface Atom permits Exact, Prefix, Suffix, Contains, Regex, Not, All {
    boolean test(String path);

    /** A regex that matches at position 0 of the path exactly when the atom holds. */
    String anchored();
  }

  /** The path is exactly {@code value}. */
  record Exact(String value, boolean ignoreCase) implements Atom {
    @Override
    public boolean test(String p) {
      return ignoreCase ? p.equalsIgnoreCase(value) : p.equals(value);
    }

    @Override
    public String anchored() {
      return lit(value, ignoreCase) + "$";
    }
  }

  /** The path starts with {@code value}. */
  record Prefix(String value, boolean ignoreCase) implements Atom {
    @Override
    public boolean test(String p) {
      return ignoreCase ? p.regionMatches(true, 0, value, 0, value.length()) : p.startsWith(value);
    }

    @Override
    public String anchored() {
      return lit(value, ignoreCase);
    }
  }

  /** The path ends with {@code value}. */
  record Suffix(String value, boolean ignoreCase) implements Atom {
    @Override
    public boolean test(String p) {
      return p.length() >= value.length()
          && p.regionMatches(ignoreCase, p.length() - value.length(), value, 0, value.length());
    }

    @Override
    public String anchored() {
      return ".*" + lit(value, ignoreCase) + "$";
    }
  }

  /** The path contains {@code value}. */
  record Contains(String value, boolean ignoreCase) implements Atom {
    @Override
    public boolean test(String p) {
      return ignoreCase
          ? p.toLowerCase(Locale.ROOT).contains(value.toLowerCase(Locale.ROOT))
          : p.contains(value);
    }

    @Override
    public String anchored() {
      return ".*" + lit(value, ignoreCase);
    }
  }

  /** A regular expression (Java syntax) found anywhere in the path, as nginx and HAProxy do. */
  record Regex(String regex, boolean ignoreCase) implements Atom {
    @Override
    public boolean test(String p) {
      return Pattern.compile(regex, ignoreCase ? Pattern.CASE_INSENSITIVE : 0).matcher(p).find();
    }

    @Override
    public String anchored() {
      return ".*?" + ci(regex, ignoreCase);
    }

    /** The expression for {@code path-regex} when it stands alone. */
    String alone() {
      return ignoreCase ? "(?i)" + regex : regex;
    }
  }

  /** The negation of an atom. */
  record Not(Atom atom) implements Atom {
    @Override
    public boolean test(String p) {
      return !atom.test(p);
    }

    @Override
    public String anchored() {
      throw new UnsupportedOperationException("a negation is written as a negative look-ahead");
    }
  }

  /** All of several atoms (to be negated as one). */
  record All(List<Atom> atoms) implements Atom {
    All {
      atoms = List.copyOf(atoms);
    }

    @Override
    public boolean test(String p) {
      return atoms.stream().allMatch(a -> a.test(p));
    }

    @Override
    public String anchored() {
      StringBuilder sb = new StringBuilder();
      for (Atom a : atoms) {
        sb.append(
            a instanceof Not n ? "(?!" + n.atom().anchored() + ")" : "(?=" + a.anchored() + ")");
      }
      return sb.toString();
    }
  }

  /** The vxgate keys of a satisfiable condition; each may be null. */
  record Keys(@Nullable String path, @Nullable String pathPrefix, @Nullable String pathRegex) {}

  private static final PathCondition ANY = new PathCondition(List.of());

  private final List<Atom> atoms;

  private PathCondition(List<Atom> atoms) {
    this.atoms = List.copyOf(atoms);
  }

  static PathCondition any() {
    return ANY;
  }

  static PathCondition of(Atom... atoms) {
    return new PathCondition(List.of(atoms));
  }

  PathCondition and(PathCondition other) {
    List<Atom> all = new ArrayList<>(atoms);
    all.addAll(other.atoms);
    return new PathCondition(all);
  }

  PathCondition and(Atom atom) {
    List<Atom> all = new ArrayList<>(atoms);
    all.add(atom);
    return new PathCondition(all);
  }

  List<Atom> atoms() {
    return atoms;
  }

  boolean isAny() {
    return atoms.isEmpty();
  }

  boolean test(String path) {
    for (Atom a : atoms) {
      if (!a.test(path)) {
        return false;
      }
    }
    return true;
  }

  /** The vxgate keys, or null when no path can satisfy the condition. */
  @Nullable Keys keys() {
    String exact = null;
    for (Atom a : atoms) {
      if (a instanceof Exact e && !e.ignoreCase()) {
        if (exact != null && !exact.equals(e.value())) {
          return null;
        }
        exact = e.value();
      }
    }
    if (exact != null) {
      // every other condition is decided on the one path that can match
      return test(exact) ? new Keys(exact, null, null) : null;
    }
    String prefix = null;
    List<Atom> rest = new ArrayList<>();
    for (Atom a : atoms) {
      if (a instanceof Prefix p && !p.ignoreCase()) {
        if (prefix == null || p.value().startsWith(prefix)) {
          prefix = p.value();
        } else if (!prefix.startsWith(p.value())) {
          return null;
        }
      } else {
        rest.add(a);
      }
    }
    final String pre = prefix;
    // a negated prefix that the prefix implies makes the condition unsatisfiable; one the prefix
    // excludes anyway is dropped
    List<Atom> kept = new ArrayList<>();
    for (Atom a : rest) {
      if (pre != null && a instanceof Not n && n.atom() instanceof Prefix np && !np.ignoreCase()) {
        if (pre.startsWith(np.value())) {
          return null;
        }
        if (!np.value().startsWith(pre)) {
          continue;
        }
      }
      kept.add(a);
    }
    if (kept.isEmpty()) {
      return new Keys(null, pre, null);
    }
    if (kept.size() == 1 && kept.get(0) instanceof Regex r) {
      return new Keys(null, pre, r.alone());
    }
    if (kept.size() == 1 && kept.get(0) instanceof Suffix sf) {
      return new Keys(null, pre, lit(sf.value(), sf.ignoreCase()) + "$");
    }
    if (kept.size() == 1 && kept.get(0) instanceof Contains ct) {
      return new Keys(null, pre, lit(ct.value(), ct.ignoreCase()));
    }
    if (kept.size() == 1 && !(kept.get(0) instanceof Not) && !(kept.get(0) instanceof All)) {
      return new Keys(null, pre, "^" + kept.get(0).anchored());
    }
    StringBuilder re = new StringBuilder("^");
    List<String> excluded = new ArrayList<>();
    for (Atom a : kept) {
      if (a instanceof Not n) {
        excluded.add(n.atom().anchored());
      }
    }
    if (!excluded.isEmpty()) {
      re.append("(?!").append(String.join("|", excluded)).append(')');
    }
    for (Atom a : kept) {
      if (!(a instanceof Not)) {
        re.append("(?=").append(a.anchored()).append(')');
      }
    }
    return new Keys(null, pre, re.toString());
  }

  private static String lit(String value, boolean ignoreCase) {
    return ignoreCase ? "(?i:" + quote(value) + ")" : quote(value);
  }

  private static String ci(String regex, boolean ignoreCase) {
    return ignoreCase ? "(?i:" + regex + ")" : "(?:" + regex + ")";
  }

  /** Escapes regex metacharacters one by one (more readable than \Q...\E). */
  static String quote(String s) {
    StringBuilder sb = new StringBuilder();
    for (int i = 0; i < s.length(); i++) {
      char c = s.charAt(i);
      if ("\\^$.|?*+()[]{}".indexOf(c) >= 0) {
        sb.append('\\');
      }
      sb.append(c);
    }
    return sb.toString();
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof PathCondition p && p.atoms.equals(atoms);
  }

  @Override
  public int hashCode() {
    return atoms.hashCode();
  }

  @Override
  public String toString() {
    return atoms.toString();
  }
}
