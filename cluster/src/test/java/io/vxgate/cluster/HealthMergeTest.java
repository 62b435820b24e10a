package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

class HealthMergeTest {
  private static final ServerId U_S = new ServerId("u", "s");
  private final List<Member> three =
      List.of(Member.of("a", "dc1"), Member.of("b", "dc1"), Member.of("c", "dc1"));

  private static Vote active(String node, boolean up) {
    return new Vote(
        node, new ServerId("u", "s"), Vote.Kind.ACTIVE, up, up ? "HTTP 200" : "HTTP 500", 1, 0);
  }

  @Test
  void rendezvousMovesOnlyTheServersOfALeavingMember() {
    List<Member> five = new ArrayList<>();
    for (String id : List.of("a", "b", "c", "d", "e")) {
      five.add(Member.of(id, "dc1"));
    }
    List<Member> four = five.subList(0, 4);
    int moved = 0;
    for (int s = 0; s < 500; s++) {
      List<String> before = CheckerAssignment.checkers(new ServerId("u", "s" + s), five, 2);
      List<String> after = CheckerAssignment.checkers(new ServerId("u", "s" + s), four, 2);
      if (!before.contains("e")) {
        assertThat(after).isEqualTo(before);
      } else {
        moved++;
        assertThat(after).containsAll(before.stream().filter(x -> !x.equals("e")).toList());
      }
    }
    assertThat(moved).isBetween(150, 250); // about 2/5 of the servers
  }

  @Test
  void kCheckersInEveryDatacenter() {
    List<Member> m =
        List.of(
            Member.of("a", "dc1"),
            Member.of("b", "dc1"),
            Member.of("c", "dc1"),
            Member.of("x", "dc2"),
            Member.of("y", "dc2"));
    List<String> c = CheckerAssignment.checkers(U_S, m, 2);
    assertThat(c).hasSize(4).contains("x", "y");
  }

  @Test
  void aServerWithADatacenterIsCheckedThereWhileThatDatacenterHasLiveMembers() {
    List<Member> m =
        List.of(
            Member.of("a", "dc1"),
            Member.of("b", "dc1"),
            Member.of("x", "dc2"),
            Member.of("y", "dc2"));
    assertThat(CheckerAssignment.checkers(U_S, "dc2", m, 2)).containsExactly("x", "y");
    assertThat(CheckerAssignment.checkers(U_S, "dc1", m, 2)).containsExactly("a", "b");
    // dc2 lost: its servers are checked by every remaining datacenter
    assertThat(CheckerAssignment.checkers(U_S, "dc2", m.subList(0, 2), 2))
        .containsExactly("a", "b");
    assertThat(CheckerAssignment.checkers(U_S, "dc9", m, 2)).hasSize(4);
    // dc1's verdicts on a dc2 server do not count while dc2 has checkers
    List<Vote> votes = List.of(active("a", false), active("b", false), active("x", true));
    HealthView placed = HealthMerge.merge(votes, m, Map.of(U_S, "dc2"), 2, 0, HealthView.EMPTY);
    assertThat(placed.get(U_S).up()).isTrue();
    assertThat(placed.get(U_S).checkers()).containsExactly("x", "y");
    HealthView unplaced = HealthMerge.merge(votes, m, 2, 0, HealthView.EMPTY);
    assertThat(unplaced.get(U_S).up()).isFalse();
  }

  @Test
  void votesOfNodesThatLeftOrThatAreNotCheckersDoNotCount() {
    List<String> checkers = CheckerAssignment.checkers(U_S, three, 2);
    String outsider =
        three.stream().map(Member::id).filter(id -> !checkers.contains(id)).findFirst().get();
    HealthView v =
        HealthMerge.merge(
            List.of(active(outsider, false), active(checkers.get(0), true), active("gone", false)),
            three,
            2,
            0,
            HealthView.EMPTY);
    assertThat(v.get(U_S).up()).isTrue();
    assertThat(v.get(U_S).votes()).hasSize(2);
  }

  @Test
  void withoutAnyVoteTheLastViewStands() {
    HealthView down =
        HealthMerge.merge(
            List.of(active("a", false), active("b", false), active("c", false)),
            three,
            2,
            0,
            HealthView.EMPTY);
    assertThat(down.get(U_S).up()).isFalse();
    HealthView alone = HealthMerge.merge(List.of(), List.of(Member.of("z", "dc1")), 2, 0, down);
    assertThat(alone.get(U_S).up()).isFalse();
    assertThat(alone.get(U_S).reason()).startsWith("last view: ");
  }
}
