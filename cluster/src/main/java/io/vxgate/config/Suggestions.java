package io.vxgate.config;

import java.util.Collection;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** "Did you mean" hints for misspelt keys and values. */
final class Suggestions {
  private Suggestions() {}

  /**
   * The option closest to {@code given}: the same ignoring case, '-' and '_' ({@code max_conns},
   * {@code maxConns} for {@code max-conns}), or within a small edit distance; null when none is
   * close.
   */
  static @Nullable String closest(String given, Collection<String> options) {
    String g = normalize(given);
    for (String o : options) {
      if (normalize(o).equals(g)) {
        return o;
      }
    }
    String best = null;
    int bestDistance = Integer.MAX_VALUE;
    int limit = given.length() <= 4 ? 1 : 2;
    for (String o : options) {
      int d = distance(given.toLowerCase(Locale.ROOT), o.toLowerCase(Locale.ROOT));
      if (d <= limit && d < bestDistance) {
        best = o;
        bestDistance = d;
      }
    }
    return best;
  }

  /** {@code "; did you mean X?"} or the empty string. */
  static String hint(String given, Collection<String> options) {
    if (given.chars().allMatch(Character::isDigit)) {
      return ""; // 501 is not a typo of 500
    }
    String c = closest(given, options);
    return c == null ? "" : "; did you mean " + c + "?";
  }

  private static String normalize(String s) {
    return s.toLowerCase(Locale.ROOT).replace("-", "").replace("_", "");
  }

  /** Optimal string alignment distance (Levenshtein with transpositions). */
  static int distance(String a, String b) {
    int[][] d = new int[a.length() + 1][b.length() + 1];
    for (int i = 0; i <= a.length(); i++) {
      d[i][0] = i;
    }
    for (int j = 0; j <= b.length(); j++) {
      d[0][j] = j;
    }
    for (int i = 1; i <= a.length(); i++) {
      for (int j = 1; j <= b.length(); j++) {
        int cost = a.charAt(i - 1) == b.charAt(j - 1) ? 0 : 1;
        int v = Math.min(Math.min(d[i - 1][j] + 1, d[i][j - 1] + 1), d[i - 1][j - 1] + cost);
        if (i > 1
            && j > 1
            && a.charAt(i - 1) == b.charAt(j - 2)
            && a.charAt(i - 2) == b.charAt(j - 1)) {
          v = Math.min(v, d[i - 2][j - 2] + 1);
        }
        d[i][j] = v;
      }
    }
    return d[a.length()][b.length()];
  }
}
