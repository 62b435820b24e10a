package io.vxgate.gateway.accesslog;

import ch.qos.logback.core.ConsoleAppender;
import ch.qos.logback.core.Context;
import ch.qos.logback.core.FileAppender;
import ch.qos.logback.core.OutputStreamAppender;
import ch.qos.logback.core.recovery.RecoveryListener;
import ch.qos.logback.core.recovery.ResilientFileOutputStream;
import ch.qos.logback.core.status.Status;
import ch.qos.logback.core.util.FileSize;
import io.vxgate.config.AccessLogConfig;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * Where the writer thread puts lines: a logback appender of {@link AccessRecord}s (console, file,
 * or {@link Rfc5424Appender}), built programmatically in a logback context of the access log's own,
 * apart from the node's logging. Lines are buffered and flushed by the writer in batches. Only the
 * writer thread uses a sink.
 */
abstract class Sink {
  /** No destination (the writer only exports spans). */
  static final Sink NONE =
      new Sink() {
        @Override
        boolean write(AccessRecord r) {
          return true;
        }

        @Override
        void flush() {}

        @Override
        void stop() {}
      };

  /** Why writes fail now, or null while they succeed. */
  @Nullable String failure;

  /** Writes one line (buffered); false when it is lost (the destination fails). */
  abstract boolean write(AccessRecord r);

  /** Writes what is buffered. */
  abstract void flush();

  /**
   * Why the destination could not be opened ({@code Not a directory}), or null when it is open;
   * with the config path and value of the destination, for a reload's error.
   */
  @Nullable String openFailure() {
    return null;
  }

  /** The config key of the destination ({@code access-log.file}). */
  String key() {
    return "access-log.stdout";
  }

  /** The config value of the destination (the file's path). */
  String value() {
    return "true";
  }

  /** Reopens a file at its path (after logrotate renamed it); false when there is no file. */
  boolean reopen() {
    return false;
  }

  /**
   * Called when the queue is empty: a file that could not be opened is tried again now and then.
   */
  void idle(long nowNanos) {}

  abstract void stop();

  /**
   * Stops a destination that was never put in force (a refused reload): a file it created is
   * removed again when nothing was written to it.
   */
  void abandon() {
    stop();
  }

  static Sink of(AccessLogConfig config, LineEncoder encoder, String node, Context context) {
    if (config.destination() instanceof AccessLogConfig.File f) {
      // before logback creates it: a refused reload removes only a file it made
      boolean existed = Files.exists(Path.of(f.path()));
      return new FileSink(f.path(), encoder, context, existed);
    }
    if (config.destination() instanceof AccessLogConfig.Syslog s) {
      return new SyslogSink(new Rfc5424Appender(s.address(), node, encoder), context);
    }
    ConsoleAppender<AccessRecord> console = new ConsoleAppender<>();
    console.setTarget("System.out");
    return new StreamSink(console, encoder, context);
  }

  /** An output stream appender (console): written without a flush per line. */
  static class StreamSink extends Sink {
    final OutputStreamAppender<AccessRecord> appender;

    StreamSink(OutputStreamAppender<AccessRecord> appender, LineEncoder encoder, Context context) {
      this.appender = appender;
      appender.setContext(context);
      appender.setName("access-log");
      appender.setEncoder(encoder);
      appender.setImmediateFlush(false);
      encoder.setContext(context);
      encoder.start();
      appender.start();
    }

    @Override
    boolean write(AccessRecord r) {
      appender.doAppend(r);
      return failure == null;
    }

    @Override
    void flush() {
      OutputStream out = appender.getOutputStream();
      if (out != null) {
        try {
          out.flush();
        } catch (IOException e) {
          failure = e.toString();
        }
      }
    }

    @Override
    void stop() {
      flush();
      appender.stop();
    }
  }

  /**
   * A file, appended to (logback's {@link FileAppender}, 64 KiB buffer). A failed write (a full
   * disk) makes logback's resilient stream drop lines until it recovers by reopening the file; a
   * file that cannot be opened is tried again every {@link #RETRY_NANOS} and on each reopen.
   */
  static final class FileSink extends StreamSink {
    static final long RETRY_NANOS = 5_000_000_000L;
    private final String path;
    private final Context context;
    private final boolean existed;
    private @Nullable String openFailure;
    private long lastTry = System.nanoTime();
    private final RecoveryListener recovery =
        new RecoveryListener() {
          @Override
          public void newFailure(IOException e) {
            failure = e.toString();
          }

          @Override
          public void recoveryOccured() {
            failure = null;
          }
        };

    FileSink(String path, LineEncoder encoder, Context context, boolean existed) {
      super(fileAppender(path, context), encoder, context);
      this.path = path;
      this.context = context;
      this.existed = existed;
      opened();
    }

    private static FileAppender<AccessRecord> fileAppender(String path, Context context) {
      FileAppender<AccessRecord> f = new FileAppender<>();
      f.setContext(context); // before setFile, which reports to the context's status
      f.setFile(path);
      f.setAppend(true);
      f.setBufferSize(new FileSize(64 * 1024));
      return f;
    }

    /** Watches the stream just opened, or notes that the file could not be opened. */
    private void opened() {
      if (appender.isStarted()
          && appender.getOutputStream() instanceof ResilientFileOutputStream s) {
        s.addRecoveryListener(recovery);
        failure = null;
        openFailure = null;
      } else {
        openFailure = reason();
        failure = "cannot open " + path + ": " + openFailure;
      }
    }

    /**
     * Why logback could not open the file, from its last error ({@code /x/a.log (Not a directory)}
     * gives {@code Not a directory}).
     */
    private String reason() {
      String why = "not opened";
      for (Status s : context.getStatusManager().getCopyOfStatusList()) {
        if (s.getLevel() == Status.ERROR) {
          why = s.getThrowable() != null ? s.getThrowable().getMessage() : s.getMessage();
        }
      }
      if (why != null && why.startsWith(path + " (") && why.endsWith(")")) {
        why = why.substring(path.length() + 2, why.length() - 1);
      }
      return why == null ? "not opened" : why;
    }

    @Override
    @Nullable String openFailure() {
      return openFailure;
    }

    @Override
    String key() {
      return "access-log.file";
    }

    @Override
    String value() {
      return path;
    }

    /**
     * A line written while logback's stream is failing is dropped by it, even when that write makes
     * it recover (it reopens the file and drops the line).
     */
    @Override
    boolean write(AccessRecord r) {
      if (!appender.isStarted()) {
        return false;
      }
      boolean wasOk = failure == null;
      appender.doAppend(r);
      return wasOk && failure == null;
    }

    @Override
    void abandon() {
      stop();
      if (!existed) {
        try {
          Path p = Path.of(path);
          if (Files.isRegularFile(p) && Files.size(p) == 0) {
            Files.delete(p);
          }
        } catch (IOException e) {
          // left behind, empty: nothing is lost
        }
      }
    }

    @Override
    boolean reopen() {
      lastTry = System.nanoTime();
      if (!appender.isStarted()) {
        appender.start();
      } else {
        flush();
        try {
          ((FileAppender<AccessRecord>) appender).openFile(path);
        } catch (IOException e) {
          failure = "cannot reopen " + path + ": " + e;
          return true;
        }
      }
      opened();
      return true;
    }

    @Override
    void idle(long nowNanos) {
      if (!appender.isStarted() && nowNanos - lastTry > RETRY_NANOS) {
        reopen();
      }
    }
  }

  /** A syslog server over UDP; a datagram that cannot be sent is reported by the appender. */
  static final class SyslogSink extends Sink {
    private final Rfc5424Appender appender;
    private final @Nullable String openFailure;

    SyslogSink(Rfc5424Appender appender, Context context) {
      this.appender = appender;
      appender.setContext(context);
      appender.setName("access-log-syslog");
      appender.start();
      openFailure = appender.isStarted() ? null : "cannot open a UDP socket";
      failure = openFailure;
    }

    @Override
    @Nullable String openFailure() {
      return openFailure;
    }

    @Override
    String key() {
      return "access-log.syslog";
    }

    @Override
    String value() {
      return appender.server().toString();
    }

    @Override
    boolean write(AccessRecord r) {
      failure = appender.send(r);
      return failure == null;
    }

    @Override
    void flush() {}

    @Override
    void stop() {
      appender.stop();
    }
  }
}
