package io.vxgate.gateway.buffer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.DirectoryStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.Executor;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.LongAdder;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * What all {@link BodyBuffer}s of a node share (docs/architecture.md#buffering): the node-wide
 * memory budget ({@code buffering.node-memory}), above which bodies go to temp files at once; the
 * temp directory ({@code buffering.temp-dir}), whose leftovers are removed when the node starts;
 * the small executor that does every temp-file write and read, so that no event loop waits for a
 * disk; and the counters behind the buffering meters.
 *
 * <p>Thread-safe: buffers of every event loop reserve and release memory here.
 */
public final class NodeBuffers implements AutoCloseable {
  private static final Logger log = LoggerFactory.getLogger(NodeBuffers.class);

  /**
   * Temp files are named {@code PREFIX + PID-INSTANCE-N + SUFFIX}, unique even when two nodes (or
   * two processes) share a directory; only such files are removed at start.
   */
  static final String PREFIX = "vxgate-body-";

  static final String SUFFIX = ".tmp";

  /** Threads of the temp-file executor: disk I/O is rare and short, two keep it off the loops. */
  private static final int IO_THREADS = 2;

  private final Path dir;
  private final long memoryBudget;
  private final Executor io;
  private final @Nullable ExecutorService ownedIo;
  private final AtomicLong memory = new AtomicLong();
  private final AtomicLong disk = new AtomicLong();
  private final LongAdder spills = new LongAdder();
  private final AtomicLong fileNumber = new AtomicLong();
  private final String namePrefix =
      PREFIX + ProcessHandle.current().pid() + "-" + INSTANCES.incrementAndGet() + "-";

  private static final AtomicInteger INSTANCES = new AtomicInteger();

  /**
   * @param dir the temp directory (exists)
   * @param memoryBudget the bytes all buffers of the node may hold in memory before they spill
   * @param io runs temp-file writes and reads (a small bounded executor; tests pass their own)
   */
  NodeBuffers(Path dir, long memoryBudget, Executor io) {
    this(dir, memoryBudget, io, null);
  }

  private NodeBuffers(Path dir, long memoryBudget, Executor io, @Nullable ExecutorService owned) {
    this.dir = requireNonNull(dir, "dir");
    if (memoryBudget < 0) {
      throw new IllegalArgumentException("memoryBudget: " + memoryBudget + " (expected: >= 0)");
    }
    this.memoryBudget = memoryBudget;
    this.io = requireNonNull(io, "io");
    this.ownedIo = owned;
  }

  /**
   * Opens the node's buffers: creates {@code dir} when missing, removes the temp files a previous
   * run left in it, and starts the temp-file executor. Blocking (file system calls): not for an
   * event loop.
   *
   * @param memoryBudget {@code buffering.node-memory} in bytes
   * @throws IOException when the directory cannot be created or listed
   */
  public static NodeBuffers open(Path dir, long memoryBudget) throws IOException {
    Files.createDirectories(dir);
    int removed = removeLeftovers(dir);
    if (removed > 0) {
      log.atInfo()
          .addKeyValue("dir", dir)
          .addKeyValue("files", removed)
          .log("removed temp files of a previous run");
    }
    AtomicInteger n = new AtomicInteger();
    ThreadPoolExecutor pool =
        new ThreadPoolExecutor(
            IO_THREADS,
            IO_THREADS,
            30,
            TimeUnit.SECONDS,
            new LinkedBlockingQueue<>(),
            r -> {
              Thread t = new Thread(r, "vxgate-buffer-io-" + n.incrementAndGet());
              t.setDaemon(true);
              return t;
            });
    pool.allowCoreThreadTimeOut(true);
    return new NodeBuffers(dir, memoryBudget, pool, pool);
  }

  /** The default {@code buffering.node-memory}: a quarter of the heap this JVM may use. */
  public static long defaultMemoryBudget() {
    return Runtime.getRuntime().maxMemory() / 4;
  }

  /** The default {@code buffering.temp-dir}: {@code java.io.tmpdir/vxgate-NODE}. */
  public static Path defaultDir(String nodeId) {
    return Path.of(System.getProperty("java.io.tmpdir"), "vxgate-" + nodeId);
  }

  /** Removes this gateway's temp files from {@code dir} (never anything else); how many. */
  static int removeLeftovers(Path dir) throws IOException {
    int removed = 0;
    try (DirectoryStream<Path> files = Files.newDirectoryStream(dir, PREFIX + "*" + SUFFIX)) {
      for (Path f : files) {
        if (Files.isRegularFile(f) && Files.deleteIfExists(f)) {
          removed++;
        }
      }
    }
    return removed;
  }

  /** A new temp file's path (not created). */
  Path newFile() {
    return dir.resolve(namePrefix + fileNumber.incrementAndGet() + SUFFIX);
  }

  /** The temp directory. */
  public Path dir() {
    return dir;
  }

  Executor io() {
    return io;
  }

  /** Takes {@code n} bytes of the memory budget when they fit in it. */
  boolean reserve(long n) {
    long used;
    do {
      used = memory.get();
      if (used + n > memoryBudget) {
        return false;
      }
    } while (!memory.compareAndSet(used, used + n));
    return true;
  }

  /** Counts {@code n} bytes held in memory that could not be refused (even over the budget). */
  void forceReserve(long n) {
    memory.addAndGet(n);
  }

  void unreserve(long n) {
    memory.addAndGet(-n);
  }

  void diskAdded(long n) {
    disk.addAndGet(n);
  }

  void spilled() {
    spills.increment();
  }

  /** The bytes all buffers hold in memory now. */
  public long memoryBytes() {
    return memory.get();
  }

  /** The bytes all buffers hold in temp files now. */
  public long diskBytes() {
    return disk.get();
  }

  /** How many bodies went (partly) to a temp file since the node started. */
  public long spills() {
    return spills.sum();
  }

  /** The node-wide memory budget, in bytes. */
  public long memoryBudget() {
    return memoryBudget;
  }

  /** Stops the temp-file executor (buffers still open fail their next file operation). */
  @Override
  public void close() {
    if (ownedIo != null) {
      ownedIo.shutdown();
    }
  }
}
