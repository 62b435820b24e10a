package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.ConfigStore.Entry;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletionException;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

/**
 * The one contract of {@link Membership}, {@link ConfigStore}, {@link HealthBoard} and {@link
 * Broadcast}, run against the local twin and Hazelcast (three nodes each).
 */
abstract class ClusterContractTest {
  static final Duration WAIT = Duration.ofSeconds(20);

  List<ClusterNode> nodes;

  /** Starts {@code ids.size()} nodes of one fresh cluster, all in datacenter {@code dc1}. */
  abstract List<ClusterNode> start(List<Member> members);

  /** Stops everything that {@link #start} started. */
  abstract void stopAll();

  @BeforeEach
  void startNodes() {
    nodes = new ArrayList<>(start(List.of(Member.of("n1", "dc1"), member("n2"), member("n3"))));
  }

  private static Member member(String id) {
    return new Member(id, "dc1", "127.0.0.1:9090", List.of("web=127.0.0.1:8080"));
  }

  @AfterEach
  void stopNodes() {
    stopAll();
  }

  static <T> T join(Future<T> f) {
    return f.toCompletionStage().toCompletableFuture().join();
  }

  static JsonObject config(String marker) {
    return new JsonObject()
        .put("routes", new JsonArray().add(new JsonObject().put("name", marker)));
  }

  ConfigStore store(int i) {
    return nodes.get(i).configStore();
  }

  // Membership

  @Test
  void everyNodeSeesEveryMemberWithItsAttributes() {
    for (ClusterNode n : nodes) {
      await()
          .atMost(WAIT)
          .untilAsserted(
              () ->
                  assertThat(n.membership().members())
                      .extracting(Member::id)
                      .containsExactly("n1", "n2", "n3"));
    }
    Member n2 = nodes.get(0).membership().members().get(1);
    assertThat(n2).isEqualTo(member("n2"));
    assertThat(nodes.get(1).membership().local()).isEqualTo(member("n2"));
  }

  @Test
  void aLeavingMemberIsGoneForTheOthersAndTheyAreTold() {
    List<List<Member>> heard = new CopyOnWriteArrayList<>();
    nodes.get(0).membership().listen(heard::add);
    join(nodes.get(2).close());
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(nodes.get(0).membership().members())
                  .extracting(Member::id)
                  .containsExactly("n1", "n2");
              assertThat(heard).isNotEmpty();
              assertThat(heard.get(heard.size() - 1))
                  .extracting(Member::id)
                  .containsExactly("n1", "n2");
            });
    nodes.remove(2);
  }

  // ConfigStore

  // Broadcast

  @Test
  void aBroadcastReachesEveryOtherNodeOnItsTopicButNotItsSender() {
    List<List<String>> heard = new ArrayList<>();
    List<Subscription> subs = new ArrayList<>();
    for (ClusterNode n : nodes) {
      List<String> mine = new CopyOnWriteArrayList<>();
      heard.add(mine);
      subs.add(n.broadcast("t").listen(b -> mine.add(b.toString())));
      subs.add(n.broadcast("other").listen(b -> mine.add("other:" + b)));
    }
    // a clustered consumer is known to the other nodes shortly after it registered
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              nodes.get(0).broadcast("t").publish(io.vertx.core.buffer.Buffer.buffer("ping"));
              assertThat(heard.get(1)).contains("ping");
              assertThat(heard.get(2)).contains("ping");
            });
    nodes.get(1).broadcast("t").publish(io.vertx.core.buffer.Buffer.buffer("from-n2"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(heard.get(0)).contains("from-n2"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(heard.get(2)).contains("from-n2"));
    assertThat(heard.get(0)).doesNotContain("ping");
    assertThat(heard.get(1)).doesNotContain("from-n2");
    assertThat(heard.stream().flatMap(List::stream)).noneMatch(m -> m.startsWith("other:"));
    subs.get(4).cancel();
    subs.get(5).cancel();
    heard.get(2).clear();
    nodes.get(0).broadcast("t").publish(io.vertx.core.buffer.Buffer.buffer("after"));
    await().atMost(WAIT).untilAsserted(() -> assertThat(heard.get(1)).contains("after"));
    assertThat(heard.get(2)).isEmpty();
    subs.forEach(Subscription::cancel);
  }

  @Test
  void anEmptyStoreHasNoCurrentEntryAndVersionsStartAtOne() {
    assertThat(join(store(0).current())).isEmpty();
    Entry e = join(store(0).compareAndSet(0, config("a"), "n1"));
    assertThat(e.version()).isEqualTo(1);
    assertThat(e.author()).isEqualTo("n1");
    assertThat(e.config()).isEqualTo(config("a"));
    assertThat(join(store(1).current())).contains(e);
  }

  @Test
  void aStaleExpectedVersionIsRejectedWithTheCurrentVersion() {
    join(store(0).compareAndSet(0, config("a"), "n1"));
    join(store(1).compareAndSet(1, config("b"), "n2"));
    assertThatThrownBy(() -> join(store(2).compareAndSet(1, config("c"), "n3")))
        .isInstanceOf(CompletionException.class)
        .cause()
        .isInstanceOfSatisfying(
            ConfigStore.StaleVersionException.class, s -> assertThat(s.current()).isEqualTo(2));
    assertThat(join(store(2).current()).orElseThrow().config()).isEqualTo(config("b"));
  }

  @Test
  void concurrentWritersNeverLoseAChange() throws Exception {
    int perWriter = 8;
    ExecutorService pool = Executors.newFixedThreadPool(3);
    try {
      List<java.util.concurrent.Future<?>> writers = new ArrayList<>();
      for (int w = 0; w < 3; w++) {
        ConfigStore s = store(w);
        String me = "n" + (w + 1);
        writers.add(
            pool.submit(
                () -> {
                  for (int i = 0; i < perWriter; i++) {
                    while (true) {
                      Entry cur = join(s.current()).orElse(null);
                      JsonObject next =
                          cur == null
                              ? new JsonObject().put("log", new JsonArray())
                              : cur.config().copy();
                      next.getJsonArray("log").add(me + "-" + i);
                      try {
                        join(s.compareAndSet(cur == null ? 0 : cur.version(), next, me));
                        break;
                      } catch (CompletionException e) {
                        assertThat(e.getCause())
                            .isInstanceOf(ConfigStore.StaleVersionException.class);
                      }
                    }
                  }
                  return null;
                }));
      }
      for (var f : writers) {
        f.get();
      }
    } finally {
      pool.shutdownNow();
    }
    Entry last = join(store(0).current()).orElseThrow();
    assertThat(last.version()).isEqualTo(3 * perWriter);
    assertThat(last.config().getJsonArray("log")).hasSize(3 * perWriter);
  }

  @Test
  void everyNodeHearsEveryChange() {
    List<List<Entry>> heard = new ArrayList<>();
    for (ClusterNode n : nodes) {
      List<Entry> h = new CopyOnWriteArrayList<>();
      n.configStore().listen(h::add);
      heard.add(h);
    }
    Entry e1 = join(store(1).compareAndSet(0, config("a"), "n2"));
    Entry e2 = join(store(2).compareAndSet(1, config("b"), "n3"));
    for (List<Entry> h : heard) {
      await().atMost(WAIT).untilAsserted(() -> assertThat(h).containsExactly(e1, e2));
    }
  }

  @Test
  void historyKeepsTheLastTwentyOldestFirst() {
    for (int v = 0; v < 23; v++) {
      join(store(v % 3).compareAndSet(v, config("c" + v), "n" + (v % 3 + 1)));
    }
    List<Entry> h = join(store(1).history());
    assertThat(h).hasSize(ConfigStore.HISTORY);
    assertThat(h.get(0).version()).isEqualTo(4);
    assertThat(h.get(19).version()).isEqualTo(23);
    assertThat(h.get(19).config()).isEqualTo(config("c22"));
  }

  @Test
  void seedingWritesOnlyAnEmptyClusterUnlessForced() {
    Entry first = join(store(0).seed(config("file-1"), "n1", false));
    assertThat(first.version()).isEqualTo(1);
    Entry kept = join(store(1).seed(config("file-2"), "n2", false));
    assertThat(kept).isEqualTo(first);
    Entry forced = join(store(2).seed(config("file-3"), "n3", true));
    assertThat(forced.version()).isEqualTo(2);
    assertThat(forced.config()).isEqualTo(config("file-3"));
    assertThat(join(store(0).current())).contains(forced);
  }

  // HealthBoard

  HealthBoard board(int i) {
    return nodes.get(i).healthBoard();
  }

  @Test
  void everyNodeComputesTheSameCheckersKPerDatacenter() {
    for (ClusterNode n : nodes) {
      await().atMost(WAIT).until(() -> n.membership().members().size() == 3);
    }
    for (int s = 0; s < 10; s++) {
      List<String> c = board(0).checkers(new ServerId("api", "s" + s));
      assertThat(c).hasSize(2);
      assertThat(board(1).checkers(new ServerId("api", "s" + s))).isEqualTo(c);
      assertThat(board(2).checkers(new ServerId("api", "s" + s))).isEqualTo(c);
    }
  }

  @Test
  void aServerIsDownWhenAMajorityOfItsCheckersSayDown() {
    await().atMost(WAIT).until(() -> nodes.get(2).membership().members().size() == 3);
    List<String> checkers = board(0).checkers(new ServerId("api", "a"));
    String other =
        List.of("n1", "n2", "n3").stream().filter(n -> !checkers.contains(n)).findFirst().get();
    // one of two checkers says down: not a majority
    board(idx(checkers.get(0)))
        .publish(checkers.get(0), new ServerId("api", "a"), false, "HTTP 500");
    board(idx(checkers.get(1)))
        .publish(checkers.get(1), new ServerId("api", "a"), true, "HTTP 200");
    // a node that is not a checker does not count
    board(idx(other)).publish(other, new ServerId("api", "a"), false, "connect refused");
    for (int i = 0; i < 3; i++) {
      HealthBoard b = board(i);
      await()
          .atMost(WAIT)
          .untilAsserted(
              () -> {
                var h = b.view().get(new ServerId("api", "a"));
                assertThat(h).isNotNull();
                assertThat(h.votes()).hasSize(3);
                assertThat(h.up()).isTrue();
                assertThat(h.checkers()).isEqualTo(checkers);
              });
    }
    board(idx(checkers.get(1)))
        .publish(checkers.get(1), new ServerId("api", "a"), false, "HTTP 503");
    for (int i = 0; i < 3; i++) {
      HealthBoard b = board(i);
      await().atMost(WAIT).until(() -> !b.view().get(new ServerId("api", "a")).up());
    }
  }

  @Test
  void passiveMarksFromAMajorityOfNodesTakeAServerDownUntilTheyLapse() {
    await().atMost(WAIT).until(() -> nodes.get(2).membership().members().size() == 3);
    board(0).reportPassive("n1", new ServerId("api", "b"), Duration.ofMillis(1500), "3 failures");
    await().atMost(WAIT).until(() -> board(2).view().get(new ServerId("api", "b")) != null);
    assertThat(board(2).view().get(new ServerId("api", "b")).up()).isTrue();
    board(1).reportPassive("n2", new ServerId("api", "b"), Duration.ofMillis(1500), "3 failures");
    for (int i = 0; i < 3; i++) {
      HealthBoard b = board(i);
      await().atMost(WAIT).until(() -> !b.view().get(new ServerId("api", "b")).up());
    }
    for (int i = 0; i < 3; i++) {
      HealthBoard b = board(i);
      await().atMost(WAIT).until(() -> b.view().get(new ServerId("api", "b")).up());
    }
  }

  @Test
  void whenACheckerLeavesItsServersGetANewCheckerAndItsVotesStopCounting() {
    await().atMost(WAIT).until(() -> nodes.get(2).membership().members().size() == 3);
    // find a server checked by n3
    String server = null;
    for (int s = 0; server == null; s++) {
      if (board(0).checkers(new ServerId("api", "s" + s)).contains("n3")) {
        server = "s" + s;
      }
    }
    String srv = server;
    board(2).publish("n3", new ServerId("api", srv), false, "HTTP 500");
    await().atMost(WAIT).until(() -> board(0).view().get(new ServerId("api", srv)) != null);
    assertThat(board(0).view().get(new ServerId("api", srv)).up()).isFalse();
    join(nodes.get(2).close());
    nodes.remove(2);
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              assertThat(board(0).checkers(new ServerId("api", srv))).containsExactly("n1", "n2");
              var h = board(0).view().get(new ServerId("api", srv));
              assertThat(h.checkers()).containsExactly("n1", "n2");
              assertThat(h.votes()).isEmpty();
            });
    board(1).publish("n2", new ServerId("api", srv), true, "HTTP 200");
    await().atMost(WAIT).until(() -> board(0).view().get(new ServerId("api", srv)).up());
  }

  private int idx(String id) {
    return Integer.parseInt(id.substring(1)) - 1;
  }
}
