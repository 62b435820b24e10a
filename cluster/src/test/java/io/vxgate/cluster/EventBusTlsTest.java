package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.eventbus.DeliveryOptions;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.eventbus.ReplyException;
import io.vxgate.config.ClusterConfig;
import io.vxgate.config.HostPort;
import io.vxgate.testing.ClusterCa;
import io.vxgate.testing.FreePorts;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * The clustered event bus over mutual TLS ({@code cluster.tls}, docs/cluster.md "Security"): two
 * members with certificates of the cluster's CA talk; a real third Vert.x that joins the same
 * Hazelcast cluster (it knows the cluster name and reaches the member port) but holds no member
 * certificate, or one of another CA, can neither send to the members nor read what they send.
 */
class EventBusTlsTest {
  private static final Duration WAIT = Duration.ofSeconds(60);
  @TempDir Path dir;
  private final String name = "eb-tls-" + UUID.randomUUID();
  private final List<HostPort> binds = new ArrayList<>();
  private final List<ClusterNode> nodes = new ArrayList<>();
  private ClusterCa ca;

  @BeforeEach
  void ca() throws Exception {
    ca = ClusterCa.create(dir, "cluster-ca");
    for (int i = 0; i < 3; i++) {
      binds.add(new HostPort("127.0.0.1", FreePorts.pick()));
    }
  }

  @AfterEach
  void close() {
    for (ClusterNode n : nodes) {
      try {
        n.close().await();
      } catch (RuntimeException ignored) {
        // already closed
      }
    }
  }

  private Vertx start(int i, ClusterConfig.Tls tls) {
    ClusterConfig c = new ClusterConfig(name, binds.get(i), binds, null).withTls(tls);
    ClusterNode n =
        ClusterBootstrap.startClustered(
                c,
                Member.of("n" + i, "dc1"),
                new VertxOptions(),
                ClusterBootstrap.Options.defaults())
            .await();
    nodes.add(n);
    return n.vertx();
  }

  private ClusterConfig.Tls tls(ClusterCa issuer, String member) throws Exception {
    List<Path> files = issuer.member(member);
    return new ClusterConfig.Tls(
        files.get(0).toString(), files.get(1).toString(), ca.caPem().toString());
  }

  @Test
  void anOutsiderWithoutAMemberCertificateCanNeitherSendNorRead() throws Exception {
    outsiderCanNeitherSendNorRead(null);
  }

  @Test
  void anOutsiderWithACertificateOfAnotherCaCanNeitherSendNorRead() throws Exception {
    ClusterCa rogue = ClusterCa.create(dir, "rogue-ca");
    List<Path> files = rogue.member("outsider");
    // it trusts our CA (the CA certificate is public), but its own certificate is not ours
    outsiderCanNeitherSendNorRead(
        new ClusterConfig.Tls(
            files.get(0).toString(), files.get(1).toString(), ca.caPem().toString()));
  }

  private void outsiderCanNeitherSendNorRead(ClusterConfig.Tls outsiderTls) throws Exception {
    Vertx m1 = start(0, tls(ca, "m1"));
    Vertx m2 = start(1, tls(ca, "m2"));
    List<String> received = new CopyOnWriteArrayList<>();
    m2.eventBus()
        .<String>consumer("vxgate.test.secret", m -> received.add(m.body()))
        .completion()
        .await();
    List<String> m2News = new CopyOnWriteArrayList<>();
    m2.eventBus()
        .<String>consumer("vxgate.test.news", m -> m2News.add(m.body()))
        .completion()
        .await();
    Vertx outsider = start(2, outsiderTls);
    // it is in the Hazelcast cluster: that part has no authentication (see OutsiderTest)
    await().atMost(WAIT).until(() -> nodes.get(0).membership().members().size() == 3);
    List<String> leaked = new CopyOnWriteArrayList<>();
    MessageConsumer<String> spy =
        outsider.eventBus().<String>consumer("vxgate.test.news", m -> leaked.add(m.body()));
    spy.completion().await();

    // members talk over TLS
    m1.eventBus().send("vxgate.test.secret", "from m1");
    await().atMost(WAIT).until(() -> received.contains("from m1"));

    // the outsider cannot send: its connection never completes a handshake
    Throwable failure =
        outsider
            .eventBus()
            .request(
                "vxgate.test.secret", "from outsider", new DeliveryOptions().setSendTimeout(3000))
            .map(r -> (Throwable) null)
            .otherwise(e -> e)
            .await();
    assertThat(failure).isInstanceOf(ReplyException.class);
    outsider.eventBus().send("vxgate.test.secret", "sent by outsider");

    // nor read: a member's publish reaches the other member, never the outsider
    for (int i = 0; i < 5; i++) {
      m1.eventBus().publish("vxgate.test.news", "news " + i);
    }
    await().atMost(WAIT).until(() -> m2News.size() == 5);
    await()
        .during(Duration.ofSeconds(3))
        .atMost(Duration.ofSeconds(10))
        .until(() -> leaked.isEmpty() && received.equals(List.of("from m1")));
  }
}
