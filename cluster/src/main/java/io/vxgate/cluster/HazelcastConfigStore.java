package io.vxgate.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.core.LifecycleEvent;
import com.hazelcast.map.EntryProcessor;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The config store in two Hazelcast maps: {@code vxgate.config} holds the current entry under one
 * key, changed only by an entry processor that compares versions (atomic on the key's partition
 * owner); {@code vxgate.config.history} holds past entries, trimmed to {@link #HISTORY}. Values are
 * JSON text. Blocking Hazelcast calls run on Vert.x worker threads.
 *
 * <p>Split brain: each node keeps a local copy of the newest entry it has seen. On Hazelcast's
 * {@code MERGED} lifecycle event it compares that copy with the merged cluster's entry by {@link
 * ConfigMergeRule}; when its copy wins it writes it back as a new version (so versions stay
 * monotonic and every node applies it), and the losing entry is kept in the history either way.
 */
final class HazelcastConfigStore implements ConfigStore {
  private static final Logger log = LoggerFactory.getLogger(HazelcastConfigStore.class);
  private static final String KEY = "current";

  private final Vertx vertx;
  private final IMap<String, String> current;
  private final IMap<String, String> history;
  private final List<Consumer<Entry>> listeners = new CopyOnWriteArrayList<>();
  private final UUID entryReg;
  private final UUID lifecycleReg;
  private final HazelcastInstance hz;
  private volatile @Nullable Entry localCopy;

  HazelcastConfigStore(Vertx vertx, HazelcastInstance hz) {
    this.vertx = vertx;
    this.hz = hz;
    this.current = hz.getMap(ClusterBootstrap.CONFIG_MAP);
    this.history = hz.getMap(ClusterBootstrap.HISTORY_MAP);
    this.entryReg = current.addEntryListener(new Listener(), true);
    this.lifecycleReg =
        hz.getLifecycleService()
            .addLifecycleListener(
                e -> {
                  if (e.getState() == LifecycleEvent.LifecycleState.MERGED) {
                    // never block a Hazelcast event thread (see vertx-hazelcast #215)
                    vertx
                        .executeBlocking(() -> reconcile(localCopy))
                        .onFailure(t -> log.warn("config reconcile after merge failed", t));
                  }
                });
    String v = current.get(KEY);
    if (v != null) {
      seen(Entry.fromJson(new JsonObject(v)));
    }
  }

  private final class Listener
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryMergedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      changed(e.getValue());
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      changed(e.getValue());
    }

    @Override
    public void entryMerged(EntryEvent<String, String> e) {
      changed(e.getValue());
    }
  }

  private void changed(String value) {
    if (value == null) {
      return;
    }
    Entry e = Entry.fromJson(new JsonObject(value));
    seen(e);
    listeners.forEach(l -> l.accept(e));
  }

  private synchronized void seen(Entry e) {
    Entry c = localCopy;
    // Strictly newer only: after a split brain the other side's entry can arrive with the same
    // version number as ours; keeping ours lets the merge reconcile compare the two.
    if (c == null || e.version() > c.version()) {
      localCopy = e;
    }
  }

  @Override
  public Future<Optional<Entry>> current() {
    return vertx.executeBlocking(
        () -> {
          String v = current.get(KEY);
          return Optional.ofNullable(v == null ? null : Entry.fromJson(new JsonObject(v)));
        });
  }

  @Override
  public Future<Entry> compareAndSet(long expectedVersion, JsonObject config, String author) {
    Entry proposed = new Entry(expectedVersion + 1, author, Instant.now(), config.copy());
    return vertx.executeBlocking(() -> write(expectedVersion, proposed));
  }

  /** Blocking CAS of {@code proposed} over {@code expectedVersion}; records it in the history. */
  private Entry write(long expectedVersion, Entry proposed) {
    String result =
        current.executeOnKey(KEY, new CasProcessor(expectedVersion, proposed.toJson().encode()));
    if (!result.isEmpty()) {
      throw new StaleVersionException(expectedVersion, Long.parseLong(result));
    }
    seen(proposed);
    remember(proposed);
    return proposed;
  }

  private void remember(Entry e) {
    history.set(historyKey(e), e.toJson().encode());
    if (history.size() > HISTORY) {
      List<Entry> all = sortedHistory();
      for (int i = 0; i < all.size() - HISTORY; i++) {
        history.delete(historyKey(all.get(i)));
      }
    }
  }

  private static String historyKey(Entry e) {
    return String.format("%019d/%s/%s", e.version(), e.time(), e.author());
  }

  private List<Entry> sortedHistory() {
    List<Entry> all = new ArrayList<>();
    for (String v : history.values()) {
      all.add(Entry.fromJson(new JsonObject(v)));
    }
    all.sort(ConfigMergeRule.ORDER);
    return all;
  }

  @Override
  public Future<List<Entry>> history() {
    return vertx.executeBlocking(
        () -> {
          List<Entry> all = sortedHistory();
          return List.copyOf(all.subList(Math.max(0, all.size() - HISTORY), all.size()));
        });
  }

  @Override
  public Subscription listen(Consumer<Entry> listener) {
    listeners.add(listener);
    return () -> listeners.remove(listener);
  }

  /**
   * Blocking: after a merge, makes the cluster's config the winner of {@code mine} and the merged
   * cluster's entry, and keeps the loser in the history. Idempotent: every node of the merging side
   * may run it.
   */
  @Nullable Void reconcile(@Nullable Entry mine) {
    if (mine == null) {
      return null;
    }
    String v = current.get(KEY);
    Entry theirs = v == null ? null : Entry.fromJson(new JsonObject(v));
    if (theirs == null) {
      current.putIfAbsent(KEY, mine.toJson().encode());
      remember(mine);
      return null;
    }
    if (theirs.equals(mine)) {
      return null;
    }
    Entry winner = ConfigMergeRule.winner(mine, theirs);
    if (theirs.equals(winner)) {
      if (!theirs.config().equals(mine.config())) {
        remember(mine);
        log.atWarn()
            .addKeyValue("kept", theirs.version())
            .addKeyValue("lost", mine.version())
            .log("split brain merged: the cluster's config wins, this side's kept in history");
      }
      return null;
    }
    remember(theirs);
    Entry merged =
        new Entry(
            Math.max(mine.version(), theirs.version()) + 1,
            mine.author(),
            Instant.now(),
            mine.config());
    try {
      String result =
          current.executeOnKey(KEY, new CasProcessor(theirs.version(), merged.toJson().encode()));
      if (result.isEmpty()) {
        seen(merged);
        remember(merged);
        log.atWarn()
            .addKeyValue("kept", mine.version())
            .addKeyValue("as", merged.version())
            .addKeyValue("lost", theirs.version())
            .log("split brain merged: this side's config wins");
      }
    } catch (RuntimeException e) {
      log.warn("config reconcile write failed", e);
    }
    return null;
  }

  void close() {
    listeners.clear();
    try {
      current.removeEntryListener(entryReg);
      hz.getLifecycleService().removeLifecycleListener(lifecycleReg);
    } catch (RuntimeException notRunning) {
      // the instance is gone already
    }
  }

  /**
   * Sets the entry when the current version is the expected one. Returns {@code ""} on success,
   * else the current version. Runs on the key's partition thread, so it is atomic.
   */
  static final class CasProcessor implements EntryProcessor<String, String, String> {
    private static final long serialVersionUID = 1L;
    private final long expected;
    private final String value;

    CasProcessor(long expected, String value) {
      this.expected = expected;
      this.value = value;
    }

    @Override
    public String process(Map.Entry<String, String> entry) {
      String cur = entry.getValue();
      long version = cur == null ? 0 : new JsonObject(cur).getLong("version");
      if (version != expected) {
        return Long.toString(version);
      }
      entry.setValue(value);
      return "";
    }
  }
}
