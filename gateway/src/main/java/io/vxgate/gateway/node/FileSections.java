package io.vxgate.gateway.node;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.AdminStates;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.cluster.ReloadReport;
import io.vxgate.cluster.ReloadReport.Shared;
import io.vxgate.cluster.ReloadReport.SharedStatus;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.config.ConfigException;
import io.vxgate.config.GatewayConfig;
import java.util.Optional;
import org.jspecify.annotations.Nullable;

/**
 * The cluster-wide sections of this node's config file on a reload (docs/operations.md,
 * "Reloading"): written as a new version when they differ from the cluster's, but only while the
 * cluster still has what this file last put there (or nothing). When someone else changed the
 * cluster-wide sections since (an admin command, another node's file), the file is older than the
 * cluster and a reload refuses to write it, unless forced.
 *
 * <p>"The file in force" is remembered as its normalised cluster-wide sections: set when this node
 * seeded the cluster from it, when they were equal to the cluster's at start or at a reload, and
 * when a reload wrote them. Operator states ({@code server-states}) are not part of the comparison
 * and are kept by a write.
 */
final class FileSections {
  /** Null: none (the file's sections are not the cluster's). */
  private @Nullable JsonObject inForce;

  /** Records whether the file's sections are the cluster's at start ({@code entry}: in force). */
  synchronized void started(GatewayConfig file, Optional<ConfigStore.Entry> entry) {
    JsonObject mine = SharedConfig.of(file);
    inForce =
        entry.isPresent() && mine.equals(normalized(file, entry.get().config())) ? mine : null;
  }

  /**
   * Writes {@code file}'s cluster-wide sections when they differ and may be written.
   *
   * @param author the author of a new version ({@code FILE@NODE})
   */
  Future<Shared> reload(ConfigStore store, GatewayConfig file, boolean force, String author) {
    requireNonNull(store, "store");
    if (!SharedConfig.present(file)) {
      return store
          .current()
          .map(
              cur ->
                  new Shared(
                      SharedStatus.ABSENT,
                      cur.map(ConfigStore.Entry::version).orElse(0L),
                      "the file has no cluster-wide sections: the cluster's stay"));
    }
    JsonObject mine = SharedConfig.of(file);
    return store.current().compose(cur -> decide(store, file, mine, cur, force, author));
  }

  private Future<Shared> decide(
      ConfigStore store,
      GatewayConfig file,
      JsonObject mine,
      Optional<ConfigStore.Entry> cur,
      boolean force,
      String author) {
    long version = cur.map(ConfigStore.Entry::version).orElse(0L);
    JsonObject theirs = cur.map(e -> normalized(file, e.config())).orElse(null);
    synchronized (this) {
      if (mine.equals(theirs)) {
        inForce = mine;
        return Future.succeededFuture(
            new Shared(
                SharedStatus.UNCHANGED,
                version,
                "the cluster-wide sections are the cluster's (version " + version + ")"));
      }
      boolean ours = theirs == null || theirs.equals(inForce);
      if (!ours && !force) {
        ConfigStore.Entry e = cur.get();
        return Future.succeededFuture(
            new Shared(
                SharedStatus.REFUSED,
                version,
                "cluster-wide sections not written: version "
                    + version
                    + " by "
                    + e.author()
                    + " changed the cluster's config since this node's file was last in force"
                    + " (reload with --force to overwrite it)"));
      }
    }
    JsonObject next =
        AdminStates.put(mine, cur.map(e -> AdminStates.of(e.config())).orElse(java.util.Map.of()));
    return store
        .compareAndSet(version, next, author)
        .map(
            e -> {
              synchronized (this) {
                inForce = mine;
              }
              return new Shared(
                  SharedStatus.WRITTEN,
                  e.version(),
                  "cluster-wide sections written as version "
                      + e.version()
                      + (force && cur.isPresent() ? " (forced)" : ""));
            })
        .recover(
            t ->
                t instanceof ConfigStore.StaleVersionException s
                    ? Future.succeededFuture(
                        new Shared(
                            SharedStatus.REFUSED,
                            s.current(),
                            "cluster-wide sections not written: version "
                                + s.current()
                                + " was written meanwhile (reload again)"))
                    : Future.failedFuture(t));
  }

  /**
   * The cluster-wide sections of an entry as {@link SharedConfig#of} writes them for {@code file}'s
   * node-local sections (defaults written out, operator states left out); the entry's text as it is
   * when it does not validate here.
   */
  static JsonObject normalized(GatewayConfig file, JsonObject entryConfig) {
    JsonObject plain = entryConfig.copy();
    plain.remove(AdminStates.KEY);
    try {
      return SharedConfig.of(SharedConfig.apply(file, plain));
    } catch (ConfigException e) {
      return plain;
    }
  }

  static ReloadReport.Shared notApplied() {
    return new Shared(SharedStatus.NOT_APPLIED, 0, "nothing changed");
  }
}
