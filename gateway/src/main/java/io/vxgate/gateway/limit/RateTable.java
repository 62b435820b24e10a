package io.vxgate.gateway.limit;

import java.util.Arrays;

/**
 * The rate state of one segment of a policy's keys. For each key (a 64-bit hash of its text): its
 * leaky bucket ({@link LeakyBucket}: excess and last time) and, for a cluster-scope policy, its
 * demand (requests that came, taken or not): this node's since its last report, and this node's and
 * the other nodes' in the current and the last window, from which the key's share of the rate on
 * this node follows ({@link #share}). At most {@code maxKeys} keys; a new key beyond them replaces
 * the least recently used one.
 *
 * <p>Everything lives in primitive arrays, one slot per key (about 64 bytes with the index), with
 * an open-addressing index (linear probing, deletion by backward shift) and an LRU list threaded
 * through the slots. Not thread-safe: its {@link Policy} locks it.
 */
final class RateTable {
  private static final int NONE = -1;
  private static final int INITIAL = 16;

  private final int maxKeys;
  private final boolean shared;
  private long[] hashes;
  private long[] excess;
  private long[] last;
  private int[] pending;
  private int[] ownNow;
  private int[] ownLast;
  private int[] remoteNow;
  private int[] remoteLast;
  private int[] epochs;
  private int[] prev;
  private int[] next;
  private int[] index;
  private int size;
  private int head = NONE;
  private int tail = NONE;
  private int[] dirty = new int[INITIAL];
  private int dirtyCount;

  /** Whether the last {@link #slot} call made a new key. */
  private boolean created;

  /**
   * @param shared whether the rate is shared with other nodes (cluster scope): demand is counted
   *     and reported, and each key gets its share of the rate
   */
  RateTable(int maxKeys, boolean shared) {
    this.maxKeys = maxKeys;
    this.shared = shared;
    allocate(Math.min(INITIAL, maxKeys));
  }

  private void allocate(int capacity) {
    hashes = grow(hashes, capacity);
    excess = grow(excess, capacity);
    last = grow(last, capacity);
    pending = grow(pending, capacity);
    ownNow = grow(ownNow, capacity);
    ownLast = grow(ownLast, capacity);
    remoteNow = grow(remoteNow, capacity);
    remoteLast = grow(remoteLast, capacity);
    epochs = grow(epochs, capacity);
    prev = grow(prev, capacity);
    next = grow(next, capacity);
    int buckets = Integer.highestOneBit(Math.max(2, capacity) * 2 - 1) * 2;
    index = new int[buckets];
    Arrays.fill(index, NONE);
    for (int s = 0; s < size; s++) {
      index[bucket(hashes[s])] = s;
    }
  }

  private static long[] grow(long[] a, int n) {
    return a == null ? new long[n] : Arrays.copyOf(a, n);
  }

  private static int[] grow(int[] a, int n) {
    return a == null ? new int[n] : Arrays.copyOf(a, n);
  }

  /** The keys held. */
  int size() {
    return size;
  }

  private int home(long hash) {
    return (int) ((hash * 0x9E3779B97F4A7C15L) >>> 33) & (index.length - 1);
  }

  /** The bucket of {@code hash}, or the first free bucket on its probe path. */
  private int bucket(long hash) {
    int mask = index.length - 1;
    int b = home(hash);
    int s;
    while ((s = index[b]) != NONE && hashes[s] != hash) {
      b = (b + 1) & mask;
    }
    return b;
  }

  /** The slot of {@code hash}, or -1. */
  private int find(long hash) {
    return index[bucket(hash)];
  }

  /** The slot of {@code hash}, made most recently used; a new key starts with nothing. */
  private int slot(long hash, long nowMs, int epoch) {
    int b = bucket(hash);
    int s = index[b];
    if (s != NONE) {
      toHead(s);
      created = false;
      return s;
    }
    created = true;
    if (size < maxKeys) {
      if (size == hashes.length) {
        allocate(Math.min(maxKeys, hashes.length * 2));
        b = bucket(hash);
      }
      s = size++;
    } else {
      s = tail;
      unlink(s);
      removeIndex(bucket(hashes[s]));
      b = bucket(hash);
    }
    index[b] = s;
    hashes[s] = hash;
    excess[s] = 0;
    last[s] = nowMs;
    pending[s] = 0;
    ownNow[s] = 0;
    ownLast[s] = 0;
    remoteNow[s] = 0;
    remoteLast[s] = 0;
    epochs[s] = epoch;
    linkHead(s);
    return s;
  }

  /** Backward-shift deletion: moves later entries of the probe run into the freed bucket. */
  private void removeIndex(int b) {
    int mask = index.length - 1;
    int i = b;
    int j = b;
    while (true) {
      j = (j + 1) & mask;
      int s = index[j];
      if (s == NONE) {
        index[i] = NONE;
        return;
      }
      int k = home(hashes[s]);
      boolean stays = i <= j ? i < k && k <= j : i < k || k <= j;
      if (!stays) {
        index[i] = s;
        i = j;
      }
    }
  }

  private void toHead(int s) {
    if (head != s) {
      unlink(s);
      linkHead(s);
    }
  }

  private void unlink(int s) {
    int p = prev[s];
    int n = next[s];
    if (p != NONE) {
      next[p] = n;
    } else {
      head = n;
    }
    if (n != NONE) {
      prev[n] = p;
    } else {
      tail = p;
    }
  }

  private void linkHead(int s) {
    prev[s] = NONE;
    next[s] = head;
    if (head != NONE) {
      prev[head] = s;
    }
    head = s;
    if (tail == NONE) {
      tail = s;
    }
  }

  /** Moves the key's demand counts on when the policy's window moved on since its last use. */
  private void window(int s, int epoch) {
    int e = epochs[s];
    if (e < epoch) {
      boolean adjacent = e == epoch - 1;
      ownLast[s] = adjacent ? ownNow[s] : 0;
      remoteLast[s] = adjacent ? remoteNow[s] : 0;
      ownNow[s] = 0;
      remoteNow[s] = 0;
      epochs[s] = epoch;
    }
  }

  /**
   * The key's share of {@code rate} on this node: in proportion of this node's demand for it to the
   * whole cluster's, over the last and the current window (one request more on this node's side, so
   * that a node that just starts receiving a key is not shut out), at least 1% of it. The whole
   * rate when no other node reported the key.
   */
  private long share(int s, long rate) {
    long remote = (long) remoteLast[s] + remoteNow[s];
    if (remote == 0) {
      return rate;
    }
    long own = (long) ownLast[s] + ownNow[s] + 1;
    return Math.max(Math.max(1, rate / 100), rate * own / (own + remote));
  }

  /**
   * Takes one request of {@code hash} at {@code nowMs}.
   *
   * @param rate thousandths of a request per second (the whole cluster's, for a shared table)
   * @param burst thousandths
   * @param passAtOnce thousandths of the burst that pass without waiting
   * @return the delay in ms (0: at once), or, when refused, minus the time in ms until a request
   *     would be taken
   */
  long take(long hash, long nowMs, long rate, long burst, long passAtOnce, int epoch) {
    int s = slot(hash, nowMs, epoch);
    long r = rate;
    if (shared) {
      window(s, epoch);
      r = share(s, rate);
      if (pending[s]++ == 0) {
        markDirty(s);
      }
    }
    long e;
    if (created) {
      // nginx: a new key's first request passes with excess 0
      e = 0;
    } else {
      e = LeakyBucket.next(excess[s], last[s], nowMs, r);
      if (e > burst) {
        return -LeakyBucket.retryAfterMs(e, burst, r);
      }
    }
    excess[s] = e;
    if (nowMs > last[s]) {
      last[s] = nowMs;
    }
    return LeakyBucket.delayMs(e, passAtOnce, r);
  }

  /**
   * Counts one request of {@code hash} in its demand, without a bucket (a cluster-scope policy with
   * a concurrency cap only).
   */
  void demand(long hash, long nowMs, int epoch) {
    int s = slot(hash, nowMs, epoch);
    window(s, epoch);
    if (pending[s]++ == 0) {
      markDirty(s);
    }
  }

  /**
   * The key's share of a concurrency cap {@code n} on this node, rounded up: {@code n} when no
   * other node reported demand for it (see {@link #share}).
   */
  int quota(long hash, int n) {
    int s = find(hash);
    if (s == NONE) {
      return n;
    }
    long remote = (long) remoteLast[s] + remoteNow[s];
    if (remote == 0) {
      return n;
    }
    long own = (long) ownLast[s] + ownNow[s] + 1;
    return (int) ((n * own + own + remote - 1) / (own + remote));
  }

  private void markDirty(int s) {
    if (dirtyCount == dirty.length) {
      dirty = Arrays.copyOf(dirty, dirty.length * 2);
    }
    dirty[dirtyCount++] = s;
  }

  /** Gives back a request taken by {@link #take} (another policy of the route refused it). */
  void refund(long hash) {
    int s = find(hash);
    if (s != NONE) {
      excess[s] = Math.max(0, excess[s] - LeakyBucket.ONE);
    }
  }

  /**
   * Adds {@code n} requests of {@code hash} that came to another node (a key this node does not
   * hold is left alone).
   */
  void addRemote(long hash, int n, int epoch) {
    int s = find(hash);
    if (s != NONE && n > 0) {
      window(s, epoch);
      remoteNow[s] += n;
    }
  }

  /**
   * Gives {@code out} each key's demand on this node since the last drain, and counts it in the
   * key's window (unless {@code frozen}: a node cut off keeps its last shares).
   */
  void drain(Reports.Sink out, int epoch, boolean frozen) {
    for (int i = 0; i < dirtyCount; i++) {
      int s = dirty[i];
      int n = pending[s];
      if (n > 0) {
        out.add(hashes[s], n);
        pending[s] = 0;
        if (!frozen) {
          window(s, epoch);
          ownNow[s] += n;
        }
      }
    }
    dirtyCount = 0;
    if (dirty.length > 1024 && dirty.length > size) {
      dirty = new int[INITIAL];
    }
  }

  /** The key's excess in thousandths, -1 when it is not held (tests). */
  long excess(long hash) {
    int s = find(hash);
    return s == NONE ? -1 : excess[s];
  }

  /** The key's share of {@code rate} now, -1 when it is not held (tests). */
  long share(long hash, long rate) {
    int s = find(hash);
    return s == NONE ? -1 : share(s, rate);
  }
}
