package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;
import java.util.regex.Pattern;
import org.jspecify.annotations.Nullable;

/**
 * nginx's choice of a location, and the first-match list of path conditions that makes the same
 * choice (docs/migrating.md, "How locations become routes").
 *
 * <p>nginx picks a location for a URI thus (ngx_http_core_find_location): an exact ({@code =})
 * location equal to the URI wins; else, when no location is named like the URI but one named URI +
 * "/" proxies, the answer is a 301 adding the slash; else the longest prefix location is
 * remembered, and its nested locations are searched the same way (an exact or regex match inside
 * wins at once); when that prefix is {@code ^~}, it is the answer; else the regex locations are
 * tried in the order of the file (with their own nested locations); else the remembered prefix (or
 * the deepest nested prefix found under it) is the answer.
 *
 * <p>vxgate routes are a first-match list. {@link #order} writes that procedure as one:
 *
 * <ol>
 *   <li>every exact name (at any depth) and every auto-redirect name is decided here, on that one
 *       path, with {@link #find}: a {@code path:} condition each;
 *   <li>the regions of {@code ^~} prefixes (the paths whose longest prefix they are), with what is
 *       nested in them;
 *   <li>the nested matches of other prefixes that win over regexes (exact ones are in step 1;
 *       nested regexes);
 *   <li>the regex locations in file order;
 *   <li>the other prefixes, longest first, with their nested prefixes.
 * </ol>
 *
 * "Longest prefix is P" is a {@code path-prefix} of P with look-ahead exceptions for the longer
 * prefixes that extend P, written only where an earlier entry does not already take those paths.
 */
final class NginxLocations {
  private NginxLocations() {}

  /** The location modifiers. */
  enum Kind {
    EXACT,
    PREFIX,
    /** {@code ^~}: a prefix that stops the regex search. */
    NOREGEX,
    REGEX,
    REGEX_I;

    boolean prefix() {
      return this == PREFIX || this == NOREGEX;
    }

    boolean regex() {
      return this == REGEX || this == REGEX_I;
    }
  }

  /**
   * A location.
   *
   * @param pattern the name of a prefix or exact location, the Java regex of a regex location
   * @param autoRedirect whether a request for the name without its trailing slash gets a 301 to it
   *     (a proxying location whose name ends with '/')
   */
  record Loc<T>(Kind kind, String pattern, boolean autoRedirect, List<Loc<T>> children, T payload) {
    Loc {
      requireNonNull(kind, "kind");
      requireNonNull(pattern, "pattern");
      children = List.copyOf(children);
    }

    boolean matches(String uri) {
      return switch (kind) {
        case EXACT -> uri.equals(pattern);
        case PREFIX, NOREGEX -> uri.startsWith(pattern);
        case REGEX -> Pattern.compile(pattern).matcher(uri).find();
        case REGEX_I -> Pattern.compile(pattern, Pattern.CASE_INSENSITIVE).matcher(uri).find();
      };
    }

    PathCondition.Atom atom() {
      return switch (kind) {
        case EXACT -> new PathCondition.Exact(pattern, false);
        case PREFIX, NOREGEX -> new PathCondition.Prefix(pattern, false);
        case REGEX -> new PathCondition.Regex(pattern, false);
        case REGEX_I -> new PathCondition.Regex(pattern, true);
      };
    }
  }

  /** What nginx does with a URI. */
  sealed interface Outcome<T> permits Select, AddSlash, NoLocation {}

  /** This location handles the request. */
  record Select<T>(Loc<T> location) implements Outcome<T> {}

  /** A 301 to the URI with a slash added (the location it names proxies). */
  record AddSlash<T>(String location) implements Outcome<T> {}

  /** No location matches: the server's own settings answer. */
  record NoLocation<T>() implements Outcome<T> {}

  /** One entry of the first-match list. */
  record Entry<T>(PathCondition condition, Outcome<T> outcome) {}

  private enum Status {
    OK,
    DONE,
    AGAIN,
    DECLINED
  }

  private record Found<T>(Status status, @Nullable Loc<T> loc, @Nullable String redirect) {}

  /** nginx's choice for one normalised URI among the locations of a server. */
  static <T> Outcome<T> find(List<Loc<T>> locations, String uri) {
    Found<T> f = find(locations, uri, 0);
    // DONE comes with a redirect, OK and AGAIN with a location
    Loc<T> loc = f.loc();
    String redirect = f.redirect();
    if (f.status() == Status.DONE && redirect != null) {
      return new AddSlash<>(redirect);
    }
    return f.status() == Status.DECLINED || loc == null ? new NoLocation<>() : new Select<>(loc);
  }

  private static <T> Found<T> find(List<Loc<T>> level, String uri, int depth) {
    boolean named = false;
    for (Loc<T> l : level) {
      if (l.kind() == Kind.EXACT && l.pattern().equals(uri)) {
        return new Found<>(Status.OK, l, null);
      }
      named |= (l.kind() == Kind.EXACT || l.kind().prefix()) && l.pattern().equals(uri);
    }
    if (!named) {
      for (Loc<T> l : level) {
        if ((l.kind() == Kind.EXACT || l.kind().prefix())
            && l.autoRedirect()
            && l.pattern().equals(uri + "/")) {
          return new Found<>(Status.DONE, l, uri + "/");
        }
      }
    }
    Loc<T> longest = null;
    for (Loc<T> l : level) {
      if (l.kind().prefix()
          && uri.startsWith(l.pattern())
          && (longest == null || l.pattern().length() > longest.pattern().length())) {
        longest = l;
      }
    }
    Found<T> result = new Found<>(Status.DECLINED, null, null);
    if (longest != null) {
      Found<T> nested = find(longest.children(), uri, depth + 1);
      if (nested.status() == Status.OK || nested.status() == Status.DONE) {
        return nested;
      }
      result = nested.status() == Status.AGAIN ? nested : new Found<>(Status.AGAIN, longest, null);
      if (longest.kind() == Kind.NOREGEX) {
        return result;
      }
    }
    for (Loc<T> l : level) {
      if (l.kind().regex() && l.matches(uri)) {
        Found<T> nested = find(l.children(), uri, depth + 1);
        return new Found<>(Status.OK, nested.status() == Status.DECLINED ? l : nested.loc(), null);
      }
    }
    return result;
  }

  /** The first-match list that reproduces {@link #find} for every path. */
  static <T> List<Entry<T>> order(List<Loc<T>> locations) {
    List<Entry<T>> out = new ArrayList<>();
    Set<String> exact = new LinkedHashSet<>();
    collectExact(locations, exact);
    for (String x : exact) {
      out.add(new Entry<>(PathCondition.of(new PathCondition.Exact(x, false)), find(locations, x)));
    }
    for (Ranked<T> r : list(locations, true)) {
      out.add(r.entry());
    }
    return out;
  }

  private static <T> void collectExact(List<Loc<T>> level, Set<String> out) {
    for (Loc<T> l : level) {
      if (l.kind() == Kind.EXACT) {
        out.add(l.pattern());
      }
      if (l.autoRedirect() && l.pattern().length() > 1 && !l.kind().regex()) {
        out.add(l.pattern().substring(0, l.pattern().length() - 1));
      }
      collectExact(l.children(), out);
    }
  }

  /** An entry and whether its outcome ends the search of the enclosing level (nginx's OK). */
  private record Ranked<T>(Entry<T> entry, boolean strong) {
    Ranked<T> and(PathCondition c) {
      return new Ranked<>(new Entry<>(c.and(entry.condition()), entry.outcome()), strong);
    }
  }

  private static <T> List<Ranked<T>> list(List<Loc<T>> level, boolean top) {
    Comparator<Loc<T>> longestFirst =
        Comparator.comparingInt((Loc<T> l) -> l.pattern().length()).reversed();
    List<Loc<T>> carets =
        level.stream().filter(l -> l.kind() == Kind.NOREGEX).sorted(longestFirst).toList();
    List<Loc<T>> plains =
        level.stream().filter(l -> l.kind() == Kind.PREFIX).sorted(longestFirst).toList();
    List<Ranked<T>> out = new ArrayList<>();
    for (Loc<T> q : carets) {
      // at the top, longer ^~ regions are complete before this one: only longer plain prefixes
      // must be kept out
      PathCondition guard = longest(level, q, top ? Kind.PREFIX : null);
      for (Ranked<T> r : list(q.children(), false)) {
        out.add(r.and(guard));
      }
      out.add(new Ranked<>(new Entry<>(guard, new Select<>(q)), false));
    }
    for (Loc<T> p : plains) {
      PathCondition guard = longest(level, p, null);
      for (Ranked<T> r : list(p.children(), false)) {
        if (r.strong()) {
          out.add(r.and(guard));
        }
      }
    }
    PathCondition outsideCarets = PathCondition.any();
    if (!top) {
      for (Loc<T> q : carets) {
        outsideCarets =
            outsideCarets.and(
                new PathCondition.Not(new PathCondition.All(longest(level, q, null).atoms())));
      }
    }
    for (Loc<T> r : level) {
      if (!r.kind().regex()) {
        continue;
      }
      PathCondition c = outsideCarets.and(r.atom());
      for (Ranked<T> n : list(r.children(), false)) {
        out.add(new Ranked<>(new Entry<>(c.and(n.entry().condition()), n.entry().outcome()), true));
      }
      out.add(new Ranked<>(new Entry<>(c, new Select<>(r)), true));
    }
    for (Loc<T> p : plains) {
      // at the top, every longer prefix's region is complete before this one
      PathCondition guard = top ? PathCondition.of(p.atom()) : longest(level, p, null);
      for (Ranked<T> r : list(p.children(), false)) {
        if (!r.strong()) {
          out.add(r.and(guard));
        }
      }
      out.add(new Ranked<>(new Entry<>(guard, new Select<>(p)), false));
    }
    return out;
  }

  /**
   * The paths whose longest prefix at this level is {@code p}: they start with it and with no
   * longer prefix of the level (only those of kind {@code only}, when given) that extends it.
   */
  // m != p: another location than p itself (an equal one is another location too)
  @SuppressWarnings("ReferenceEquality")
  private static <T> PathCondition longest(List<Loc<T>> level, Loc<T> p, @Nullable Kind only) {
    PathCondition c = PathCondition.of(p.atom());
    for (Loc<T> m : level) {
      if (m != p
          && m.kind().prefix()
          && (only == null || m.kind() == only)
          && m.pattern().length() > p.pattern().length()
          && m.pattern().startsWith(p.pattern())) {
        c = c.and(new PathCondition.Not(m.atom()));
      }
    }
    return c;
  }
}
