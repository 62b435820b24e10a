package io.vxgate.gateway.buffer;

import static java.util.Objects.requireNonNull;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import org.jspecify.annotations.Nullable;

/**
 * A request or response body held by the gateway (docs/architecture.md#buffering): parts stay in
 * memory up to {@code memoryLimit} bytes of this body (and while the node's budget allows), the
 * rest goes to a temp file of at most {@code fileLimit} bytes. Past both, parts are still taken
 * (nothing read is dropped), but {@link #append} answers false: the source should pause until
 * {@link #accepting()} (or {@link Listener#onBufferRoom()}) says otherwise.
 *
 * <p>Bytes come out in the order they went in, through a {@link Reader}: {@link #consumer()} takes
 * parts out and frees them (a response fed to a slow client while the origin still sends), {@link
 * #replay()} reads a complete body from its start as often as needed and keeps it (a request body
 * sent again on a retry).
 *
 * <p>The temp file is written and read on the node's I/O executor ({@link NodeBuffers}), one
 * operation in flight per direction, and every completion comes back on {@code loop}: no event loop
 * ever waits for a disk. The file is opened with {@code DELETE_ON_CLOSE}, which on Linux unlinks it
 * at once: it never shows in the directory, and the kernel frees its blocks when it is closed, at
 * the latest when the process ends. {@link #release()} closes it, also when I/O was still in flight
 * (then once that completes).
 *
 * <p>Confined to {@code loop}; the listener is called only from I/O completions, never from inside
 * a call to this buffer.
 */
public final class BodyBuffer {
  /** What a buffer reports, on its event loop, after temp-file I/O completed. */
  public interface Listener {
    /**
     * Something can be read that could not be before: a {@link Reader#poll()} that returned null
     * may now return a part, or {@link #complete()} or {@link Reader#done()} may have turned true.
     */
    void onBufferReadable();

    /** {@link #append} answered false before, and the buffer takes parts again. */
    void onBufferRoom();

    /** Writing or reading the temp file failed (a full disk, say); the buffer is released. */
    void onBufferFailure(IOException cause);
  }

  /** The most a temp-file read brings back at once. */
  static final int READ_CHUNK = 64 * 1024;

  /** Bytes waiting to be written to the temp file above which {@link #append} says pause. */
  static final long WRITE_BACKLOG = 256 * 1024;

  /** Parts written by one write task at most. */
  private static final int WRITE_BATCH = 64;

  private final NodeBuffers node;
  private final ByteBufAllocator alloc;
  private final Executor loop;
  private final long memoryLimit;
  private final long fileLimit;
  private final Listener listener;

  /** In order: {@link ByteBuf}s held in memory and {@link FileRange}s of the temp file. */
  private final ArrayDeque<Object> segments = new ArrayDeque<>();

  /** Parts waiting to be written to the temp file, in file order. */
  private final ArrayDeque<ByteBuf> writeQueue = new ArrayDeque<>(4);

  /** The readers not closed yet: {@link #release()} frees what they hold. */
  private final List<Reader> readers = new ArrayList<>(2);

  /** Null until the first write (which opens it) completed. */
  private @Nullable FileChannel file;

  private long queued;

  /** Bytes of the write in flight, 0 when none. */
  private long writing;

  /** Bytes the temp file will hold once every queued part is written. */
  private long fileEnd;

  /** Bytes written to the temp file. */
  private long written;

  /** File operations in flight (writes and reads). */
  private int inFlight;

  private long size;
  private long inMemory;

  /** Bytes this buffer counts in the node's memory budget now. */
  private long reserved;

  private boolean spilled;
  private boolean ended;
  private boolean blocked;
  private boolean released;

  /**
   * @param node the node's budget, temp directory and I/O executor
   * @param alloc allocates the buffers temp-file reads fill
   * @param loop the event loop this buffer lives on: I/O completions run there
   * @param memoryLimit bytes of this body held in memory at most ({@code buffering.memory})
   * @param fileLimit bytes of this body in the temp file at most; 0: no temp file
   */
  public BodyBuffer(
      NodeBuffers node,
      ByteBufAllocator alloc,
      Executor loop,
      long memoryLimit,
      long fileLimit,
      Listener listener) {
    this.node = requireNonNull(node, "node");
    this.alloc = requireNonNull(alloc, "alloc");
    this.loop = requireNonNull(loop, "loop");
    this.memoryLimit = memoryLimit;
    this.fileLimit = fileLimit;
    this.listener = requireNonNull(listener, "listener");
  }

  /** A stretch of the temp file; the last one grows while parts are appended to the file. */
  private static final class FileRange {
    final long start;
    long end;

    FileRange(long start, long end) {
      this.start = start;
      this.end = end;
    }
  }

  // ---- writing

  /**
   * Takes a part of the body (ownership passes to the buffer).
   *
   * @return whether the source may go on; false: pause until {@link #accepting()} or {@link
   *     Listener#onBufferRoom()}
   */
  public boolean append(ByteBuf data) {
    int n = data.readableBytes();
    if (released || ended || n == 0) {
      data.release();
      return !released && !blocked;
    }
    size += n;
    if (inMemory + n <= memoryLimit && node.reserve(n)) {
      reserved += n;
      inMemory += n;
      segments.add(data);
    } else if (fileEnd + n <= fileLimit) {
      node.forceReserve(n);
      reserved += n;
      writeQueue.add(data);
      queued += n;
      if (segments.peekLast() instanceof FileRange r && r.end == fileEnd) {
        r.end += n;
      } else {
        segments.add(new FileRange(fileEnd, fileEnd + n));
      }
      fileEnd += n;
      if (!spilled) {
        spilled = true;
        node.spilled();
      }
      startWrite();
    } else {
      // No room left: kept all the same (it was read), and the source is asked to pause.
      node.forceReserve(n);
      reserved += n;
      inMemory += n;
      segments.add(data);
    }
    if (!hasRoom()) {
      blocked = true;
    }
    return !blocked;
  }

  /** No more parts follow. */
  public void end() {
    ended = true;
  }

  /** Whether the buffer takes parts again after {@link #append} answered false. */
  public boolean accepting() {
    if (blocked && hasRoom()) {
      blocked = false;
    }
    return !blocked && !released;
  }

  private boolean hasRoom() {
    return queued + writing < WRITE_BACKLOG && (inMemory < memoryLimit || fileEnd < fileLimit);
  }

  /** Whether the body ended and every part of it is stored (none still on its way to the file). */
  public boolean complete() {
    return ended && queued == 0 && writing == 0;
  }

  /** The bytes appended so far. */
  public long size() {
    return size;
  }

  /** Whether part of the body went to a temp file. */
  public boolean spilled() {
    return spilled;
  }

  private void startWrite() {
    if (writing > 0 || writeQueue.isEmpty() || released) {
      return;
    }
    List<ByteBuf> batch = new ArrayList<>(Math.min(writeQueue.size(), WRITE_BATCH));
    List<ByteBuffer> nio = new ArrayList<>();
    long n = 0;
    while (!writeQueue.isEmpty() && batch.size() < WRITE_BATCH) {
      ByteBuf b = writeQueue.poll();
      batch.add(b);
      n += b.readableBytes();
      for (ByteBuffer bb : b.nioBuffers()) {
        nio.add(bb);
      }
    }
    queued -= n;
    writing = n;
    inFlight++;
    long at = written;
    FileChannel open = file;
    Path path = open == null ? node.newFile() : null;
    long bytes = n;
    Runnable task =
        () -> {
          FileChannel ch = open;
          IOException error = null;
          try {
            if (ch == null) {
              ch =
                  FileChannel.open(
                      path,
                      StandardOpenOption.CREATE_NEW,
                      StandardOpenOption.READ,
                      StandardOpenOption.WRITE,
                      StandardOpenOption.DELETE_ON_CLOSE);
            }
            long p = at;
            for (ByteBuffer bb : nio) {
              while (bb.hasRemaining()) {
                p += ch.write(bb, p);
              }
            }
          } catch (IOException e) {
            error = e;
          }
          FileChannel result = ch;
          IOException failure = error;
          onLoop(() -> writeDone(result, batch, bytes, failure), () -> closeQuietly(result));
        };
    if (!submit(task)) {
      onLoop(
          () -> writeDone(null, batch, bytes, new IOException("the temp-file executor is closed")),
          () -> {});
    }
  }

  private void writeDone(
      @Nullable FileChannel ch, List<ByteBuf> batch, long n, @Nullable IOException error) {
    inFlight--;
    writing = 0;
    batch.forEach(ByteBuf::release);
    unreserve(n);
    if (file == null && ch != null) {
      file = ch;
    }
    if (released) {
      closeWhenIdle();
      return;
    }
    if (error != null) {
      fail(error);
      return;
    }
    written += n;
    node.diskAdded(n);
    startWrite();
    if (blocked && hasRoom()) {
      blocked = false;
      listener.onBufferRoom();
    }
    if (!released) {
      listener.onBufferReadable();
    }
  }

  // ---- reading

  /**
   * The reader that takes parts out of the buffer and frees them; there is one per buffer at most.
   */
  public Reader consumer() {
    return new Reader(null);
  }

  /**
   * A reader of the whole body from its start, which keeps it; the body must be {@link
   * #complete()}.
   */
  public Reader replay() {
    if (!complete()) {
      throw new IllegalStateException("replay of an incomplete body");
    }
    return new Reader(segments.toArray());
  }

  /** Reads a buffer's parts in order. Confined to the buffer's event loop. */
  public final class Reader {
    /** The segments a replay goes through; null: a consumer, which takes them off the buffer. */
    private final Object @Nullable [] replay;

    private int index;

    /** The file position reached in the current file range; -1 before entering it. */
    private long pos = -1;

    /** A part read from the file, not yet handed out. */
    private @Nullable ByteBuf ahead;

    private boolean reading;
    private boolean closed;

    private Reader(Object @Nullable [] replay) {
      this.replay = replay;
      readers.add(this);
    }

    private @Nullable Object current() {
      if (replay == null) {
        return segments.peekFirst();
      }
      return index < replay.length ? replay[index] : null;
    }

    private void advance() {
      pos = -1;
      if (replay == null) {
        segments.pollFirst();
      } else {
        index++;
      }
    }

    /**
     * The next part (owned by the caller), or null when none is there now: the body ended (see
     * {@link #done()}), the next part is still to come, or it is being read from the temp file
     * ({@link Listener#onBufferReadable()} follows).
     */
    public @Nullable ByteBuf poll() {
      if (released || closed) {
        return null;
      }
      for (; ; ) {
        Object s = current();
        if (s == null) {
          return null;
        }
        if (s instanceof ByteBuf b) {
          advance();
          if (replay != null) {
            return b.retainedDuplicate();
          }
          int n = b.readableBytes();
          inMemory -= n;
          unreserve(n);
          return b;
        }
        FileRange r = (FileRange) s;
        if (pos < r.start) {
          pos = r.start;
        }
        ByteBuf out = ahead;
        if (out != null) {
          ahead = null;
          unreserve(out.readableBytes());
          pos += out.readableBytes();
          if (pos >= r.end) {
            advance();
          } else {
            startRead(r);
          }
          return out;
        }
        if (pos >= r.end) {
          advance();
          continue;
        }
        startRead(r);
        return null;
      }
    }

    /** Whether the reader has every part the buffer holds now (more may follow). */
    public boolean caughtUp() {
      return current() == null;
    }

    /** Whether every part was handed out and the body ended. */
    public boolean done() {
      return ended && !released && current() == null;
    }

    /** Frees what this reader holds (a replay that is abandoned, say). */
    public void close() {
      if (closed) {
        return;
      }
      closed = true;
      readers.remove(this);
      ByteBuf a = ahead;
      ahead = null;
      if (a != null) {
        unreserve(a.readableBytes());
        a.release();
      }
    }

    private void startRead(FileRange r) {
      long available = Math.min(r.end, written) - pos;
      FileChannel ch = file;
      if (reading || available <= 0 || ch == null) {
        return; // (a write in flight brings the rest, and the file with the first: writeDone
        // reports it)
      }
      int n = (int) Math.min(available, READ_CHUNK);
      ByteBuf buf = alloc.directBuffer(n, n);
      ByteBuffer target = buf.nioBuffer(0, n);
      node.forceReserve(n);
      reserved += n;
      reading = true;
      inFlight++;
      long at = pos;
      Runnable task =
          () -> {
            IOException error = null;
            try {
              long p = at;
              while (target.hasRemaining()) {
                int got = ch.read(target, p);
                if (got < 0) {
                  throw new EOFException("temp file shorter than written");
                }
                p += got;
              }
            } catch (IOException e) {
              error = e;
            }
            IOException failure = error;
            onLoop(() -> readDone(buf, n, failure), buf::release);
          };
      if (!submit(task)) {
        onLoop(
            () -> readDone(buf, n, new IOException("the temp-file executor is closed")),
            buf::release);
      }
    }

    private void readDone(ByteBuf buf, int n, @Nullable IOException error) {
      inFlight--;
      reading = false;
      if (released || closed || error != null) {
        unreserve(n);
        buf.release();
        if (released) {
          closeWhenIdle();
        } else if (error != null) {
          fail(error);
        }
        return;
      }
      buf.writerIndex(n);
      ahead = buf;
      listener.onBufferReadable();
    }
  }

  // ---- the end

  /**
   * Frees everything: memory parts, queued writes, and the temp file (closed, hence deleted, once
   * no I/O is in flight). Idempotent.
   */
  public void release() {
    if (released) {
      return;
    }
    released = true;
    for (Reader r : List.copyOf(readers)) {
      r.close();
    }
    for (Object s : segments) {
      if (s instanceof ByteBuf b) {
        unreserve(b.readableBytes());
        b.release();
      }
    }
    segments.clear();
    for (ByteBuf b : writeQueue) {
      unreserve(b.readableBytes());
      b.release();
    }
    writeQueue.clear();
    queued = 0;
    inMemory = 0;
    closeWhenIdle();
  }

  /** Bytes this buffer counts in the node's memory budget now. */
  long reserved() {
    return reserved;
  }

  /** Whether {@link #release()} was called (or a failure released it). */
  public boolean released() {
    return released;
  }

  private void fail(IOException cause) {
    release();
    listener.onBufferFailure(cause);
  }

  private void closeWhenIdle() {
    FileChannel ch = file;
    if (inFlight > 0 || ch == null) {
      return;
    }
    file = null;
    node.diskAdded(-written);
    written = 0;
    if (!submit(() -> closeQuietly(ch))) {
      closeQuietly(ch);
    }
  }

  private static void closeQuietly(@Nullable FileChannel ch) {
    if (ch != null) {
      try {
        ch.close();
      } catch (IOException ignored) {
        // closing a temp file that is unlinked already: nothing to do about it
      }
    }
  }

  private void unreserve(long n) {
    reserved -= n;
    node.unreserve(n);
  }

  private boolean submit(Runnable task) {
    try {
      node.io().execute(task);
      return true;
    } catch (RejectedExecutionException e) {
      return false;
    }
  }

  /**
   * Runs {@code completion} on the buffer's event loop; when the loop is gone (the node stopped),
   * {@code orphaned} frees what the completion would have used.
   */
  private void onLoop(Runnable completion, Runnable orphaned) {
    try {
      loop.execute(completion);
    } catch (RejectedExecutionException e) {
      orphaned.run();
    }
  }
}
