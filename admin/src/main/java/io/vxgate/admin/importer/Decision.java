package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;

/**
 * A first-match decision: branches tried in order, each a condition and either an action or a
 * further decision. nginx's phases (server rewrite, location, location rewrite, access) and
 * HAProxy's rule lists nest this way; {@link #flatten} turns the nesting into vxgate's flat
 * first-match route list by conjoining conditions. A negated condition needs no negation in vxgate:
 * the branch for the positive case comes first.
 */
final class Decision {
  /** A branch: {@code then} is a {@link Leaf} or a nested {@link Decision}. */
  record Branch(Match when, Object then) {}

  /** An action with what it was translated from. */
  record Leaf(RouteAction action, String label, Source source, String comment) {}

  /** One flat route: all conditions conjoined. */
  record Flat(Match match, Leaf leaf) {}

  private final List<Branch> branches = new ArrayList<>();

  static Decision of(Leaf leaf) {
    return new Decision().otherwise(leaf);
  }

  Decision when(Match m, Object then) {
    branches.add(new Branch(m, then));
    return this;
  }

  Decision otherwise(Object then) {
    return when(Match.ANY, then);
  }

  List<Branch> branches() {
    return branches;
  }

  /** The flat routes under {@code context}, unsatisfiable ones left out. */
  List<Flat> flatten(Match context) {
    List<Flat> out = new ArrayList<>();
    flatten(context, out);
    return out;
  }

  private void flatten(Match context, List<Flat> out) {
    for (Branch b : branches) {
      Match m = context.and(b.when());
      if (m == null) {
        continue;
      }
      if (b.then() instanceof Leaf l) {
        out.add(new Flat(m, l));
      } else {
        ((Decision) b.then()).flatten(m, out);
      }
      if (b.when().isAny()) {
        return; // nothing after an unconditional branch is reached
      }
    }
  }
}
