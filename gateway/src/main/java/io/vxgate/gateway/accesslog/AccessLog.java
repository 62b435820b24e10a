package io.vxgate.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import ch.qos.logback.core.ContextBase;
import io.netty.util.internal.PlatformDependent;
import io.vxgate.cluster.AccessLogControl;
import io.vxgate.config.AccessLogConfig;
import io.vxgate.config.ConfigError;
import io.vxgate.config.TracingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The node's access log (docs/operations.md, "Access logs"). The event loops hand each finished
 * {@link AccessRecord} to a bounded lock-free queue ({@link #submit}: one offer, never blocking,
 * nothing formatted); one writer thread formats the lines and writes them through a logback
 * appender ({@link Sink}), flushing when the queue runs empty. When the queue is full the record is
 * dropped and counted ({@link #dropped}), never buffered without bound; when the destination fails
 * (a full disk, an unwritable file) the failure is logged once, the lost lines are counted ({@link
 * #failed}), and serving goes on.
 *
 * <p>The same writer turns each sampled record into a span for the OTLP exporter ({@link Spans},
 * {@code tracing.otlp}), so a node that exports spans without an access log has the queue and the
 * writer too, fed only with sampled records.
 *
 * <p>A reload replaces the destination, the format, the queue and the span export in place ({@link
 * #prepare}, then {@link #switchTo}; docs/operations.md, "Reloading"). The new destination is
 * opened first (a file that cannot be opened refuses the reload, and the old one stays); then the
 * event loops hand their records to a new queue, while the writer writes what the old queue holds
 * to the old destination, flushes and closes it, and goes on with the new one. So every line is
 * written once and whole, to the destination in force when its request ended (a record handed to
 * the old queue in the very instant of the switch goes to the new one).
 *
 * <p>Logback's {@code AsyncAppender} is not the queue: it formats the message on the caller's
 * thread, takes a lock to enqueue, and drops silently when told never to block.
 */
public final class AccessLog implements AccessLogControl {
  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

  /** How long the writer sleeps when the queue is empty (no event loop ever wakes it). */
  static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** How long the writer sleeps when nothing is logged or exported (a switch wakes it). */
  static final long OFF_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(100);

  /** Lines written without a flush at most, under a steady load that never empties the queue. */
  static final int FLUSH_EVERY = 1024;

  private final String node;

  /** What the event loops hand records to: one volatile read per record. */
  private volatile Intake intake = Intake.NONE;

  /** The setups the writer has yet to put in force, in order. */
  private final Queue<Setup> switches = new ConcurrentLinkedQueue<>();

  /** Started with the first setup that logs or exports anything. */
  private volatile @Nullable Thread writer;

  private final LongAdder dropped = new LongAdder();
  private final AtomicReference<CompletableFuture<Boolean>> reopen = new AtomicReference<>();
  private volatile boolean running = true;
  private volatile long written;
  private volatile long failed;

  // The writer thread's own.
  /** The setup in force: destination, format, span export. */
  private Setup output = Setup.NONE;

  /** The queue of the setup in force (null: none yet). */
  private @Nullable Queue<AccessRecord> queue;

  /**
   * The queue of the setup before it, for records handed over in the instant of the switch (null:
   * none).
   */
  private @Nullable Queue<AccessRecord> retired;

  /** The failure last logged (null: none, or lines are written again since). */
  private @Nullable String reported;

  private AccessLog(String node) {
    this.node = node;
  }

  /**
   * Starts the access log of {@code config} and the span export of {@code tracing}. The writer
   * thread, which opens the destination, starts only when there is either; a reload may add them
   * later ({@link #switchTo}).
   *
   * @param config null: no access log
   * @param node the node id (the {@code node} field, the syslog host name, the spans' service
   *     instance)
   */
  public static AccessLog start(
      @Nullable AccessLogConfig config, TracingConfig tracing, String node) {
    AccessLog l = new AccessLog(requireNonNull(node, "node"));
    // The destination is opened by the writer: opening a file may block (a FIFO), a start must not.
    l.switchTo(new Setup(config, requireNonNull(tracing, "tracing")));
    return l;
  }

  /**
   * Opens the destination and the span export of {@code config} and {@code tracing} without putting
   * them in force (a reload: blocks, so not on an event loop). The caller checks {@link
   * Setup#errors}, then hands the setup to {@link #switchTo}, or gives it up with {@link
   * Setup#abandon}.
   *
   * @param config null: no access log
   */
  public Setup prepare(@Nullable AccessLogConfig config, TracingConfig tracing) {
    Setup s = new Setup(config, requireNonNull(tracing, "tracing"));
    s.open(node);
    return s;
  }

  /**
   * Puts {@code next} in force: new records go to its queue at once; the writer writes what the
   * previous queue holds to the previous destination, flushes and closes it, then writes to {@code
   * next}'s (docs/operations.md, "Reloading"). Never blocks.
   */
  public synchronized void switchTo(Setup next) {
    requireNonNull(next, "next");
    if (!running) {
      next.close(false);
      return;
    }
    Thread w = writer;
    if (w == null && !next.intake.any()) {
      // nothing logged before or now: nothing for a writer to do
      intake = next.intake;
      next.close(false);
      return;
    }
    switches.add(next);
    intake = next.intake;
    if (w == null) {
      w = new Thread(this::run, "vxgate-access-log");
      w.setDaemon(true);
      writer = w;
      w.start();
    } else {
      LockSupport.unpark(w);
    }
  }

  /**
   * Whether records are logged or exported (else the request path need not fill in what only lines
   * and spans show).
   */
  public boolean enabled() {
    return intake.any();
  }

  /** Hands a finished record over (any thread; never blocks). */
  public void submit(AccessRecord r) {
    Intake in = intake;
    if (in.wants(r) && !in.queue().offer(r)) {
      dropped.increment();
    }
  }

  /** Records dropped because the queue was full. */
  @Override
  public long dropped() {
    return dropped.sum();
  }

  /** Lines lost because the destination failed. */
  @Override
  public long failed() {
    return failed;
  }

  /** Lines written. */
  @Override
  public long written() {
    return written;
  }

  /**
   * Reopens the log file at its path, between two lines (logrotate's {@code postrotate}: SIGUSR1,
   * {@code vxgatectl log reopen}). Completes with false when the log is not a file.
   */
  @Override
  public CompletableFuture<Boolean> reopen() {
    Thread w = writer;
    if (w == null) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    CompletableFuture<Boolean> earlier = reopen.getAndSet(f);
    if (earlier != null) {
      // one reopen serves both
      f.whenComplete((v, t) -> earlier.complete(v));
    }
    LockSupport.unpark(w);
    return f;
  }

  /** Writes what is queued, then stops the writer (at most 5 s). */
  public void close() {
    Thread w;
    synchronized (this) {
      if (!running) {
        return;
      }
      running = false;
      w = writer;
    }
    if (w == null) {
      return;
    }
    LockSupport.unpark(w);
    try {
      w.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  private void run() {
    long pending = 0;
    while (true) {
      Setup next = switches.poll();
      if (next != null) {
        pending = apply(next, pending);
        continue;
      }
      if (reopen.get() != null) {
        pending = flush(pending);
        CompletableFuture<Boolean> f = reopen.getAndSet(null);
        boolean file = output.sink.reopen();
        report();
        if (file) {
          log.atInfo().log("access log reopened");
        }
        f.complete(file);
      }
      AccessRecord r = poll();
      if (r == null) {
        pending = flush(pending);
        if (!running && switches.isEmpty()) {
          break;
        }
        output.sink.idle(System.nanoTime());
        report();
        LockSupport.parkNanos(output.intake.any() ? IDLE_PARK_NANOS : OFF_PARK_NANOS);
        continue;
      }
      pending = write(r, pending);
    }
    output.close(true);
  }

  /**
   * Puts {@code next} in force: what the queues hold is written with the setup in force, which is
   * then flushed and closed; {@code next} is opened here when it was not yet (a start's).
   */
  private long apply(Setup next, long pending) {
    pending = drain(retired, pending);
    pending = drain(queue, pending);
    flush(pending);
    Setup old = output;
    next.open(node);
    output = next;
    retired = queue;
    queue = next.intake.queue();
    old.close(false);
    report();
    return 0;
  }

  private long drain(@Nullable Queue<AccessRecord> q, long pending) {
    if (q != null) {
      for (AccessRecord r = q.poll(); r != null; r = q.poll()) {
        pending = write(r, pending);
      }
    }
    return pending;
  }

  private @Nullable AccessRecord poll() {
    AccessRecord r = queue == null ? null : queue.poll();
    return r == null && retired != null ? retired.poll() : r;
  }

  /** Writes {@code r}'s line and exports its span; returns the lines written since the flush. */
  // written and failed have one writer, this thread; other threads only read them
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private long write(AccessRecord r, long pending) {
    Setup o = output;
    if (o.spans != null && r.sampled()) {
      try {
        o.spans.export(r);
      } catch (RuntimeException e) {
        log.debug("span not exported: {}", e.toString());
      }
    }
    if (!o.intake.lines()) {
      return pending;
    }
    Sink sink = o.sink;
    boolean wasOk = sink.failure == null;
    boolean taken;
    try {
      taken = sink.write(r);
    } catch (RuntimeException e) {
      sink.failure = e.toString();
      taken = false;
    }
    if (taken) {
      pending++;
    } else {
      failed++;
      if (wasOk) {
        // the batch still buffered went down with it
        failed += pending;
        pending = 0;
      }
    }
    report();
    return pending >= FLUSH_EVERY ? flush(pending) : pending;
  }

  /** Flushes; the lines of the batch count as written, or as lost when the flush failed. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // as in write(): one writer
  private long flush(long pending) {
    if (pending == 0) {
      return 0;
    }
    Sink sink = output.sink;
    boolean before = sink.failure == null;
    sink.flush();
    if (before && sink.failure != null) {
      failed += pending;
      report();
    } else {
      written += pending;
      if (reported != null) {
        log.atInfo().log("access log writes again");
        reported = null;
      }
    }
    return 0;
  }

  /**
   * Logs a failure of the destination once: until lines are written again (a destination that
   * reopens and fails again, like a full disk, is one failure).
   */
  private void report() {
    String now = output.sink.failure;
    if (now != null && reported == null) {
      log.atWarn().addKeyValue("reason", now).log("access log lines are lost");
      reported = now;
    }
  }

  /**
   * What the event loops hand records to: the queue of the setup in force, and whether lines or
   * sampled spans are wanted. Swapped whole, so a record sees one setup.
   *
   * @param queue empty for good when neither is wanted
   */
  private record Intake(Queue<AccessRecord> queue, boolean lines, boolean spans) {
    static final Intake NONE = new Intake(new ConcurrentLinkedQueue<>(), false, false);

    boolean any() {
      return lines || spans;
    }

    boolean wants(AccessRecord r) {
      return lines || (spans && r.sampled());
    }
  }

  /**
   * One access log section and span export: the format, the destination, the queue, the exporter
   * ({@link AccessLog#prepare}, {@link AccessLog#switchTo}).
   */
  public static final class Setup {
    static final Setup NONE = new Setup(null, TracingConfig.DEFAULT);

    /** Null: no access log. */
    private final @Nullable AccessLogConfig config;

    private final TracingConfig tracing;
    final Intake intake;

    /** {@link Sink#NONE} until opened. */
    Sink sink = Sink.NONE;

    private boolean opened;

    /** Null: no export. */
    @Nullable Spans spans;

    /** Why the exporter could not be made (null: it was, or none is wanted). */
    private @Nullable String spansFailure;

    private Setup(@Nullable AccessLogConfig config, TracingConfig tracing) {
      this.config = config;
      this.tracing = tracing;
      boolean lines = config != null;
      boolean export = tracing.otlp() != null;
      this.intake =
          lines || export
              ? new Intake(
                  PlatformDependent.newFixedMpscQueue(
                      config == null ? AccessLogConfig.DEFAULT_QUEUE : config.queue()),
                  lines,
                  export)
              : Intake.NONE;
      opened = !intake.any();
    }

    /** Opens the destination and the exporter (blocking), once. */
    void open(String node) {
      if (opened) {
        return;
      }
      String otlp = tracing.otlp();
      if (otlp != null) {
        try {
          spans = new Spans(otlp, node);
        } catch (RuntimeException e) {
          spansFailure = String.valueOf(e.getMessage());
        }
      }
      ContextBase context = new ContextBase();
      context.setName("vxgate-access-log");
      sink =
          config == null
              ? Sink.NONE
              : Sink.of(config, new LineEncoder(LineFormat.of(config, node)), node, context);
      opened = true;
    }

    /**
     * What keeps this setup from being put in force, as config errors of {@code file}: a
     * destination or an exporter that could not be opened. Empty: none.
     */
    public List<ConfigError> errors(String file) {
      List<ConfigError> out = new ArrayList<>();
      String why = sink.openFailure();
      if (why != null) {
        out.add(
            new ConfigError(
                file,
                sink.key(),
                sink.value(),
                (sink instanceof Sink.FileSink
                        ? "a file this node can open for appending"
                        : "a syslog server this node can send to")
                    + "; here: "
                    + why));
      }
      String otlp = tracing.otlp();
      if (spansFailure != null && otlp != null) { // a failure comes only with an endpoint
        out.add(
            new ConfigError(
                file, "tracing.otlp", otlp, "an OTLP/HTTP endpoint; here: " + spansFailure));
      }
      return out;
    }

    /**
     * Stops the destination and the exporter ({@code wait}: for the exporter's last batch, at most
     * 5 s).
     */
    public void close(boolean wait) {
      sink.stop();
      if (spans != null) {
        spans.close(wait);
      }
    }

    /**
     * Gives up a setup that was never put in force (a refused reload): like {@link #close}, and a
     * log file it created is removed again while it is still empty.
     */
    public void abandon() {
      sink.abandon();
      if (spans != null) {
        spans.close(false);
      }
    }
  }
}
