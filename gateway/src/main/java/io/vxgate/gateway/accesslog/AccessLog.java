package io.vxgate.gateway.accesslog;

import ch.qos.logback.core.ContextBase;
import io.netty.util.internal.PlatformDependent;
import io.vxgate.cluster.AccessLogControl;
import io.vxgate.config.AccessLogConfig;
import io.vxgate.config.TracingConfig;
import java.util.Queue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.LockSupport;
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
 * <p>Logback's {@code AsyncAppender} is not the queue: it formats the message on the caller's
 * thread, takes a lock to enqueue, and drops silently when told never to block.
 */
public final class AccessLog implements AccessLogControl {
  private static final Logger log = LoggerFactory.getLogger(AccessLog.class);

  /** How long the writer sleeps when the queue is empty (no event loop ever wakes it). */
  static final long IDLE_PARK_NANOS = TimeUnit.MILLISECONDS.toNanos(2);

  /** Lines written without a flush at most, under a steady load that never empties the queue. */
  static final int FLUSH_EVERY = 1024;

  /** No access log: {@link #enabled()} is false, {@link #submit} is never called. */
  public static final AccessLog OFF = new AccessLog();

  private final Queue<AccessRecord> queue;
  private final Thread writer;

  /** Whether lines are written (else only spans are exported). */
  private final boolean lines;

  /** Null: no span export. */
  private final Spans spans;

  /** The destination: opened, used and closed by the writer thread only. */
  private Sink sink;

  private final LongAdder dropped = new LongAdder();
  private final AtomicReference<CompletableFuture<Boolean>> reopen = new AtomicReference<>();
  private volatile boolean running;
  private volatile long written;
  private volatile long failed;
  private String reported;

  private AccessLog() {
    queue = null;
    writer = null;
    lines = false;
    spans = null;
  }

  private AccessLog(AccessLogConfig config, TracingConfig tracing, String node) {
    lines = config != null;
    spans = tracing.otlp() == null ? null : new Spans(tracing.otlp(), node);
    queue =
        PlatformDependent.newFixedMpscQueue(
            config == null ? AccessLogConfig.DEFAULT_QUEUE : config.queue());
    LineEncoder encoder = lines ? new LineEncoder(LineFormat.of(config, node)) : null;
    running = true;
    // The destination is opened by the writer: opening a file may block (a FIFO), a start must not.
    writer =
        new Thread(
            () -> {
              ContextBase context = new ContextBase();
              context.setName("vxgate-access-log");
              sink = lines ? Sink.of(config, encoder, node, context) : Sink.NONE;
              report();
              run();
            },
            "vxgate-access-log");
    writer.setDaemon(true);
  }

  /**
   * Starts the access log of {@code config} and the span export of {@code tracing} (the writer
   * thread, which opens the destination), or returns {@link #OFF} when there is neither.
   *
   * @param config nullable: no access log
   * @param node the node id (the {@code node} field, the syslog host name, the spans' service
   *     instance)
   */
  public static AccessLog start(AccessLogConfig config, TracingConfig tracing, String node) {
    if (config == null && tracing.otlp() == null) {
      return OFF;
    }
    AccessLog l = new AccessLog(config, tracing, node);
    l.writer.start();
    return l;
  }

  /**
   * Whether records are logged or exported (else the request path need not fill in what only lines
   * and spans show).
   */
  public boolean enabled() {
    return writer != null;
  }

  /** Hands a finished record over (any thread; never blocks). */
  public void submit(AccessRecord r) {
    if (writer != null && (lines || (spans != null && r.sampled())) && !queue.offer(r)) {
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
    if (writer == null) {
      return CompletableFuture.completedFuture(false);
    }
    CompletableFuture<Boolean> f = new CompletableFuture<>();
    CompletableFuture<Boolean> earlier = reopen.getAndSet(f);
    if (earlier != null) {
      // one reopen serves both
      f.whenComplete((v, t) -> earlier.complete(v));
    }
    LockSupport.unpark(writer);
    return f;
  }

  /** Writes what is queued, then stops the writer (at most 5 s). */
  public void close() {
    if (writer == null || !running) {
      return;
    }
    running = false;
    LockSupport.unpark(writer);
    try {
      writer.join(5_000);
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }

  // written and failed have one writer, this thread; other threads only read them
  @SuppressWarnings("NonAtomicVolatileUpdate")
  private void run() {
    long pending = 0;
    while (true) {
      if (reopen.get() != null) {
        pending = flush(pending);
        CompletableFuture<Boolean> f = reopen.getAndSet(null);
        boolean file = sink.reopen();
        report();
        if (file) {
          log.atInfo().log("access log reopened");
        }
        f.complete(file);
      }
      AccessRecord r = queue.poll();
      if (r == null) {
        pending = flush(pending);
        if (!running) {
          break;
        }
        sink.idle(System.nanoTime());
        report();
        LockSupport.parkNanos(IDLE_PARK_NANOS);
        continue;
      }
      if (spans != null && r.sampled()) {
        try {
          spans.export(r);
        } catch (RuntimeException e) {
          log.debug("span not exported: {}", e.toString());
        }
      }
      if (!lines) {
        continue;
      }
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
      if (pending >= FLUSH_EVERY) {
        pending = flush(pending);
      }
    }
    sink.stop();
    if (spans != null) {
      spans.close();
    }
  }

  /** Flushes; the lines of the batch count as written, or as lost when the flush failed. */
  @SuppressWarnings("NonAtomicVolatileUpdate") // as in run(): one writer
  private long flush(long pending) {
    if (pending == 0) {
      return 0;
    }
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
    String now = sink.failure;
    if (now != null && reported == null) {
      log.atWarn().addKeyValue("reason", now).log("access log lines are lost");
      reported = now;
    }
  }
}
