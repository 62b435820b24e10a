package io.vxgate.cluster.dns;

import static java.util.Objects.requireNonNull;

import io.vertx.core.AsyncResult;
import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.Vertx;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.shareddata.AsyncMap;
import io.vertx.core.shareddata.Lock;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.Membership;
import io.vxgate.cluster.Subscription;
import io.vxgate.config.DnsSyncConfig;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.HostPort;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.stream.Collectors;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * DNS sync on one node (docs/operations.md, "Behind DNS"): keeps the A/AAAA records of {@code
 * dns-sync.name} equal to the advertise addresses of the cluster's <b>ready</b> members.
 *
 * <ul>
 *   <li><b>Readiness.</b> A node publishes its address in the cluster map {@value #READY_MAP}
 *       ({@code node id -> address}) with {@link #ready()} once it serves, and removes it with
 *       {@link #withdraw()} when it starts draining. Each change is announced on the event bus
 *       address {@value #CHANGED}. The desired set is the addresses of the entries whose node is a
 *       live member, so a crashed node leaves the set as soon as Hazelcast removes it, although its
 *       entry stays (it is overwritten when a node with that id starts again, which first removes
 *       it: a restarted node is not ready before it says so). A ready node puts its entry back when
 *       the map lost it (checked on every membership change and every period).
 *   <li><b>One writer.</b> Every node waits for the cluster-wide Vert.x lock {@value #WRITER_LOCK}
 *       (an {@code IMap} lock under Hazelcast, which Hazelcast releases when its holder leaves or
 *       dies); the holder keeps it until it stops and is the only node that writes. The others keep
 *       waiting for it, so a new writer takes over as soon as the old one is gone.
 *   <li><b>Reconcile.</b> The writer reconciles on every membership change, every readiness change
 *       and every {@link Timing#period} (5s): it reads the ready map, queries the current A/AAAA
 *       records, and sends one update that deletes the stale records and adds the missing ones
 *       (nothing when they are equal). Runs never overlap; a trigger during a run causes one more
 *       run. After a failure (server unreachable, update refused) it retries with exponential
 *       backoff from {@link Timing#minBackoff} to {@link Timing#maxBackoff} (by default not longer
 *       than the period).
 * </ul>
 *
 * <p>A node cut off from the cluster cannot read the ready map, so it stops writing. In a split
 * brain each side has a writer and the last one to write wins until the sides merge.
 */
public final class DnsSync {
  private static final Logger log = LoggerFactory.getLogger(DnsSync.class);

  /** Cluster map: node id to the address it publishes, for the ready nodes. */
  public static final String READY_MAP = "vxgate.dns-sync.ready";

  /** Cluster-wide lock held by the one node that writes. */
  public static final String WRITER_LOCK = "vxgate.dns-sync.writer";

  /** Event-bus address: a node's readiness changed (published, body: the node id). */
  public static final String CHANGED = "vxgate.dns-sync.changed";

  /**
   * How often and how patiently.
   *
   * @param period between two reconciles when nothing happens
   * @param lockWait how long one attempt to take the writer lock waits
   * @param minBackoff the first retry delay after a failure; doubled after each further failure
   * @param maxBackoff the longest retry delay
   * @param timeout of one DNS query or update
   */
  public record Timing(
      Duration period,
      Duration lockWait,
      Duration minBackoff,
      Duration maxBackoff,
      Duration timeout) {
    public Timing {
      requireNonNull(period, "period");
      requireNonNull(lockWait, "lockWait");
      requireNonNull(minBackoff, "minBackoff");
      requireNonNull(maxBackoff, "maxBackoff");
      requireNonNull(timeout, "timeout");
    }

    /**
     * 5s period, 2s lock attempts, backoff 1s to 5s, 3s DNS timeout. The backoff stops at the
     * period: a retry never waits longer than a reconcile without failures would, so a record
     * removed on a passing view (or a change missed by a failed run) is put right within one period
     * once the server answers again; a retry costs one query.
     */
    public static Timing defaults() {
      return new Timing(
          Duration.ofSeconds(5),
          Duration.ofSeconds(2),
          Duration.ofSeconds(1),
          Duration.ofSeconds(5),
          Duration.ofSeconds(3));
    }

    Duration backoff(int failures) {
      long ms = minBackoff.toMillis() << Math.min(Math.max(failures - 1, 0), 20);
      return Duration.ofMillis(Math.min(Math.max(ms, 1), maxBackoff.toMillis()));
    }
  }

  private final Vertx vertx;
  private final Context ctx;
  private final Membership membership;
  private final RecordSet records;
  private final String nodeId;
  private final String address;
  private final Timing timing;
  private final String name;
  private final AsyncMap<String, String> readyMap;

  // The fields below are only written on ctx (writer and closed are also read elsewhere).
  private @Nullable MessageConsumer<String> consumer;
  private @Nullable Subscription membershipSub;
  private @Nullable Lock lock;
  private volatile boolean writer;

  /** Between ready() and withdraw(): this node's entry must be in the ready map. */
  private boolean published;

  /** This node's writes to the ready map, one after the other (a put never passes a remove). */
  private Future<Void> writes = Future.succeededFuture();

  private long healTimer = -1;
  private boolean running;
  private volatile boolean closed;
  private int failures;
  private long timer = -1;
  private List<Promise<Void>> pending = new ArrayList<>();

  private DnsSync(
      Vertx vertx,
      Membership membership,
      RecordSet records,
      String address,
      Timing timing,
      String name,
      AsyncMap<String, String> readyMap) {
    this.vertx = vertx;
    this.ctx = vertx.getOrCreateContext();
    this.membership = membership;
    this.records = records;
    this.nodeId = membership.local().id();
    this.address = address;
    this.timing = timing;
    this.name = name;
    this.readyMap = readyMap;
  }

  /**
   * The address this node publishes: {@code node.advertise}, else the host of the first listener.
   *
   * @throws IllegalArgumentException when that is a wildcard address (or there is no listener)
   */
  public static String advertised(GatewayConfig config) {
    String host = config.node().advertise();
    if (host == null) {
      if (config.listeners().isEmpty()) {
        throw new IllegalArgumentException("dns-sync: node.advertise is required (no listener)");
      }
      host = config.listeners().get(0).bind().host();
      if (HostPort.wildcard(host)) {
        throw new IllegalArgumentException(
            "dns-sync: node.advertise is required: the first listener binds "
                + host
                + ", which is not an address clients can use");
      }
    }
    return host;
  }

  /**
   * Starts DNS sync for this node, not ready yet: it takes part in the choice of the writer at
   * once, and is published after {@link #ready()}.
   *
   * @param advertise {@link #advertised}: an IP address or a host name, resolved once here
   */
  public static Future<DnsSync> start(
      Vertx vertx, Membership membership, DnsSyncConfig config, String advertise) {
    requireNonNull(config, "config");
    Timing timing = Timing.defaults();
    return start(
        vertx,
        membership,
        RecordSet.rfc2136(config, timing.timeout()),
        advertise,
        timing,
        config.name());
  }

  /** Starts DNS sync over any {@link RecordSet} (tests). */
  public static Future<DnsSync> start(
      Vertx vertx,
      Membership membership,
      RecordSet records,
      String advertise,
      Timing timing,
      String name) {
    requireNonNull(vertx, "vertx");
    requireNonNull(membership, "membership");
    requireNonNull(records, "records");
    requireNonNull(advertise, "advertise");
    requireNonNull(timing, "timing");
    requireNonNull(name, "name");
    return vertx
        .executeBlocking(() -> resolve(advertise))
        .compose(
            a ->
                vertx
                    .sharedData()
                    .<String, String>getAsyncMap(READY_MAP)
                    .map(m -> new DnsSync(vertx, membership, records, a, timing, name, m)))
        .compose(DnsSync::init);
  }

  private static String resolve(String host) throws UnknownHostException {
    InetAddress a = InetAddress.getByName(host);
    if (a.isAnyLocalAddress()) {
      throw new IllegalArgumentException("dns-sync: cannot publish the wildcard address " + host);
    }
    String s = a.getHostAddress();
    int scope = s.indexOf('%');
    return scope < 0 ? s : s.substring(0, scope);
  }

  private Future<DnsSync> init() {
    Promise<DnsSync> started = Promise.promise();
    ctx.runOnContext(
        v ->
            // not ready until ready(): a restart with the same id may find its entry
            readyMap
                .remove(nodeId)
                .compose(
                    old -> {
                      MessageConsumer<String> c =
                          vertx.eventBus().consumer(CHANGED, msg -> trigger());
                      consumer = c;
                      return c.completion();
                    })
                .onSuccess(
                    x -> {
                      membershipSub =
                          membership.listen(
                              members -> {
                                trigger();
                                ctx.runOnContext(x2 -> heal());
                              });
                      healTimer = vertx.setPeriodic(timing.period().toMillis(), id -> heal());
                      acquire();
                      log.atInfo()
                          .addKeyValue("name", name)
                          .addKeyValue("address", address)
                          .log("dns-sync started");
                    })
                .map(this)
                .onComplete(started));
    return started.future();
  }

  /** The address this node publishes when ready. */
  public String address() {
    return address;
  }

  /** Whether this node is the writer now. */
  public boolean writer() {
    return writer;
  }

  /** Marks this node ready: the writer adds its address. */
  public Future<Void> ready() {
    return onCtx(
        () -> {
          published = true;
          return write(() -> readyMap.put(nodeId, address)).compose(v -> announce());
        });
  }

  /**
   * Marks this node not ready (draining): the writer removes its address. When this node is the
   * writer, the future completes after its own update (or fails with it); otherwise once the other
   * nodes are told.
   */
  public Future<Void> withdraw() {
    return onCtx(
        () -> {
          published = false;
          return write(() -> readyMap.remove(nodeId).<Void>mapEmpty())
              .compose(old -> announce())
              .compose(v -> writer ? trigger() : Future.<Void>succeededFuture());
        });
  }

  /** Runs {@code op} on ctx after this node's earlier ready-map writes. */
  private Future<Void> write(java.util.function.Supplier<Future<Void>> op) {
    Future<Void> next = writes.otherwiseEmpty().compose(v -> op.get());
    writes = next;
    return next;
  }

  /**
   * While this node is ready, puts its entry back when the ready map lost it. The entry is the only
   * thing that says a live member is ready, and the cluster can lose it without this node leaving
   * (for example with the partition replicas of a member killed while partitions migrate, or when a
   * split brain heals): then no writer would ever publish this node again. Checked on every
   * membership change and every period, on every node (one map read).
   */
  private void heal() {
    if (closed || !published) {
      return;
    }
    write(
            () ->
                readyMap
                    .get(nodeId)
                    .compose(
                        cur -> {
                          if (closed || !published || address.equals(cur)) {
                            return Future.succeededFuture();
                          }
                          log.atWarn()
                              .addKeyValue("name", name)
                              .addKeyValue("address", address)
                              .log("dns-sync: this node's ready entry was lost, published again");
                          return readyMap.put(nodeId, address).compose(v -> announce());
                        }))
        .onFailure(
            e ->
                log.atDebug()
                    .addKeyValue("error", String.valueOf(e))
                    .log("dns-sync: ready entry check failed"));
  }

  /** Stops: no more writes; releases the writer lock so that another node takes over. */
  public Future<Void> close() {
    return onCtx(
        () -> {
          if (closed) {
            return Future.succeededFuture();
          }
          closed = true;
          writer = false;
          cancelTimer();
          if (healTimer >= 0) {
            vertx.cancelTimer(healTimer);
            healTimer = -1;
          }
          if (membershipSub != null) {
            membershipSub.cancel();
          }
          if (lock != null) {
            lock.release();
            lock = null;
          }
          pending.forEach(Promise::tryComplete);
          pending = new ArrayList<>();
          return consumer == null
              ? Future.succeededFuture()
              : consumer.unregister().otherwiseEmpty();
        });
  }

  private Future<Void> announce() {
    vertx.eventBus().publish(CHANGED, nodeId);
    return Future.succeededFuture();
  }

  private <T> Future<T> onCtx(java.util.function.Supplier<Future<T>> action) {
    Promise<T> p = Promise.promise();
    ctx.runOnContext(v -> action.get().onComplete(p));
    return p.future();
  }

  /** Waits for the writer lock, repeatedly, until this node has it or stops. */
  private void acquire() {
    if (closed) {
      return;
    }
    vertx
        .sharedData()
        .getLockWithTimeout(WRITER_LOCK, timing.lockWait().toMillis())
        .onComplete(ar -> ctx.runOnContext(v -> acquired(ar)));
  }

  private void acquired(AsyncResult<Lock> ar) {
    if (ar.failed()) {
      if (!closed) {
        // a timeout: another node writes; anything else (cluster stopping): wait a little
        String message = String.valueOf(ar.cause().getMessage());
        boolean timeout = message.toLowerCase(Locale.ROOT).contains("timed out");
        if (timeout) {
          acquire();
        } else {
          log.atDebug().addKeyValue("error", message).log("dns-sync: writer lock unavailable");
          vertx.setTimer(timing.lockWait().toMillis(), id -> acquire());
        }
      }
      return;
    }
    if (closed) {
      ar.result().release();
      return;
    }
    lock = ar.result();
    writer = true;
    log.atInfo().addKeyValue("name", name).log("dns-sync: this node is the writer");
    trigger();
  }

  /**
   * Asks for a reconcile; the future completes when a run that started after this call has finished
   * (at once on a node that does not write).
   */
  private Future<Void> trigger() {
    Promise<Void> p = Promise.promise();
    ctx.runOnContext(
        v -> {
          if (closed || !writer) {
            p.tryComplete();
            return;
          }
          pending.add(p);
          if (!running) {
            run();
          }
        });
    return p.future();
  }

  private void run() {
    running = true;
    cancelTimer();
    List<Promise<Void>> batch = pending;
    pending = new ArrayList<>();
    long t0 = System.nanoTime();
    readyMap
        .entries()
        .map(this::desired)
        .compose(want -> vertx.executeBlocking(() -> sync(want), false))
        .onComplete(ar -> ctx.runOnContext(v -> finished(ar, batch, t0)));
  }

  private void finished(AsyncResult<Result> ar, List<Promise<Void>> batch, long t0) {
    running = false;
    long ms = (System.nanoTime() - t0) / 1_000_000;
    if (ar.succeeded()) {
      Result r = ar.result();
      if (!r.plan().isEmpty()) {
        log.atInfo()
            .addKeyValue("name", name)
            .addKeyValue("removed", text(r.plan().remove()))
            .addKeyValue("added", text(r.plan().add()))
            .addKeyValue("records", text(r.desired()))
            .addKeyValue("ms", ms)
            .log("dns-sync: records updated");
      }
      if (failures > 0) {
        log.atInfo()
            .addKeyValue("name", name)
            .addKeyValue("failures", failures)
            .log("dns-sync: recovered");
      }
      failures = 0;
      batch.forEach(Promise::tryComplete);
      if (closed) {
        return;
      }
      schedule(timing.period());
      if (!pending.isEmpty()) {
        run();
      }
    } else {
      failures++;
      Duration delay = timing.backoff(failures);
      var event = failures == 1 || failures % 10 == 0 ? log.atWarn() : log.atDebug();
      event
          .addKeyValue("name", name)
          .addKeyValue("failures", failures)
          .addKeyValue("retry_in", delay)
          .addKeyValue("error", String.valueOf(ar.cause()))
          .log("dns-sync: reconcile failed");
      batch.forEach(p -> p.tryFail(ar.cause()));
      if (!closed) {
        schedule(delay);
      }
    }
  }

  private record Result(Set<InetAddress> desired, DnsPlan plan) {}

  /** Blocking, on a worker: reads the records and sends the difference. */
  private Result sync(Set<InetAddress> want) throws java.io.IOException {
    DnsPlan plan = DnsPlan.between(records.read(), want);
    if (!plan.isEmpty() && !closed) {
      records.apply(plan.remove(), plan.add());
    }
    return new Result(want, plan);
  }

  /** The addresses of the ready entries whose node is a live member. */
  private Set<InetAddress> desired(Map<String, String> ready) {
    Set<String> live = membership.members().stream().map(Member::id).collect(Collectors.toSet());
    Set<InetAddress> out = new LinkedHashSet<>();
    ready.forEach(
        (id, addr) -> {
          if (live.contains(id)) {
            try {
              out.add(InetAddress.getByName(addr)); // a literal: no lookup
            } catch (UnknownHostException e) {
              log.atWarn()
                  .addKeyValue("node", id)
                  .addKeyValue("address", addr)
                  .log("dns-sync: not an address, skipped");
            }
          }
        });
    return out;
  }

  private void schedule(Duration delay) {
    cancelTimer();
    timer =
        vertx.setTimer(
            Math.max(1, delay.toMillis()),
            id -> {
              timer = -1;
              trigger();
            });
  }

  private void cancelTimer() {
    if (timer >= 0) {
      vertx.cancelTimer(timer);
      timer = -1;
    }
  }

  private static String text(Set<InetAddress> addresses) {
    return addresses.stream()
        .map(InetAddress::getHostAddress)
        .sorted()
        .collect(Collectors.joining(",", "[", "]"));
  }
}
