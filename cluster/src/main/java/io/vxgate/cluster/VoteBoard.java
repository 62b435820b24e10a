package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import java.time.Clock;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * A {@link HealthBoard} over a local cache of votes; subclasses store votes in the cluster and feed
 * the votes they hear about into {@link #accept} / {@link #forget}.
 */
abstract class VoteBoard implements HealthBoard {
  final Vertx vertx;
  final Membership membership;
  final int k;
  final Clock clock;
  private final Map<String, Vote> votes = new ConcurrentHashMap<>();
  private final List<Consumer<HealthView>> listeners = new CopyOnWriteArrayList<>();
  private final Subscription membershipSub;
  private volatile HealthView view = HealthView.EMPTY;
  private volatile Map<ServerId, String> datacenters = Map.of();
  private long expiryTimer = -1;

  VoteBoard(Vertx vertx, Membership membership, int k, Clock clock) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.membership = requireNonNull(membership, "membership");
    this.k = k;
    this.clock = requireNonNull(clock, "clock");
    this.membershipSub = membership.listen(m -> recompute());
  }

  /** Stores a vote in the cluster (the local cache already has it). */
  abstract Future<Void> store(Vote vote);

  @Override
  public Future<Void> publish(String node, ServerId server, boolean up, String reason) {
    Vote v = new Vote(node, server, Vote.Kind.ACTIVE, up, reason, clock.millis(), 0);
    accept(v);
    return store(v);
  }

  @Override
  public Future<Void> reportPassive(String node, ServerId server, Duration downFor, String reason) {
    long now = clock.millis();
    Vote v =
        new Vote(
            node,
            server,
            Vote.Kind.PASSIVE,
            false,
            reason,
            now,
            now + Math.max(1, downFor.toMillis()));
    accept(v);
    return store(v);
  }

  @Override
  public HealthView view() {
    return view;
  }

  @Override
  public List<String> checkers(ServerId server) {
    return CheckerAssignment.checkers(server, datacenters.get(server), membership.members(), k);
  }

  @Override
  public void serverDatacenters(Map<ServerId, String> byServer) {
    Map<ServerId, String> next = Map.copyOf(byServer);
    if (!next.equals(datacenters)) {
      datacenters = next;
      recompute();
    }
  }

  @Override
  public Subscription listen(Consumer<HealthView> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /** A vote heard from the cluster (or published here). */
  void accept(Vote v) {
    votes.merge(v.key(), v, (old, nu) -> nu.timeMillis() >= old.timeMillis() ? nu : old);
    recompute();
  }

  /** A vote removed from the cluster. */
  void forget(String key) {
    if (votes.remove(key) != null) {
      recompute();
    }
  }

  /** Recomputes the view; listeners are told outside the lock, always with the latest view. */
  void recompute() {
    if (merge()) {
      HealthView latest = view;
      listeners.forEach(l -> l.accept(latest));
    }
  }

  private synchronized boolean merge() {
    long now = clock.millis();
    votes.values().removeIf(v -> v.expired(now));
    HealthView prev = view;
    HealthView next =
        HealthMerge.merge(votes.values(), membership.members(), datacenters, k, now, prev);
    long nextExpiry =
        votes.values().stream().mapToLong(Vote::expiresMillis).filter(e -> e > 0).min().orElse(0);
    if (nextExpiry > 0) {
      vertx.cancelTimer(expiryTimer);
      expiryTimer = vertx.setTimer(Math.max(1, nextExpiry - now + 1), id -> recompute());
    }
    if (next.equals(prev)) {
      return false;
    }
    view = next;
    return true;
  }

  void close() {
    membershipSub.cancel();
    vertx.cancelTimer(expiryTimer);
  }
}
