package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * A port of nginx's location lookup (src/http/ngx_http.c: ngx_http_init_locations,
 * ngx_http_join_exact_locations, ngx_http_create_locations_list, ngx_http_create_locations_tree;
 * src/http/ngx_http_core_module.c: ngx_http_core_find_location, ngx_http_core_find_static_location,
 * ngx_filename_cmp), written independently of {@link NginxLocations} so that the tests compare its
 * ordering with nginx's own data structure.
 */
final class NginxReference {
  private NginxReference() {}

  /** The answer: a location, a 301 adding a slash (DONE), or none. */
  record Answer(NginxLocations.Loc<String> loc, boolean addSlash) {}

  private static final class Queued {
    final String name;
    NginxLocations.Loc<String> exact;
    NginxLocations.Loc<String> inclusive;
    final List<Queued> list = new ArrayList<>();

    Queued(String name) {
      this.name = name;
    }
  }

  private static final class Node {
    Node left;
    Node right;
    Node tree;
    NginxLocations.Loc<String> exact;
    NginxLocations.Loc<String> inclusive;
    boolean autoRedirect;
    String name;
  }

  /** Bytes compared as ngx_filename_cmp does on Linux: '/' sorts lowest after NUL. */
  static int filenameCmp(String s1, int o1, String s2, int o2, int n) {
    for (int i = 0; i < n; i++) {
      int c1 = o1 + i < s1.length() ? s1.charAt(o1 + i) : 0;
      int c2 = o2 + i < s2.length() ? s2.charAt(o2 + i) : 0;
      if (c1 == c2) {
        if (c1 == 0) {
          return 0;
        }
        continue;
      }
      if (c1 == 0 || c2 == 0) {
        return c1 - c2;
      }
      c1 = c1 == '/' ? 0 : c1;
      c2 = c2 == '/' ? 0 : c2;
      return c1 - c2;
    }
    return 0;
  }

  /** One level: its static tree and its regexes. */
  private record Level(Node tree, List<NginxLocations.Loc<String>> regexes) {}

  private static Level level(List<NginxLocations.Loc<String>> locs) {
    List<NginxLocations.Loc<String>> statics = new ArrayList<>();
    List<NginxLocations.Loc<String>> regexes = new ArrayList<>();
    for (NginxLocations.Loc<String> l : locs) {
      (l.kind().regex() ? regexes : statics).add(l);
    }
    // ngx_http_cmp_locations: by name; an exact one before the inclusive one of the same name
    statics.sort(
        (a, b) -> {
          int rc =
              filenameCmp(
                  a.pattern(),
                  0,
                  b.pattern(),
                  0,
                  Math.min(a.pattern().length(), b.pattern().length()) + 1);
          if (rc == 0
              && a.kind() != NginxLocations.Kind.EXACT
              && b.kind() == NginxLocations.Kind.EXACT) {
            return 1;
          }
          if (rc == 0
              && a.kind() == NginxLocations.Kind.EXACT
              && b.kind() != NginxLocations.Kind.EXACT) {
            return -1;
          }
          return rc;
        });
    // ngx_http_join_exact_locations
    List<Queued> queue = new ArrayList<>();
    for (NginxLocations.Loc<String> l : statics) {
      Queued last = queue.isEmpty() ? null : queue.get(queue.size() - 1);
      if (last != null
          && last.name.equals(l.pattern())
          && last.exact != null
          && last.inclusive == null
          && l.kind() != NginxLocations.Kind.EXACT) {
        last.inclusive = l;
        continue;
      }
      Queued q = new Queued(l.pattern());
      if (l.kind() == NginxLocations.Kind.EXACT) {
        q.exact = l;
      } else {
        q.inclusive = l;
      }
      queue.add(q);
    }
    createList(queue);
    return new Level(tree(queue, 0), regexes);
  }

  /** ngx_http_create_locations_list: an inclusive location takes the ones its name prefixes. */
  private static void createList(List<Queued> locations) {
    for (int i = 0; i < locations.size(); i++) {
      Queued q = locations.get(i);
      if (q.inclusive == null) {
        continue;
      }
      int j = i + 1;
      while (j < locations.size()) {
        Queued x = locations.get(j);
        if (q.name.length() > x.name.length()
            || filenameCmp(q.name, 0, x.name, 0, q.name.length()) != 0) {
          break;
        }
        j++;
      }
      List<Queued> sub = new ArrayList<>(locations.subList(i + 1, j));
      locations.subList(i + 1, j).clear();
      q.list.addAll(sub);
      createList(q.list);
    }
  }

  /** ngx_http_create_locations_tree: the middle (ngx_queue_middle: index n/2) as the root. */
  private static Node tree(List<Queued> locations, int prefix) {
    if (locations.isEmpty()) {
      return null;
    }
    int m = locations.size() / 2;
    Queued q = locations.get(m);
    Node n = new Node();
    n.exact = q.exact;
    n.inclusive = q.inclusive;
    n.autoRedirect =
        (q.exact != null && q.exact.autoRedirect())
            || (q.inclusive != null && q.inclusive.autoRedirect());
    n.name = q.name.substring(prefix);
    n.left = tree(locations.subList(0, m), prefix);
    n.right = tree(locations.subList(m + 1, locations.size()), prefix);
    n.tree = tree(q.list, prefix + n.name.length());
    return n;
  }

  private static final int OK = 0;
  private static final int DONE = 1;
  private static final int AGAIN = 2;
  private static final int DECLINED = 3;

  /** The request's state: the location config chosen so far (r->loc_conf). */
  private static final class Request {
    final String uri;
    NginxLocations.Loc<String> loc;

    Request(String uri) {
      this.uri = uri;
    }
  }

  /** ngx_http_core_find_static_location. */
  private static int findStatic(Request r, Node node) {
    String uri = r.uri;
    int off = 0;
    int len = uri.length();
    int rv = DECLINED;
    while (true) {
      if (node == null) {
        return rv;
      }
      int n = Math.min(len, node.name.length());
      int rc = filenameCmp(uri, off, node.name, 0, n);
      if (rc != 0) {
        node = rc < 0 ? node.left : node.right;
        continue;
      }
      if (len > node.name.length()) {
        if (node.inclusive != null) {
          r.loc = node.inclusive;
          rv = AGAIN;
          off += n;
          len -= n;
          node = node.tree;
          continue;
        }
        node = node.right;
        continue;
      }
      if (len == node.name.length()) {
        if (node.exact != null) {
          r.loc = node.exact;
          return OK;
        }
        r.loc = node.inclusive;
        return AGAIN;
      }
      if (len + 1 == node.name.length() && node.autoRedirect) {
        r.loc = node.exact != null ? node.exact : node.inclusive;
        rv = DONE;
      }
      node = node.left;
    }
  }

  /** ngx_http_core_find_location, given the locations of the current level. */
  private static int find(Request r, List<NginxLocations.Loc<String>> locs) {
    Level lv = level(locs);
    boolean noregex = false;
    int rc = findStatic(r, lv.tree());
    if (rc == AGAIN) {
      noregex = r.loc.kind() == NginxLocations.Kind.NOREGEX;
      rc = find(r, r.loc.children());
    }
    if (rc == OK || rc == DONE) {
      return rc;
    }
    if (!noregex) {
      for (NginxLocations.Loc<String> re : lv.regexes()) {
        if (re.matches(r.uri)) {
          r.loc = re;
          find(r, re.children());
          return OK;
        }
      }
    }
    return rc;
  }

  static Answer answer(List<NginxLocations.Loc<String>> locs, String uri) {
    Request r = new Request(uri);
    int rc = find(r, locs);
    if (rc == DONE) {
      return new Answer(r.loc, true);
    }
    // ngx_http_core_find_config_phase uses r->loc_conf whatever the code (only DONE redirects)
    return new Answer(r.loc, false);
  }
}
