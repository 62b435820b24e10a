package io.vxgate.cluster.dns;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.LocalCluster;
import io.vxgate.cluster.Member;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.GatewayConfig;
import java.net.InetAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

/** DNS sync over the local cluster and an in-memory record set. */
class DnsSyncTest {
  private static final DnsSync.Timing FAST =
      new DnsSync.Timing(
          Duration.ofMillis(200),
          Duration.ofMillis(100),
          Duration.ofMillis(50),
          Duration.ofMillis(400),
          Duration.ofSeconds(1));
  private static final Duration SOON = Duration.ofSeconds(5);

  private final Vertx vertx = Vertx.vertx();
  private final LocalCluster cluster = new LocalCluster();
  private final List<DnsSync> syncs = new ArrayList<>();
  private final List<ClusterNode> nodes = new ArrayList<>();

  @AfterEach
  void tearDown() {
    syncs.forEach(s -> s.close().await());
    vertx.close().await();
  }

  private DnsSync node(String id, String address, RecordSet records) {
    ClusterNode n = cluster.join(vertx, Member.of(id, "dc1"));
    nodes.add(n);
    DnsSync s =
        DnsSync.start(vertx, n.membership(), records, address, FAST, "gw.example.test").await();
    syncs.add(s);
    return s;
  }

  private static InetAddress ip(String s) throws Exception {
    return InetAddress.getByName(s);
  }

  @Test
  void publishesReadyMembersOnlyRemovesStaleRecordsAndOneNodeWrites() throws Exception {
    MemoryRecordSet dns = new MemoryRecordSet(ip("192.0.2.99"));
    DnsSync a = node("a", "127.0.0.11", dns);
    DnsSync b = node("b", "127.0.0.12", dns);
    DnsSync c = node("c", "::1", dns);
    a.ready().await();
    b.ready().await();
    await().atMost(SOON).until(() -> dns.addresses().equals(Set.of("127.0.0.11", "127.0.0.12")));
    assertThat(syncs.stream().filter(DnsSync::writer)).hasSize(1);
    c.ready().await();
    await()
        .atMost(SOON)
        .until(() -> dns.addresses().equals(Set.of("127.0.0.11", "127.0.0.12", "0:0:0:0:0:0:0:1")));
    int updates = dns.applied.size();
    Thread.sleep(600); // three periods: equal sets cause no update
    assertThat(dns.applied).hasSize(updates);
    assertThat(syncs.stream().filter(DnsSync::writer)).hasSize(1);
  }

  @Test
  void aWithdrawnNodeLeavesAtOnceTheWriterWaitsForItsOwnUpdate() throws Exception {
    MemoryRecordSet dns = new MemoryRecordSet();
    DnsSync a = node("a", "127.0.0.11", dns);
    await().atMost(SOON).until(a::writer);
    DnsSync b = node("b", "127.0.0.12", dns);
    a.ready().await();
    b.ready().await();
    await().atMost(SOON).until(() -> dns.addresses().size() == 2);
    b.withdraw().await();
    await()
        .atMost(Duration.ofSeconds(1))
        .pollInterval(Duration.ofMillis(10))
        .until(() -> dns.addresses().equals(Set.of("127.0.0.11")));
    a.withdraw().await(); // the writer: done means updated
    assertThat(dns.addresses()).isEmpty();
    b.ready().await();
    await().atMost(SOON).until(() -> dns.addresses().equals(Set.of("127.0.0.12")));
  }

  @Test
  void whenTheWriterLeavesAnotherTakesOverAndRemovesIt() throws Exception {
    MemoryRecordSet dns = new MemoryRecordSet();
    DnsSync a = node("a", "127.0.0.11", dns);
    await().atMost(SOON).until(a::writer);
    DnsSync b = node("b", "127.0.0.12", dns);
    DnsSync c = node("c", "127.0.0.13", dns);
    for (DnsSync s : List.of(a, b, c)) {
      s.ready().await();
    }
    await().atMost(SOON).until(() -> dns.addresses().size() == 3);
    // the writer goes away without withdrawing (as if killed): lock released, member gone
    a.close().await();
    nodes.get(0).close().await();
    await().atMost(SOON).until(() -> dns.addresses().equals(Set.of("127.0.0.12", "127.0.0.13")));
    assertThat(b.writer() ^ c.writer()).isTrue();
  }

  @Test
  void aReadyEntryLostWhenTheWriterDiesIsPublishedAgainByItsNode() throws Exception {
    MemoryRecordSet dns = new MemoryRecordSet();
    DnsSync a = node("a", "127.0.0.11", dns);
    await().atMost(SOON).until(a::writer);
    DnsSync b = node("b", "127.0.0.12", dns);
    DnsSync c = node("c", "127.0.0.13", dns);
    for (DnsSync s : List.of(a, b, c)) {
      s.ready().await();
    }
    await().atMost(SOON).until(() -> dns.addresses().size() == 3);
    // kill -9 of the writer, and the cluster loses b's entry with it (as Hazelcast does with the
    // replicas of a member killed while partitions migrate, or when a split brain heals): b is
    // still a live member, ready, serving, and nobody announces anything
    vertx
        .sharedData()
        .<String, String>getAsyncMap(DnsSync.READY_MAP)
        .compose(m -> m.remove("b"))
        .await();
    a.close().await();
    nodes.get(0).close().await();
    await().atMost(SOON).until(() -> b.writer() || c.writer());
    await().atMost(SOON).until(() -> dns.addresses().equals(Set.of("127.0.0.12", "127.0.0.13")));
    // and a node that withdrew is not put back by that
    b.withdraw().await();
    await().atMost(SOON).until(() -> dns.addresses().equals(Set.of("127.0.0.13")));
    Thread.sleep(600); // three periods
    assertThat(dns.addresses()).containsExactly("127.0.0.13");
  }

  @Test
  void aRetryAfterFailuresNeverWaitsLongerThanThePeriod() {
    DnsSync.Timing t = DnsSync.Timing.defaults();
    for (int failures = 1; failures <= 40; failures++) {
      assertThat(t.backoff(failures)).isLessThanOrEqualTo(t.period());
    }
    assertThat(t.backoff(1)).isEqualTo(Duration.ofSeconds(1));
  }

  @Test
  void backsOffWhileTheServerFailsAndCatchesUpAfter() throws Exception {
    MemoryRecordSet dns = new MemoryRecordSet();
    dns.failing = true;
    DnsSync a = node("a", "127.0.0.11", dns);
    await().atMost(SOON).until(a::writer);
    assertThatThrownBy(() -> a.ready().compose(v -> a.withdraw()).await())
        .hasMessageContaining("server down");
    a.ready().await();
    Thread.sleep(300);
    dns.failing = false;
    await().atMost(SOON).until(() -> dns.addresses().equals(Set.of("127.0.0.11")));
  }

  @Test
  void backoffDoublesUpToItsMaximum() {
    assertThat(List.of(1, 2, 3, 4, 5, 40).stream().map(FAST::backoff).map(Duration::toMillis))
        .containsExactly(50L, 100L, 200L, 400L, 400L, 400L);
  }

  @Test
  void planRemovesTheStaleAndAddsTheMissing() throws Exception {
    DnsPlan p =
        DnsPlan.between(Set.of(ip("10.0.0.1"), ip("10.0.0.2")), Set.of(ip("10.0.0.2"), ip("::1")));
    assertThat(p.remove()).containsExactly(ip("10.0.0.1"));
    assertThat(p.add()).containsExactly(ip("::1"));
    assertThat(DnsPlan.between(Set.of(ip("10.0.0.1")), Set.of(ip("10.0.0.1"))).isEmpty()).isTrue();
  }

  @Test
  void advertisedIsNodeAdvertiseElseTheFirstListenersHostButNeverAWildcard() {
    assertThat(DnsSync.advertised(config("203.0.113.10", "0.0.0.0"))).isEqualTo("203.0.113.10");
    assertThat(DnsSync.advertised(config(null, "127.0.0.5"))).isEqualTo("127.0.0.5");
    assertThatThrownBy(() -> DnsSync.advertised(config(null, "0.0.0.0")))
        .hasMessageContaining("node.advertise is required");
  }

  private static GatewayConfig config(String advertise, String listenerHost) {
    String yaml =
        """
        node: {id: n1%s}
        listeners: [{name: web, bind: "%s:8080"}]
        upstreams: {u: {servers: [{name: a, address: 127.0.0.1:9001}]}}
        routes: [{name: d, upstream: u}]
        """
            .formatted(advertise == null ? "" : ", advertise: " + advertise, listenerHost);
    return ConfigLoader.parse(yaml, "test.yaml", null, null);
  }
}
