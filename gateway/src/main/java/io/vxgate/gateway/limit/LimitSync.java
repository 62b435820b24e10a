package io.vxgate.gateway.limit;

import io.vertx.core.Context;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vxgate.cluster.Broadcast;
import io.vxgate.cluster.Subscription;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The exchange of cluster-scope limit counts between the nodes (docs/cluster.md, "Limits"), never
 * on the request path: every interval this node broadcasts what its keys took since its last report
 * and what they have in flight ({@link Reports}), and adds what the others report to its own
 * policies ({@link Policy#addRemote}, {@link Policy#peers}).
 *
 * <p>A peer is <em>heard</em> while its last report is younger than {@code stale}. When this node
 * hears none of the peers it knew (they all went silent within one {@code stale}), it is cut off:
 * its policies keep the others' last counts and leave them their share ({@link Policy#cutOff})
 * until a peer is heard again, or for at most {@code forget}, after which the silent peers are
 * taken for gone. When only some peers went silent, the nodes still heard share the whole limit
 * between them. A peer that says it leaves (a node that stops) is forgotten at once.
 *
 * <p>Confined to one Vert.x context: the timer and received messages both run on it.
 */
final class LimitSync {
  private static final Logger log = LoggerFactory.getLogger(LimitSync.class);

  /** How often reports go out. */
  static final Duration INTERVAL = Duration.ofMillis(100);

  /** A peer whose last report is older than this many intervals is not heard (at least 1 s). */
  static final int STALE_INTERVALS = 10;

  /** How long a cut-off node keeps the silent peers' share for them. */
  static final Duration FORGET = Duration.ofSeconds(60);

  private final String node;
  private final Broadcast channel;
  private final Ticker ticker;
  private final Supplier<Collection<Policy>> policies;
  private final long intervalMs;
  private final long staleMs;
  private final long forgetMs;
  private final Map<String, Peer> peers = new HashMap<>();
  private boolean cut;
  private @Nullable Context context;
  private @Nullable Subscription subscription;
  private long timer = -1;
  private @Nullable Vertx vertx;

  /** What this node knows of another. */
  private static final class Peer {
    long heardMs;
    final Map<String, LongIntMap> inflight = new HashMap<>();
  }

  /**
   * @param policies the node's current policies (of every scope: only cluster ones are exchanged)
   */
  LimitSync(
      String node,
      Broadcast channel,
      Ticker ticker,
      Supplier<Collection<Policy>> policies,
      Duration interval,
      Duration forget) {
    this.node = node;
    this.channel = channel;
    this.ticker = ticker;
    this.policies = policies;
    this.intervalMs = interval.toMillis();
    this.staleMs = Math.max(1000, STALE_INTERVALS * intervalMs);
    this.forgetMs = forget.toMillis();
  }

  /** Starts the timer and listens to the others, on a context of its own. */
  void start(Vertx vertx) {
    Context ctx = vertx.getOrCreateContext();
    this.vertx = vertx;
    this.context = ctx;
    ctx.runOnContext(
        v -> {
          subscription = channel.listen(b -> ctx.runOnContext(x -> receive(b)));
          timer = vertx.setPeriodic(intervalMs, id -> tick());
        });
  }

  /** Stops, telling the others this node leaves (so they do not keep its share). */
  void stop() {
    Context ctx = context;
    Vertx vx = vertx;
    if (ctx == null || vx == null) {
      return;
    }
    ctx.runOnContext(
        v -> {
          if (timer >= 0) {
            vx.cancelTimer(timer);
            timer = -1;
          }
          Subscription sub = subscription;
          if (sub != null) {
            sub.cancel();
          }
          channel.publish(new Reports.Writer(node, true).done());
        });
  }

  private long nowMs() {
    return ticker.nanoTime() / 1_000_000;
  }

  /** One interval: who is heard, the policies' windows and state, this node's report. */
  void tick() {
    long now = nowMs();
    boolean heard = false;
    for (Peer p : peers.values()) {
      heard |= now - p.heardMs < staleMs;
    }
    boolean changed = peers.values().removeIf(p -> now - p.heardMs >= forgetMs);
    boolean cutNow = !peers.isEmpty() && !heard;
    if (!cutNow) {
      // the silent ones among others still heard are gone: those heard share the limit
      changed |= peers.values().removeIf(p -> now - p.heardMs >= staleMs);
    }
    if (cutNow != cut) {
      cut = cutNow;
      log.atWarn()
          .addKeyValue("peers", peers.keySet())
          .log(
              cut
                  ? "limits: no other node heard, enforcing this node's last share"
                  : "limits: other nodes heard again");
    }
    List<Policy> clustered = new ArrayList<>();
    for (Policy p : policies.get()) {
      if (p.cluster()) {
        clustered.add(p);
        p.cutOff(cut);
        p.tick(now);
      }
    }
    if (changed) {
      peersChanged(clustered);
    }
    if (clustered.isEmpty()) {
      return;
    }
    Reports.Writer w = new Reports.Writer(node, false);
    clustered.forEach(w::policy);
    channel.publish(w.done());
  }

  /** A report from another node. */
  void receive(Buffer b) {
    Reports.Report r;
    try {
      r = Reports.read(b);
    } catch (RuntimeException e) {
      log.debug("limits: unreadable report: {}", e.toString());
      return;
    }
    if (r.node().equals(node)) {
      return;
    }
    Map<String, Policy> byName = new HashMap<>();
    for (Policy p : policies.get()) {
      if (p.cluster()) {
        byName.put(p.name(), p);
      }
    }
    if (r.leaving()) {
      if (peers.remove(r.node()) != null) {
        peersChanged(byName.values());
      }
      return;
    }
    long now = nowMs();
    Peer peer = peers.computeIfAbsent(r.node(), n -> new Peer());
    peer.heardMs = now;
    boolean inflight = false;
    for (Reports.PolicyCounts c : r.policies()) {
      Policy p = byName.get(c.policy());
      if (p == null) {
        continue;
      }
      c.demand().forEach(p::addRemote);
      LongIntMap peerInflight = c.inflight();
      if (peerInflight != null && p.hasConcurrency()) {
        peer.inflight.put(c.policy(), peerInflight);
        inflight = true;
      }
    }
    if (inflight) {
      peersChanged(byName.values());
    }
  }

  /** Gives each policy with a cap the peers' last in-flight counts. */
  private void peersChanged(Collection<Policy> clustered) {
    for (Policy p : clustered) {
      if (!p.hasConcurrency()) {
        continue;
      }
      List<LongIntMap> maps = new ArrayList<>(peers.size());
      for (Peer peer : peers.values()) {
        LongIntMap m = peer.inflight.get(p.name());
        if (m != null && m.size() > 0) {
          maps.add(m);
        }
      }
      p.peers(maps.toArray(new LongIntMap[0]));
    }
  }

  /** Whether this node is cut off from every peer it knew (tests). */
  boolean cut() {
    return cut;
  }

  /** The peers known now (tests). */
  List<String> peers() {
    return new ArrayList<>(peers.keySet());
  }
}
