package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.Deque;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

/**
 * An in-memory cluster: the twin of the Hazelcast implementation. Nodes joined to one instance
 * share its config store and health board, see each other as members and hear each other's
 * broadcasts; a standalone node is a cluster of one. Listeners are called synchronously on the
 * writer's thread.
 */
public final class LocalCluster {
  private final Clock clock;
  private final List<LocalNode> nodes = new CopyOnWriteArrayList<>();
  private final Deque<ConfigStore.Entry> history = new ArrayDeque<>();
  private final List<Consumer<ConfigStore.Entry>> configListeners = new CopyOnWriteArrayList<>();
  private final List<Listening> broadcastListeners = new CopyOnWriteArrayList<>();

  /** A node's listener on a broadcast topic. */
  private record Listening(LocalNode node, String topic, Consumer<Buffer> listener) {}

  public LocalCluster() {
    this(Clock.systemUTC());
  }

  public LocalCluster(Clock clock) {
    this.clock = requireNonNull(clock, "clock");
  }

  /** Joins a node with {@link HealthBoard#DEFAULT_CHECKERS} checkers per datacenter. */
  public ClusterNode join(Vertx vertx, Member member) {
    return join(vertx, member, HealthBoard.DEFAULT_CHECKERS);
  }

  /** Joins a node; {@code checkers} per datacenter check each server. */
  public ClusterNode join(Vertx vertx, Member member, int checkers) {
    requireNonNull(member, "member");
    if (nodes.stream().anyMatch(n -> n.member.id().equals(member.id()))) {
      throw new IllegalArgumentException("node id already in the cluster: " + member.id());
    }
    LocalNode node = new LocalNode(vertx, member, checkers);
    nodes.add(node);
    membershipChanged();
    return node;
  }

  private List<Member> members() {
    return nodes.stream().map(n -> n.member).sorted(Comparator.comparing(Member::id)).toList();
  }

  private void membershipChanged() {
    List<Member> m = members();
    nodes.forEach(n -> n.membershipListeners.forEach(l -> l.accept(m)));
  }

  private final class LocalNode implements ClusterNode {
    final Vertx vertx;
    final Member member;
    final List<Consumer<List<Member>>> membershipListeners = new CopyOnWriteArrayList<>();
    final LocalMembership membership = new LocalMembership();
    final LocalStore store = new LocalStore();
    final LocalBoard board;

    LocalNode(Vertx vertx, Member member, int checkers) {
      this.vertx = requireNonNull(vertx, "vertx");
      this.member = member;
      this.board = new LocalBoard(vertx, membership, checkers, clock);
    }

    @Override
    public Vertx vertx() {
      return vertx;
    }

    @Override
    public boolean clustered() {
      return false;
    }

    @Override
    public Membership membership() {
      return membership;
    }

    @Override
    public ConfigStore configStore() {
      return store;
    }

    @Override
    public HealthBoard healthBoard() {
      return board;
    }

    @Override
    public Broadcast broadcast(String topic) {
      requireNonNull(topic, "topic");
      return new Broadcast() {
        @Override
        public void publish(Buffer message) {
          for (Listening l : broadcastListeners) {
            if (l.node() != LocalNode.this && l.topic().equals(topic) && nodes.contains(l.node())) {
              l.listener().accept(message.copy());
            }
          }
        }

        @Override
        public Subscription listen(Consumer<Buffer> listener) {
          Listening l = new Listening(LocalNode.this, topic, listener);
          broadcastListeners.add(l);
          return () -> broadcastListeners.remove(l);
        }
      };
    }

    @Override
    public Future<Void> close() {
      if (nodes.remove(this)) {
        broadcastListeners.removeIf(l -> l.node() == this);
        store.listeners.forEach(configListeners::remove);
        board.close();
        membershipChanged();
      }
      return Future.succeededFuture();
    }

    private final class LocalMembership implements Membership {
      @Override
      public Member local() {
        return member;
      }

      @Override
      public List<Member> members() {
        return nodes.contains(LocalNode.this) ? LocalCluster.this.members() : List.of(member);
      }

      @Override
      public Subscription listen(Consumer<List<Member>> listener) {
        membershipListeners.add(listener);
        return () -> membershipListeners.remove(listener);
      }
    }

    private final class LocalStore implements ConfigStore {
      final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();

      @Override
      public Future<Optional<Entry>> current() {
        synchronized (LocalCluster.this) {
          return Future.succeededFuture(Optional.ofNullable(history.peekLast()));
        }
      }

      @Override
      public Future<Entry> compareAndSet(long expectedVersion, JsonObject config, String author) {
        requireNonNull(config, "config");
        requireNonNull(author, "author");
        Entry e;
        synchronized (LocalCluster.this) {
          Entry cur = history.peekLast();
          long version = cur == null ? 0 : cur.version();
          if (version != expectedVersion) {
            return Future.failedFuture(new StaleVersionException(expectedVersion, version));
          }
          e = new Entry(version + 1, author, clock.instant(), config.copy());
          history.addLast(e);
          while (history.size() > HISTORY) {
            history.removeFirst();
          }
        }
        configListeners.forEach(l -> l.accept(e));
        return Future.succeededFuture(e);
      }

      @Override
      public Future<List<Entry>> history() {
        synchronized (LocalCluster.this) {
          return Future.succeededFuture(List.copyOf(new ArrayList<>(history)));
        }
      }

      @Override
      public Subscription listen(Consumer<Entry> listener) {
        listeners.add(listener);
        configListeners.add(listener);
        return () -> {
          listeners.remove(listener);
          configListeners.remove(listener);
        };
      }
    }
  }

  private final class LocalBoard extends VoteBoard {
    LocalBoard(Vertx vertx, Membership membership, int k, Clock clock) {
      super(vertx, membership, k, clock);
    }

    @Override
    Future<Void> store(Vote vote) {
      for (LocalNode n : nodes) {
        if (n.board != this) {
          n.board.accept(vote);
        }
      }
      return Future.succeededFuture();
    }
  }
}
