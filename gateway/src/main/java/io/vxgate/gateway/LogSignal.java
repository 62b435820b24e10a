package io.vxgate.gateway;

import io.vxgate.cluster.AccessLogControl;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * SIGUSR1 reopens the access log file, as it makes nginx reopen its logs (logrotate's {@code
 * postrotate}; docs/operations.md, "Access logs").
 *
 * <p>Through {@link Signals} ({@code sun.misc.Signal}), because the JDK has no public API for
 * signals. HotSpot on Linux does not use SIGUSR1 itself (it suspends threads with SIGUSR2), so the
 * handler can be installed; {@code LogSignalTest} checks that it is and that it runs.
 */
final class LogSignal {
  private static final Logger log = LoggerFactory.getLogger(LogSignal.class);
  static final String NAME = "USR1";

  private LogSignal() {}

  /** Installs the handler; returns false (and logs why) where the signal cannot be handled. */
  static boolean install(Supplier<AccessLogControl> accessLog) {
    try {
      Signals.handle(
          NAME,
          () ->
              accessLog
                  .get()
                  .reopen()
                  .whenComplete(
                      (file, t) ->
                          log.atInfo()
                              .addKeyValue("signal", "SIGUSR1")
                              .addKeyValue("reopened", Boolean.TRUE.equals(file))
                              .log("access log reopen requested")));
      return true;
    } catch (IllegalArgumentException | UnsupportedOperationException | IllegalStateException e) {
      log.warn(
          "SIGUSR1 cannot be handled here ({}): reopen with vxgatectl log reopen", e.toString());
      return false;
    }
  }
}
