package io.vxgate.cluster;

import java.util.concurrent.CompletableFuture;

/**
 * The node's access log as the admin side sees it: its counts (the {@code vxgate_access_log_*}
 * meters) and the reopening of its file (docs/operations.md, "Access logs").
 */
public interface AccessLogControl {

  /** No access log. */
  AccessLogControl NONE = new AccessLogControl() {};

  /** Lines written. */
  default long written() {
    return 0;
  }

  /** Lines dropped because the writer could not keep up (its queue was full). */
  default long dropped() {
    return 0;
  }

  /** Lines lost because the destination failed (a full disk, an unwritable file). */
  default long failed() {
    return 0;
  }

  /**
   * Reopens the log file at its path (after logrotate renamed it); completes with false when the
   * log is not a file.
   */
  default CompletableFuture<Boolean> reopen() {
    return CompletableFuture.completedFuture(false);
  }
}
