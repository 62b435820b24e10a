package io.vxgate.cluster;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import java.time.Instant;
import java.util.List;
import java.util.Optional;
import java.util.function.Consumer;
import org.jspecify.annotations.Nullable;

/**
 * The cluster-wide part of the config ({@code upstreams}, {@code routes}, {@code error-pages},
 * {@code trusted-proxies}; see {@code SharedConfig}), versioned.
 *
 * <p>Versions start at 1 and grow by one with each change; {@code 0} stands for "no config yet".
 * Writers use compare-and-set on the version, so two concurrent writers never lose a change: the
 * second one is rejected with {@link StaleVersionException} naming the current version, and must
 * re-read, re-apply its change and retry. The last {@link #HISTORY} entries are kept.
 *
 * <p>All methods are non-blocking; cluster calls run off the event loop.
 */
public interface ConfigStore {

  /** How many entries {@link #history()} keeps. */
  int HISTORY = 20;

  /**
   * One version of the cluster-wide config.
   *
   * @param author who wrote it: a node id, or {@code user@node} for admin changes
   * @param time when it was written (wall clock of the writer)
   * @param config the JSON form of the cluster-wide sections
   */
  record Entry(long version, String author, Instant time, JsonObject config) {
    public Entry {
      requireNonNull(author, "author");
      requireNonNull(time, "time");
      requireNonNull(config, "config");
    }

    /** The JSON form used in the cluster and by the admin API. */
    /**
     * Whether a node running {@code applied} (null: none yet) must apply {@code incoming}: a newer
     * version, or the same version number written by someone else or at another time, which only
     * happens when the two sides of a split brain each wrote a version and the merge kept the other
     * side's.
     */
    public static boolean supersedes(Entry incoming, @Nullable Entry applied) {
      if (applied == null || incoming.version() > applied.version()) {
        return true;
      }
      return incoming.version() == applied.version()
          && (!incoming.author().equals(applied.author())
              || !incoming.time().equals(applied.time()));
    }

    public JsonObject toJson() {
      return new JsonObject()
          .put("version", version)
          .put("author", author)
          .put("time", time.toString())
          .put("config", config);
    }

    /** Reads {@link #toJson()}. */
    public static Entry fromJson(JsonObject json) {
      return new Entry(
          json.getLong("version"),
          json.getString("author"),
          Instant.parse(json.getString("time")),
          json.getJsonObject("config"));
    }
  }

  /** A compare-and-set whose expected version is not the current one. */
  final class StaleVersionException extends RuntimeException {
    private final long current;

    public StaleVersionException(long expected, long current) {
      super("stale version " + expected + " (current: " + current + ")", null, false, false);
      this.current = current;
    }

    /** The current version (0: none). */
    public long current() {
      return current;
    }
  }

  /** The current entry, empty when the cluster has no config yet. */
  Future<Optional<Entry>> current();

  /**
   * Writes {@code config} as version {@code expectedVersion + 1} if the current version is {@code
   * expectedVersion} (0: none yet); fails with {@link StaleVersionException} otherwise.
   */
  Future<Entry> compareAndSet(long expectedVersion, JsonObject config, String author);

  /** The last {@link #HISTORY} entries, oldest first (the current one last). */
  Future<List<Entry>> history();

  /**
   * Calls {@code listener} with every new current entry, whoever wrote it (this node included), on
   * a cluster event thread (it must not block). Versions only grow, but a listener may see an entry
   * it has already seen.
   */
  Subscription listen(Consumer<Entry> listener);

  /**
   * The seeding rule (docs/cluster.md, "What is shared"): writes {@code config} when the cluster
   * has none, or, with {@code force}, over the current one (as a new version). Otherwise leaves the
   * cluster's config alone. Returns the entry in force afterwards.
   */
  default Future<Entry> seed(JsonObject config, String author, boolean force) {
    requireNonNull(config, "config");
    return current()
        .compose(
            cur -> {
              if (cur.isPresent() && !force) {
                return Future.succeededFuture(cur.get());
              }
              long expected = cur.map(Entry::version).orElse(0L);
              return compareAndSet(expected, config, author)
                  .recover(
                      t ->
                          t instanceof StaleVersionException
                              ? seed(config, author, force)
                              : Future.failedFuture(t));
            });
  }
}
