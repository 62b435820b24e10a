package io.vxgate.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.config.AccessLogConfig;
import io.vxgate.config.AccessLogConfig.Format;
import io.vxgate.config.TracingConfig;
import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * A reload's switch of the access log (docs/operations.md, "Reloading"): threads keep handing
 * records over while the log moves to another file, format or queue, and every record is in one
 * file exactly once; a destination that cannot be opened is refused before anything changes.
 */
class AccessLogTest {
  @TempDir Path dir;

  private static AccessLogConfig custom(String template, Path file, int queue) {
    return new AccessLogConfig(
        Format.CUSTOM, template, new AccessLogConfig.File(file.toString()), queue);
  }

  private static AccessRecord record(String id) {
    AccessRecord r =
        new AccessRecord(
            System.currentTimeMillis(),
            System.nanoTime(),
            "web",
            new InetSocketAddress("127.0.0.1", 40_000),
            null);
    r.head(System.nanoTime(), "GET", "/" + id, 11, "h", null, null, id);
    r.end(200, Termination.OK, 0, 1, System.nanoTime());
    return r;
  }

  /** The ids of the lines of {@code file} that start with {@code prefix}, in order. */
  private static List<String> ids(Path file, String prefix) throws IOException {
    List<String> out = new ArrayList<>();
    if (!Files.exists(file)) {
      return out;
    }
    for (String l : Files.readAllLines(file)) {
      assertThat(l).as("a whole line of its format").startsWith(prefix).endsWith(" 200");
      out.add(l.substring(prefix.length(), l.length() - 4));
    }
    return out;
  }

  @Test
  void aSwitchUnderLoadLosesAndDoublesNoLine() throws Exception {
    Path a = dir.resolve("a.log");
    Path b = dir.resolve("b/b.log");
    // a queue far larger than what the threads hand over, so that nothing is dropped for it
    AccessLog log =
        AccessLog.start(custom("A $request_id $status", a, 1 << 16), noExport(), "gw-1");
    AtomicBoolean running = new AtomicBoolean(true);
    AtomicInteger sent = new AtomicInteger();
    List<Thread> threads = new ArrayList<>();
    for (int t = 0; t < 4; t++) {
      int thread = t;
      Thread th =
          new Thread(
              () -> {
                for (int i = 0; running.get() && i < 20_000; i++) {
                  log.submit(record("t" + thread + "-" + i));
                  sent.incrementAndGet();
                  if (i % 64 == 0) {
                    Thread.yield();
                  }
                }
              });
      th.start();
      threads.add(th);
    }
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > 2_000);
    AccessLog.Setup next = log.prepare(custom("B $request_id $status", b, 1 << 15), noExport());
    assertThat(next.errors("gw.yaml")).isEmpty();
    log.switchTo(next);
    int atSwitch = sent.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > atSwitch + 2_000);
    running.set(false);
    for (Thread th : threads) {
      th.join(30_000);
    }
    log.close();

    List<String> before = ids(a, "A ");
    List<String> after = ids(b, "B ");
    assertThat(before).isNotEmpty();
    assertThat(after).isNotEmpty();
    Set<String> all = new HashSet<>(before);
    all.addAll(after);
    assertThat(all).as("none twice").hasSize(before.size() + after.size());
    assertThat(log.dropped() + all.size()).as("none lost").isEqualTo(sent.get());
    assertThat(log.written()).isEqualTo(all.size());
    assertThat(log.failed()).isZero();
  }

  @Test
  void aLogTurnedOnAndOffByReloads() throws Exception {
    Path a = dir.resolve("a.log");
    AccessLog log = AccessLog.start(null, noExport(), "gw-1");
    assertThat(log.enabled()).isFalse();
    log.submit(record("off-1"));
    assertThat(log.reopen().get()).as("no file to reopen").isFalse();

    log.switchTo(log.prepare(custom("A $request_id $status", a, 16), noExport()));
    assertThat(log.enabled()).isTrue();
    log.submit(record("on-1"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(a, "A ").equals(List.of("on-1")));

    log.switchTo(log.prepare(null, noExport()));
    assertThat(log.enabled()).isFalse();
    log.submit(record("off-2"));
    // the same format again, to the same file: appended to
    log.switchTo(log.prepare(custom("A $request_id $status", a, 16), noExport()));
    log.submit(record("on-2"));
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> ids(a, "A ").equals(List.of("on-1", "on-2")));
    log.close();
    assertThat(log.written()).isEqualTo(2);
  }

  @Test
  void aFileThatCannotBeOpenedIsRefusedWithItsReason() throws Exception {
    Path a = dir.resolve("a.log");
    Path notADirectory = Files.writeString(dir.resolve("plain"), "x");
    Path bad = notADirectory.resolve("access.log");
    AccessLog log = AccessLog.start(custom("A $request_id $status", a, 16), noExport(), "gw-1");
    AccessLog.Setup next = log.prepare(custom("B $request_id $status", bad, 16), noExport());
    assertThat(next.errors("gw.yaml"))
        .extracting(Object::toString)
        .containsExactly(
            "gw.yaml: access-log.file: "
                + bad
                + " (expected: a file this node can open for appending; here: Not a directory)");
    next.abandon();
    // the log in force goes on
    log.submit(record("kept"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(a, "A ").equals(List.of("kept")));
    log.close();
  }

  /**
   * A reload refused for another reason gives up the log it opened: a file it created goes again, a
   * file that was there stays as it was.
   */
  @Test
  void aRefusedReloadLeavesNoFileItCreated() throws Exception {
    Path a = dir.resolve("a.log");
    AccessLog log = AccessLog.start(custom("A $request_id $status", a, 16), noExport(), "gw-1");
    Path fresh = dir.resolve("fresh.log");
    AccessLog.Setup next = log.prepare(custom("B $request_id $status", fresh, 16), noExport());
    assertThat(next.errors("gw.yaml")).isEmpty();
    assertThat(fresh).exists();
    next.abandon();
    assertThat(fresh).doesNotExist();

    Path kept = Files.writeString(dir.resolve("kept.log"), "");
    Path older = Files.writeString(dir.resolve("older.log"), "B x 200\n");
    log.prepare(custom("B $request_id $status", kept, 16), noExport()).abandon();
    log.prepare(custom("B $request_id $status", older, 16), noExport()).abandon();
    assertThat(kept).exists().isEmptyFile();
    assertThat(older).hasContent("B x 200");
    log.submit(record("after"));
    await().atMost(Duration.ofSeconds(10)).until(() -> ids(a, "A ").equals(List.of("after")));
    log.close();
  }

  private static TracingConfig noExport() {
    return TracingConfig.DEFAULT;
  }
}
