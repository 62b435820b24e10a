package io.vxgate.admin.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Random;
import java.util.Set;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;

/**
 * The first-match list of {@link NginxLocations#order} chooses what nginx chooses: checked on
 * random location sets (nested, exact, {@code ^~}, regexes, auto-redirects) and random paths
 * against {@link NginxReference}, a port of nginx's own location tree, both on the conditions and
 * on the vxgate keys they are written as.
 */
class NginxLocationsTest {
  private static final String[] PIECES = {
    "/",
    "/a",
    "/a/",
    "/ab",
    "/a/b",
    "/a/b/",
    "/b",
    "/b/",
    "/a/bc",
    "/c/",
    "/abc",
    "/a.png",
    "/b/x.png",
    "/B/"
  };
  private static final String[] REGEXES = {"\\.png$", "^/a", "b/", "^/a/b$", "^/[ab]/", "c", "^/b"};

  @Test
  void randomLocationSetsChooseAsNginxDoes() {
    Random rnd = new Random(20261207L);
    int compared = 0;
    for (int round = 0; round < 3000; round++) {
      List<NginxLocations.Loc<String>> locs = level(rnd, "", 0, new int[] {0});
      List<NginxLocations.Entry<String>> entries = NginxLocations.order(locs);
      for (String uri : uris(rnd)) {
        NginxReference.Answer expected = NginxReference.answer(locs, uri);
        assertThat(describe(firstMatch(entries, uri, false)))
            .as("round %d uri %s locations %s entries %s", round, uri, locs, entries)
            .isEqualTo(describe(expected));
        assertThat(describe(firstMatch(entries, uri, true)))
            .as("as vxgate keys: round %d uri %s locations %s", round, uri, locs)
            .isEqualTo(describe(expected));
        compared++;
      }
    }
    assertThat(compared).isGreaterThan(100_000);
  }

  @Test
  void findFollowsNginxOnTheDocumentedExamples() {
    // the example of the nginx documentation (ngx_http_core_module, "location")
    NginxLocations.Loc<String> a = loc(NginxLocations.Kind.EXACT, "/", "A");
    NginxLocations.Loc<String> b = loc(NginxLocations.Kind.PREFIX, "/", "B");
    NginxLocations.Loc<String> c = loc(NginxLocations.Kind.PREFIX, "/documents/", "C");
    NginxLocations.Loc<String> d = loc(NginxLocations.Kind.NOREGEX, "/images/", "D");
    NginxLocations.Loc<String> e = loc(NginxLocations.Kind.REGEX_I, "\\.(gif|jpg|jpeg)$", "E");
    List<NginxLocations.Loc<String>> locs = List.of(a, b, c, d, e);
    assertThat(pick(locs, "/")).isEqualTo("A");
    assertThat(pick(locs, "/index.html")).isEqualTo("B");
    assertThat(pick(locs, "/documents/document.html")).isEqualTo("C");
    assertThat(pick(locs, "/images/1.gif")).isEqualTo("D");
    assertThat(pick(locs, "/documents/1.jpg")).isEqualTo("E");
  }

  @Test
  void aProxyingLocationWithASlashRedirectsItsNameWithout() {
    NginxLocations.Loc<String> api =
        new NginxLocations.Loc<>(NginxLocations.Kind.PREFIX, "/api/", true, List.of(), "api");
    NginxLocations.Loc<String> re = loc(NginxLocations.Kind.REGEX, "^/api", "re");
    List<NginxLocations.Loc<String>> locs = List.of(api, re);
    assertThat(NginxLocations.find(locs, "/api")).isEqualTo(new NginxLocations.AddSlash<>("/api/"));
    assertThat(NginxLocations.find(locs, "/api/x")).isEqualTo(new NginxLocations.Select<>(re));
    assertThat(NginxReference.answer(locs, "/api").addSlash()).isTrue();
  }

  private static String pick(List<NginxLocations.Loc<String>> locs, String uri) {
    NginxReference.Answer ref = NginxReference.answer(locs, uri);
    NginxLocations.Outcome<String> o = NginxLocations.find(locs, uri);
    assertThat(describe(o)).isEqualTo(describe(ref));
    return ref.loc().payload();
  }

  private static NginxLocations.Loc<String> loc(NginxLocations.Kind k, String p, String id) {
    return new NginxLocations.Loc<>(k, p, false, List.of(), id);
  }

  private static String describe(NginxReference.Answer a) {
    if (a.loc() == null) {
      return "none";
    }
    return a.addSlash() ? "slash " + a.loc().pattern() : "loc " + a.loc().payload();
  }

  private static String describe(NginxLocations.Outcome<String> o) {
    if (o instanceof NginxLocations.Select<String> s) {
      return "loc " + s.location().payload();
    }
    if (o instanceof NginxLocations.AddSlash<String> a) {
      return "slash " + a.location();
    }
    return "none";
  }

  /** The first entry that holds, evaluated on the atoms or on the written vxgate keys. */
  private static NginxLocations.Outcome<String> firstMatch(
      List<NginxLocations.Entry<String>> entries, String uri, boolean asKeys) {
    for (NginxLocations.Entry<String> e : entries) {
      boolean holds;
      if (asKeys) {
        PathCondition.Keys k = e.condition().keys();
        holds =
            k != null
                && (k.path() == null || uri.equals(k.path()))
                && (k.pathPrefix() == null || uri.startsWith(k.pathPrefix()))
                && (k.pathRegex() == null || Pattern.compile(k.pathRegex()).matcher(uri).find());
      } else {
        holds = e.condition().test(uri);
      }
      if (holds) {
        return e.outcome();
      }
    }
    return new NginxLocations.NoLocation<>();
  }

  private static List<NginxLocations.Loc<String>> level(
      Random rnd, String parent, int depth, int[] ids) {
    List<NginxLocations.Loc<String>> out = new ArrayList<>();
    Set<String> inclusive = new HashSet<>();
    Set<String> exact = new HashSet<>();
    int n = 1 + rnd.nextInt(depth == 0 ? 6 : 3);
    for (int i = 0; i < n; i++) {
      int kind = rnd.nextInt(10);
      String id = "L" + ids[0]++;
      if (kind < 2) {
        String re = REGEXES[rnd.nextInt(REGEXES.length)];
        boolean ci = rnd.nextBoolean();
        List<NginxLocations.Loc<String>> kids =
            depth < 2 && rnd.nextInt(6) == 0 ? regexKids(rnd, ids) : List.of();
        out.add(
            new NginxLocations.Loc<>(
                ci ? NginxLocations.Kind.REGEX_I : NginxLocations.Kind.REGEX, re, false, kids, id));
        continue;
      }
      String name = PIECES[rnd.nextInt(PIECES.length)];
      if (!name.startsWith(parent)) {
        name = parent + name.substring(1);
      }
      if (kind < 4) {
        if (exact.add(name)) {
          out.add(
              new NginxLocations.Loc<>(
                  NginxLocations.Kind.EXACT,
                  name,
                  name.endsWith("/") && rnd.nextBoolean(),
                  List.of(),
                  id));
        }
        continue;
      }
      if (!inclusive.add(name)) {
        continue;
      }
      NginxLocations.Kind k = kind < 6 ? NginxLocations.Kind.NOREGEX : NginxLocations.Kind.PREFIX;
      List<NginxLocations.Loc<String>> kids =
          depth < 2 && rnd.nextInt(4) == 0 ? level(rnd, name, depth + 1, ids) : List.of();
      out.add(new NginxLocations.Loc<>(k, name, name.endsWith("/") && rnd.nextBoolean(), kids, id));
    }
    return out;
  }

  private static List<NginxLocations.Loc<String>> regexKids(Random rnd, int[] ids) {
    String re = REGEXES[rnd.nextInt(REGEXES.length)];
    return List.of(
        new NginxLocations.Loc<>(NginxLocations.Kind.REGEX, re, false, List.of(), "L" + ids[0]++));
  }

  private static List<String> uris(Random rnd) {
    List<String> out = new ArrayList<>();
    for (String p : PIECES) {
      out.add(p);
      out.add(p + "x");
      if (p.endsWith("/")) {
        out.add(p.substring(0, p.length() - 1).isEmpty() ? "/" : p.substring(0, p.length() - 1));
      } else {
        out.add(p + "/");
      }
    }
    for (int i = 0; i < 8; i++) {
      out.add(PIECES[rnd.nextInt(PIECES.length)] + PIECES[rnd.nextInt(PIECES.length)].substring(1));
    }
    return out;
  }
}
