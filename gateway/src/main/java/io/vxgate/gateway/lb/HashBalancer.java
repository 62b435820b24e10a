package io.vxgate.gateway.lb;

import static java.util.Objects.requireNonNull;

import io.vxgate.util.Ticker;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * {@code source}, {@code uri}, {@code header:NAME}, {@code cookie:NAME}: a Ketama-style consistent
 * hash ring over {@link PickContext#hashKey()}.
 *
 * <p>Each server owns {@value #POINTS_PER_WEIGHT} × its configured weight points on a 64-bit ring,
 * placed at {@link XxHash64} of {@code "name#i"}. Points depend only on server names and weights,
 * never on list order, so every node maps a key to the same server. A key goes to the owner of the
 * first point at or after the key's hash; the walk goes on clockwise past servers that are
 * unavailable or already tried by the request, so a server going down moves only its own keys, and
 * removing one of N servers moves about 1/N of the keys. When every available server was tried, the
 * first available server on the walk is picked. Slow start does not change the ring.
 *
 * <p>A request without a key falls back to smooth weighted round robin, as HAProxy does.
 */
final class HashBalancer implements Balancer {
  static final int POINTS_PER_WEIGHT = 160;

  private final Endpoint[] servers; // sorted by name, so owner indices are the same on every node
  private final long[] ring; // point hashes, ascending (signed order)
  private final int[] owner; // owner[p]: index in servers of the point ring[p]
  private final Ticker ticker;
  private final Balancer fallback;
  // Scratch (a balancer makes one pick at a time: its UpstreamSelector's pick is synchronized):
  // seen[s] == pickId when server s was
  // already looked at by this pick, so each server's state is read at most once per pick.
  private final long[] seen;
  private long pickId;

  HashBalancer(List<? extends Endpoint> servers, Ticker ticker) {
    this.ticker = requireNonNull(ticker, "ticker");
    this.fallback = new RoundRobinBalancer(servers, ticker);
    this.servers = servers.toArray(new Endpoint[0]);
    Arrays.sort(this.servers, Comparator.comparing(Endpoint::name));
    this.seen = new long[this.servers.length];
    int points = 0;
    for (Endpoint e : this.servers) {
      points += POINTS_PER_WEIGHT * Math.max(1, e.weight());
    }
    this.ring = new long[points];
    this.owner = new int[points];
    StringBuilder name = new StringBuilder();
    int p = 0;
    for (int s = 0; s < this.servers.length; s++) {
      Endpoint e = this.servers[s];
      int count = POINTS_PER_WEIGHT * Math.max(1, e.weight());
      for (int i = 0; i < count; i++) {
        name.setLength(0);
        name.append(e.name()).append('#').append(i);
        ring[p] = XxHash64.hash(name);
        owner[p++] = s;
      }
    }
    sortRing();
  }

  @Override
  public @Nullable Endpoint pick(PickContext ctx) {
    CharSequence key = ctx.hashKey();
    if (key == null) {
      return fallback.pick(ctx);
    }
    if (ring.length == 0) {
      return null;
    }
    long now = ticker.nanoTime();
    long id = ++pickId;
    int p = firstAtOrAfter(XxHash64.hash(key));
    int looked = 0;
    Endpoint firstTried = null;
    for (int step = 0; step < ring.length && looked < servers.length; step++) {
      int s = owner[p];
      p = p + 1 == ring.length ? 0 : p + 1;
      if (seen[s] == id) {
        continue;
      }
      seen[s] = id;
      looked++;
      Endpoint e = servers[s];
      if (!e.available(now)) {
        continue;
      }
      if (!ctx.tried(e)) {
        return e;
      }
      if (firstTried == null) {
        firstTried = e;
      }
    }
    return firstTried;
  }

  /** The index of the first point whose hash is at or after {@code hash}, wrapping to 0. */
  private int firstAtOrAfter(long hash) {
    int lo = 0;
    int hi = ring.length;
    while (lo < hi) {
      int mid = (lo + hi) >>> 1;
      if (ring[mid] < hash) {
        lo = mid + 1;
      } else {
        hi = mid;
      }
    }
    return lo == ring.length ? 0 : lo;
  }

  // Heap sort of the parallel arrays by (hash, owner): no boxing, and the owner breaks the
  // (unlikely) ties between equal hashes the same way on every node.

  private void sortRing() {
    int n = ring.length;
    for (int i = n / 2 - 1; i >= 0; i--) {
      siftDown(i, n);
    }
    for (int end = n - 1; end > 0; end--) {
      swap(0, end);
      siftDown(0, end);
    }
  }

  private void siftDown(int i, int n) {
    for (int child = 2 * i + 1; child < n; child = 2 * i + 1) {
      if (child + 1 < n && less(child, child + 1)) {
        child++;
      }
      if (!less(i, child)) {
        return;
      }
      swap(i, child);
      i = child;
    }
  }

  private boolean less(int i, int j) {
    return ring[i] < ring[j] || (ring[i] == ring[j] && owner[i] < owner[j]);
  }

  private void swap(int i, int j) {
    long h = ring[i];
    ring[i] = ring[j];
    ring[j] = h;
    int o = owner[i];
    owner[i] = owner[j];
    owner[j] = o;
  }
}
