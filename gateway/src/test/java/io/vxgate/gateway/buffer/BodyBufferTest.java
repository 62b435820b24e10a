package io.vxgate.gateway.buffer;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.Executor;
import java.util.stream.Stream;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@link BodyBuffer} and {@link NodeBuffers} with both executors in the test's hands: the temp-file
 * I/O runs only when the test says so, and so do the completions on the "event loop". Every test
 * checks that nothing is left held: memory counted, bytes on disk, open files, buffers not
 * released.
 */
class BodyBufferTest {
  @TempDir Path dir;

  private final Tasks io = new Tasks();
  private final Tasks loop = new Tasks();
  private final Events events = new Events();
  private final List<ByteBuf> given = new ArrayList<>();

  /** An executor that queues and runs tasks only when asked. */
  static final class Tasks implements Executor {
    final ArrayDeque<Runnable> queue = new ArrayDeque<>();
    boolean closed;

    @Override
    public void execute(Runnable r) {
      if (closed) {
        throw new java.util.concurrent.RejectedExecutionException("closed");
      }
      queue.add(r);
    }

    int runAll() {
      int n = 0;
      Runnable r;
      while ((r = queue.poll()) != null) {
        r.run();
        n++;
      }
      return n;
    }
  }

  /** What the buffer reported. */
  static final class Events implements BodyBuffer.Listener {
    int readable;
    int room;
    IOException failure;

    @Override
    public void onBufferReadable() {
      readable++;
    }

    @Override
    public void onBufferRoom() {
      room++;
    }

    @Override
    public void onBufferFailure(IOException cause) {
      failure = cause;
    }
  }

  private NodeBuffers node(long budget) {
    return new NodeBuffers(dir, budget, io);
  }

  private BodyBuffer buffer(NodeBuffers node, long memory, long file) {
    return new BodyBuffer(node, ByteBufAllocator.DEFAULT, loop, memory, file, events);
  }

  /** A part of {@code n} bytes, each {@code (byte) (seed + i)}; checked for release afterwards. */
  private ByteBuf part(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    ByteBuf buf = Unpooled.directBuffer(n).writeBytes(b);
    given.add(buf);
    return buf;
  }

  private static byte[] bytes(int n, int seed) {
    byte[] b = new byte[n];
    for (int i = 0; i < n; i++) {
      b[i] = (byte) (seed + i);
    }
    return b;
  }

  /** Runs I/O and completions until nothing is left to run. */
  private void settle() {
    while (io.runAll() + loop.runAll() > 0) {
      // an I/O task posts its completion, which may start the next task
    }
  }

  /** Reads a reader to its end, running I/O whenever it waits for the file. */
  private byte[] readAll(BodyBuffer.Reader r) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (int guard = 0; guard < 10_000 && !r.done(); guard++) {
      ByteBuf b = r.poll();
      if (b == null) {
        settle();
        continue;
      }
      byte[] a = new byte[b.readableBytes()];
      b.readBytes(a);
      b.release();
      out.writeBytes(a);
    }
    assertThat(r.done()).as("reader done").isTrue();
    return out.toByteArray();
  }

  private long filesIn(Path d) throws IOException {
    try (Stream<Path> s = Files.list(d)) {
      return s.count();
    }
  }

  /** Open descriptors of this process on files of the temp directory (unlinked ones included). */
  private long openFilesIn(Path d) throws IOException {
    Path fds = Path.of("/proc/self/fd");
    if (!Files.isDirectory(fds)) {
      return 0;
    }
    long n = 0;
    try (Stream<Path> s = Files.list(fds)) {
      for (Path fd : s.toList()) {
        try {
          if (Files.readSymbolicLink(fd).toString().startsWith(d.toString())) {
            n++;
          }
        } catch (IOException gone) {
          // the descriptor of the listing itself, closed meanwhile
        }
      }
    }
    return n;
  }

  @AfterEach
  void nothingHeld() {
    for (ByteBuf b : given) {
      assertThat(b.refCnt()).as("a part given to the buffer is released").isZero();
    }
  }

  private void assertFreed(NodeBuffers node, BodyBuffer b) throws IOException {
    settle();
    assertThat(b.reserved()).as("memory counted by the buffer").isZero();
    assertThat(node.memoryBytes()).as("memory counted by the node").isZero();
    assertThat(node.diskBytes()).as("bytes on disk").isZero();
    assertThat(filesIn(dir)).as("files in the temp dir").isZero();
    assertThat(openFilesIn(dir)).as("open temp files").isZero();
  }

  @Test
  void aSmallBodyStaysInMemoryAndComesOutInOrder() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 64 << 10, 1 << 30);
    assertThat(b.append(part(1000, 1))).isTrue();
    assertThat(b.append(part(2000, 2))).isTrue();
    b.end();
    assertThat(b.complete()).isTrue();
    assertThat(b.spilled()).isFalse();
    assertThat(node.memoryBytes()).isEqualTo(3000);
    assertThat(io.queue).as("no file I/O").isEmpty();
    BodyBuffer.Reader r = b.consumer();
    byte[] all = readAll(r);
    assertThat(all).hasSize(3000);
    assertThat(java.util.Arrays.copyOfRange(all, 0, 1000)).isEqualTo(bytes(1000, 1));
    assertThat(java.util.Arrays.copyOfRange(all, 1000, 3000)).isEqualTo(bytes(2000, 2));
    assertThat(node.memoryBytes()).as("consumed parts are freed").isZero();
    b.release();
    assertFreed(node, b);
    assertThat(node.spills()).isZero();
  }

  @Test
  void overItsMemoryLimitABodySpillsToATempFileAndReadsBackInOrder() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 4096, 1 << 30);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 10; i++) {
      assertThat(b.append(part(1024, i))).isTrue();
      expected.writeBytes(bytes(1024, i));
    }
    b.end();
    assertThat(b.spilled()).isTrue();
    assertThat(node.spills()).isOne();
    assertThat(b.complete()).as("writes still queued").isFalse();
    assertThat(node.memoryBytes())
        .as("parts waiting for the disk count as memory")
        .isEqualTo(10240);
    BodyBuffer.Reader r = b.consumer();
    // The memory parts come at once, then the reader waits for the file.
    for (int i = 0; i < 4; i++) {
      ByteBuf p = r.poll();
      assertThat(p).isNotNull();
      p.release();
    }
    assertThat(r.poll()).as("the rest is on its way to the file").isNull();
    io.runAll();
    assertThat(events.readable).isZero();
    loop.runAll();
    assertThat(events.readable).as("the write's completion reports it").isPositive();
    assertThat(b.complete()).as("the parts queued meanwhile are written next").isFalse();
    settle();
    assertThat(b.complete()).isTrue();
    assertThat(node.diskBytes()).isEqualTo(6 * 1024);
    assertThat(filesIn(dir)).as("the temp file is unlinked while open").isZero();
    assertThat(openFilesIn(dir)).as("but open").isOne();
    byte[] rest = readAll(r);
    assertThat(rest).isEqualTo(java.util.Arrays.copyOfRange(expected.toByteArray(), 4096, 10240));
    b.release();
    assertFreed(node, b);
  }

  @Test
  void aCompleteBodyReplaysFromItsStartAsOftenAsAsked() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 2048, 1 << 30);
    ByteArrayOutputStream expected = new ByteArrayOutputStream();
    for (int i = 0; i < 5; i++) {
      b.append(part(1500, i * 7));
      expected.writeBytes(bytes(1500, i * 7));
    }
    b.end();
    assertThatThrownBy(b::replay).isInstanceOf(IllegalStateException.class);
    settle();
    assertThat(b.complete()).isTrue();
    assertThat(b.size()).isEqualTo(7500);
    assertThat(readAll(b.replay())).isEqualTo(expected.toByteArray());
    assertThat(readAll(b.replay())).as("a second attempt").isEqualTo(expected.toByteArray());
    // A replay abandoned halfway (an attempt that failed) frees what it read ahead.
    BodyBuffer.Reader abandoned = b.replay();
    abandoned.poll().release();
    abandoned.poll();
    io.runAll();
    abandoned.close();
    loop.runAll();
    assertThat(b.reserved()).as("the memory parts only").isEqualTo(1500);
    b.release();
    assertFreed(node, b);
  }

  @Test
  void theNodeBudgetIsSharedAndOverItBodiesSpillAtOnce() throws IOException {
    NodeBuffers node = node(3000);
    BodyBuffer a = buffer(node, 64 << 10, 1 << 30);
    BodyBuffer b = buffer(node, 64 << 10, 1 << 30);
    a.append(part(2000, 1));
    assertThat(a.spilled()).isFalse();
    b.append(part(800, 2));
    assertThat(b.spilled()).isFalse();
    assertThat(node.memoryBytes()).isEqualTo(2800);
    b.append(part(500, 3));
    assertThat(b.spilled()).as("over the node's budget").isTrue();
    assertThat(node.spills()).isOne();
    settle();
    assertThat(node.memoryBytes()).as("what went to disk is no longer counted").isEqualTo(2800);
    assertThat(node.diskBytes()).isEqualTo(500);
    a.release();
    assertThat(node.memoryBytes()).isEqualTo(800);
    b.end();
    assertThat(readAll(b.consumer())).hasSize(1300);
    b.release();
    assertFreed(node, b);
  }

  @Test
  void pastBothLimitsTheSourceIsToldToPauseUntilTheReaderFreesRoom() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 2048, 2048);
    assertThat(b.append(part(1024, 1))).isTrue();
    assertThat(b.append(part(1024, 2))).as("memory full, the file still has room").isTrue();
    assertThat(b.append(part(2048, 3))).as("to the file, now full too").isFalse();
    assertThat(b.accepting()).isFalse();
    assertThat(b.append(part(100, 4))).as("still taken, nothing is dropped").isFalse();
    BodyBuffer.Reader r = b.consumer();
    r.poll().release();
    assertThat(b.accepting()).as("a consumed memory part makes room").isTrue();
    settle();
    b.end();
    byte[] rest = readAll(r);
    assertThat(rest).hasSize(1024 + 2048 + 100);
    assertThat(java.util.Arrays.copyOfRange(rest, 3072, 3172)).isEqualTo(bytes(100, 4));
    b.release();
    assertFreed(node, b);
  }

  @Test
  void aWriteBacklogPausesTheSourceAndItsCompletionResumesIt() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 0, 1 << 30);
    boolean goOn = true;
    int parts = 0;
    while (goOn) {
      goOn = b.append(part(64 << 10, parts++));
    }
    assertThat((long) parts << 16).isGreaterThanOrEqualTo(BodyBuffer.WRITE_BACKLOG);
    assertThat(events.room).isZero();
    settle();
    assertThat(events.room).as("the disk caught up").isOne();
    assertThat(b.accepting()).isTrue();
    b.release();
    assertFreed(node, b);
  }

  @Test
  void releasedWhileWritingTheFileIsClosedOnceTheWriteCompletes() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 0, 1 << 30);
    b.append(part(4096, 1));
    io.runAll(); // the file is open and written; its completion has not run
    assertThat(openFilesIn(dir)).isOne();
    b.append(part(4096, 2)); // queued behind the write in flight
    b.release();
    assertThat(openFilesIn(dir)).as("still writing").isOne();
    assertFreed(node, b);
    assertThat(events.readable).as("nothing reported after release").isZero();
  }

  @Test
  void releasedWhileReadingTheReadBufferIsFreed() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = spilledReading(node);
    io.runAll(); // the read is done; its completion has not run
    b.release();
    assertFreed(node, b);
  }

  @Test
  void releasedWithAReadHeldTheReadBufferIsFreed() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = spilledReading(node);
    settle(); // the reader holds the part it read
    assertThat(b.reserved()).isEqualTo(4096);
    b.release();
    assertFreed(node, b);
  }

  /** A complete body of 4 KiB in its temp file, whose consumer started reading it. */
  private BodyBuffer spilledReading(NodeBuffers node) {
    BodyBuffer b = buffer(node, 0, 1 << 30);
    b.append(part(4096, 1));
    b.end();
    settle();
    assertThat(b.consumer().poll()).as("a read is in flight").isNull();
    return b;
  }

  @Test
  void aFileThatCannotBeWrittenFailsTheBufferAndFreesIt() throws IOException {
    Path gone = dir.resolve("gone");
    NodeBuffers node = new NodeBuffers(gone, 1 << 20, io);
    BodyBuffer b = new BodyBuffer(node, ByteBufAllocator.DEFAULT, loop, 1024, 1 << 30, events);
    b.append(part(512, 1));
    b.append(part(4096, 2));
    settle();
    assertThat(events.failure).isInstanceOf(IOException.class);
    assertThat(b.released()).isTrue();
    assertThat(b.append(part(10, 3))).as("a failed buffer takes nothing").isFalse();
    assertThat(b.reserved()).isZero();
    assertThat(node.memoryBytes()).isZero();
  }

  @Test
  void aClosedExecutorFailsTheBufferOnItsLoop() throws IOException {
    NodeBuffers node = node(1 << 20);
    BodyBuffer b = buffer(node, 0, 1 << 30);
    io.closed = true;
    b.append(part(100, 1));
    assertThat(events.failure).as("not from inside append").isNull();
    loop.runAll();
    assertThat(events.failure).isNotNull();
    assertFreed(node, b);
  }

  @Test
  void openingRemovesTheTempFilesOfAPreviousRunAndNothingElse() throws IOException {
    Path d = dir.resolve("tmp");
    Files.createDirectories(d);
    Files.writeString(d.resolve(NodeBuffers.PREFIX + "7" + NodeBuffers.SUFFIX), "left over");
    Files.writeString(d.resolve(NodeBuffers.PREFIX + "8" + NodeBuffers.SUFFIX), "left over");
    Files.writeString(d.resolve("someone-elses.tmp"), "keep");
    try (NodeBuffers node = NodeBuffers.open(d, 1000)) {
      assertThat(node.memoryBudget()).isEqualTo(1000);
      try (Stream<Path> s = Files.list(d)) {
        assertThat(s.map(p -> p.getFileName().toString())).containsExactly("someone-elses.tmp");
      }
    }
    try (NodeBuffers node = NodeBuffers.open(dir.resolve("new/dir"), 1000)) {
      assertThat(Files.isDirectory(dir.resolve("new/dir"))).as("created").isTrue();
    }
  }
}
