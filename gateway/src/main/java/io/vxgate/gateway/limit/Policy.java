package io.vxgate.gateway.limit;

import io.vxgate.config.LimitConfig;
import io.vxgate.gateway.lb.XxHash64;

/**
 * One limit policy's state on this node (docs/architecture.md, "Limits"): per key, a leaky bucket
 * with nginx's {@code limit_req} arithmetic ({@link RateTable}) and the requests in flight. Keys
 * are 64-bit hashes of their text ({@link #hash}), held in 16 segments with a lock each, so that
 * event loops rarely wait for each other; at most {@code max-keys} keys, the least recently used
 * going first.
 *
 * <p>With cluster scope, every node decides on its own from its own state, which it shares with the
 * others every interval ({@link LimitSync}): each node adds the requests the others took of a key
 * to that key's bucket, so that all buckets leak at the rate of the whole cluster, and counts the
 * others' requests in flight. A node cut off from all the others ({@link #cutOff}) leaks each
 * bucket only at the rate the others left it in the last windows, and keeps counting the others'
 * last requests in flight: it enforces its last known share.
 */
final class Policy {
  private static final int MAX_SEGMENTS = 16;

  /** Refused requests' answer when a concurrency limit refused (no rate says when to come back). */
  static final long CONCURRENCY_RETRY_MS = 1000;

  private final LimitConfig config;
  private final long rate;
  private final long burst;
  private final long passAtOnce;
  private final int concurrency;
  private final boolean cluster;
  private final long windowMs;
  private final Segment[] segments;
  private volatile int epoch;
  private volatile boolean cutOff;
  private volatile LongIntMap[] peers = new LongIntMap[0];

  private static final class Segment {
    final RateTable rates;
    final LongIntMap inflight;
    final int maxKeys;

    Segment(RateTable rates, LongIntMap inflight, int maxKeys) {
      this.rates = rates;
      this.inflight = inflight;
      this.maxKeys = maxKeys;
    }
  }

  Policy(LimitConfig config) {
    this.config = config;
    this.cluster = config.scope() == LimitConfig.Scope.CLUSTER;
    LimitConfig.Rate r = config.rate();
    this.rate = r == null ? 0 : r.milliPerSecond();
    this.burst = (long) config.burst() * LeakyBucket.ONE;
    int pass = config.passAtOnce();
    this.passAtOnce = pass == Integer.MAX_VALUE ? Long.MAX_VALUE : pass * LeakyBucket.ONE;
    this.concurrency = config.concurrency();
    // a window holds about 20 requests at the rate, 2 s to 60 s (at least twice the time a silent
    // peer takes to be noticed, so that one of the last two windows was heard whole)
    this.windowMs = rate == 0 ? 2000 : Math.max(2000, Math.min(60_000, 20_000_000 / rate));
    int n = Math.min(MAX_SEGMENTS, Integer.highestOneBit(config.maxKeys()));
    this.segments = new Segment[n];
    for (int i = 0; i < n; i++) {
      int keys = config.maxKeys() / n + (i < config.maxKeys() % n ? 1 : 0);
      segments[i] = new Segment(new RateTable(keys, cluster), new LongIntMap(4), keys);
    }
  }

  /** The hash of a key's text; never 0. */
  static long hash(CharSequence key) {
    long h = XxHash64.hash(key);
    return h == 0 ? 1 : h;
  }

  LimitConfig config() {
    return config;
  }

  String name() {
    return config.name();
  }

  boolean hasRate() {
    return rate > 0;
  }

  boolean hasConcurrency() {
    return concurrency > 0;
  }

  boolean cluster() {
    return cluster;
  }

  private Segment segment(long hash) {
    return segments[(int) (hash >>> 59) & (segments.length - 1)];
  }

  /**
   * Takes one request of the key against the rate ({@link #hasRate}).
   *
   * @return the delay in ms (0: at once), or, when refused, minus the time in ms until a request
   *     would be taken
   */
  long take(long hash, long nowMs) {
    Segment s = segment(hash);
    synchronized (s) {
      return s.rates.take(hash, nowMs, rate, burst, passAtOnce, epoch);
    }
  }

  /** Gives back a request {@link #take} took (another policy of the route refused it). */
  void refund(long hash) {
    Segment s = segment(hash);
    synchronized (s) {
      s.rates.refund(hash);
    }
  }

  /**
   * Counts one more request of the key in flight ({@link #hasConcurrency}), unless the key has
   * {@code concurrency} in flight already (on this node and, with cluster scope, on the others as
   * they last reported), or, with cluster scope, this node holds its share of the cap already (in
   * proportion of the key's demand, rounded up: so the nodes together hold at most the cap plus one
   * per other node however old their reports), or its segment holds its share of {@code max-keys}
   * keys in flight.
   *
   * @param nowMs the node's ticker in ms
   */
  boolean enter(long hash, long nowMs) {
    int others = 0;
    for (LongIntMap m : peers) {
      others += m.get(hash);
    }
    Segment s = segment(hash);
    synchronized (s) {
      int quota = concurrency;
      if (cluster) {
        if (rate == 0) {
          s.rates.demand(hash, nowMs, epoch);
        }
        quota = s.rates.quota(hash, concurrency);
      }
      int mine = s.inflight.get(hash);
      if (mine + others >= concurrency
          || mine >= quota
          || (mine == 0 && s.inflight.size() >= s.maxKeys)) {
        return false;
      }
      s.inflight.put(hash, mine + 1);
      return true;
    }
  }

  /** The end of a request {@link #enter} counted. */
  void exit(long hash) {
    Segment s = segment(hash);
    synchronized (s) {
      int mine = s.inflight.get(hash);
      if (mine > 0) {
        s.inflight.put(hash, mine - 1);
      }
    }
  }

  // ---- the exchange with the other nodes (LimitSync)

  /** Starts a new window (unless cut off: the last one's counts stand). */
  void tick(long nowMs) {
    if (!cutOff) {
      epoch = (int) (nowMs / windowMs);
    }
  }

  /** Whether this node hears none of the others it heard: see the class comment. */
  void cutOff(boolean cut) {
    this.cutOff = cut;
  }

  /** Each key's demand (requests that came) since the last call (cluster scope). */
  void drainDemand(Reports.Sink out) {
    if (!cluster) {
      return;
    }
    int e = epoch;
    boolean frozen = cutOff;
    for (Segment s : segments) {
      synchronized (s) {
        s.rates.drain(out, e, frozen);
      }
    }
  }

  /** Each key's requests in flight now. */
  void inflight(Reports.Sink out) {
    if (concurrency == 0) {
      return;
    }
    for (Segment s : segments) {
      synchronized (s) {
        s.inflight.forEach(out);
      }
    }
  }

  /** Adds the demand another node reported for a key (cluster scope). */
  void addRemote(long hash, int n) {
    if (!cluster) {
      return;
    }
    Segment s = segment(hash);
    synchronized (s) {
      s.rates.addRemote(hash, n, epoch);
    }
  }

  /** The other nodes' requests in flight, one map per node (never changed afterwards). */
  void peers(LongIntMap[] peers) {
    this.peers = peers;
  }

  /** The keys held (tests, memory). */
  int keys() {
    int n = 0;
    for (Segment s : segments) {
      synchronized (s) {
        n += rate == 0 && !cluster ? s.inflight.size() : s.rates.size();
      }
    }
    return n;
  }

  /** The key's excess in thousandths, -1 when it is not held (tests). */
  long excess(long hash) {
    Segment s = segment(hash);
    synchronized (s) {
      return s.rates.excess(hash);
    }
  }

  /** The key's share of the rate on this node, in thousandths of a request per second (tests). */
  long share(long hash) {
    Segment s = segment(hash);
    synchronized (s) {
      return s.rates.share(hash, rate);
    }
  }
}
