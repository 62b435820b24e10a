package io.vxgate.cluster;

import com.hazelcast.core.EntryEvent;
import com.hazelcast.core.HazelcastInstance;
import com.hazelcast.map.IMap;
import com.hazelcast.map.listener.EntryAddedListener;
import com.hazelcast.map.listener.EntryEvictedListener;
import com.hazelcast.map.listener.EntryExpiredListener;
import com.hazelcast.map.listener.EntryMergedListener;
import com.hazelcast.map.listener.EntryRemovedListener;
import com.hazelcast.map.listener.EntryUpdatedListener;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.util.UUID;
import java.util.concurrent.TimeUnit;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The health board in the Hazelcast map {@code vxgate.health}: one entry per node, kind and server,
 * JSON text; passive marks carry a TTL. Every node keeps a local cache fed by an entry listener, so
 * {@link #view()} never calls the cluster and survives losing it.
 */
final class HazelcastHealthBoard extends VoteBoard {
  private static final Logger log = LoggerFactory.getLogger(HazelcastHealthBoard.class);

  private final IMap<String, String> map;
  private final UUID reg;

  /** Blocking: registers the listener and loads the current votes. */
  HazelcastHealthBoard(
      Vertx vertx, HazelcastInstance hz, Membership membership, int k, Clock clock) {
    super(vertx, membership, k, clock);
    this.map = hz.getMap(ClusterBootstrap.HEALTH_MAP);
    this.reg = map.addEntryListener(new Listener(), true);
    map.values().forEach(v -> accept(Vote.fromJson(new JsonObject(v))));
    recompute();
  }

  private final class Listener
      implements EntryAddedListener<String, String>,
          EntryUpdatedListener<String, String>,
          EntryMergedListener<String, String>,
          EntryRemovedListener<String, String>,
          EntryExpiredListener<String, String>,
          EntryEvictedListener<String, String> {
    @Override
    public void entryAdded(EntryEvent<String, String> e) {
      heard(e);
    }

    @Override
    public void entryUpdated(EntryEvent<String, String> e) {
      heard(e);
    }

    @Override
    public void entryMerged(EntryEvent<String, String> e) {
      heard(e);
    }

    @Override
    public void entryRemoved(EntryEvent<String, String> e) {
      forget(e.getKey());
    }

    @Override
    public void entryExpired(EntryEvent<String, String> e) {
      forget(e.getKey());
    }

    @Override
    public void entryEvicted(EntryEvent<String, String> e) {
      forget(e.getKey());
    }

    private void heard(EntryEvent<String, String> e) {
      if (e.getValue() != null) {
        accept(Vote.fromJson(new JsonObject(e.getValue())));
      }
    }
  }

  @Override
  Future<Void> store(Vote vote) {
    String json = vote.toJson().encode();
    long ttl = vote.expiresMillis() > 0 ? Math.max(1, vote.expiresMillis() - vote.timeMillis()) : 0;
    return vertx
        .<Void>executeBlocking(
            () -> {
              if (ttl > 0) {
                map.set(vote.key(), json, ttl, TimeUnit.MILLISECONDS);
              } else {
                map.set(vote.key(), json);
              }
              return null;
            },
            false)
        .onFailure(t -> log.debug("vote not stored (cut off from the cluster?): {}", t.toString()));
  }

  @Override
  void close() {
    super.close();
    try {
      map.removeEntryListener(reg);
    } catch (RuntimeException notRunning) {
      // the instance is gone already
    }
  }
}
