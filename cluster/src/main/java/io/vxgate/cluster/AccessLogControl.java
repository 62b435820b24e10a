package io.vxgate.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * The node's access log as the admin side sees it: its counts (the {@code vxgate_access_log_*}
 * meters) and the reopening of its file (docs/operations.md, "Access logs").
 */
public interface AccessLogControl {

  /** No access log. */
  AccessLogControl NONE =
      new AccessLogControl() {
        @Override
        public long written() {
          return 0;
        }

        @Override
        public long dropped() {
          return 0;
        }

        @Override
        public long failed() {
          return 0;
        }

        @Override
        public CompletableFuture<Boolean> reopen() {
          return CompletableFuture.completedFuture(false);
        }
      };

  /** Lines written. */
  long written();

  /** Lines dropped because the writer could not keep up (its queue was full). */
  long dropped();

  /** Lines lost because the destination failed (a full disk, an unwritable file). */
  long failed();

  /**
   * Reopens the log file at its path (after logrotate renamed it); completes with false when the
   * log is not a file.
   */
  CompletableFuture<Boolean> reopen();
}
