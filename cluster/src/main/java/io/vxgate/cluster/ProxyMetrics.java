package io.vxgate.cluster;

import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The request path's metrics sink. The gateway calls it on the event loop, so implementations must
 * be non-blocking and cheap; the admin module registers Micrometer meters behind it (see {@code
 * docs/admin.md}). {@link #NOOP} when no extension installed one.
 */
public interface ProxyMetrics {

  /** Records nothing. */
  ProxyMetrics NOOP = new ProxyMetrics() {};

  /**
   * A client request ended: its response was sent, or it failed or the client went away.
   *
   * @param upstream the routed upstream, or null when no route matched
   * @param status the status sent to the client, 0 when none was sent
   * @param durationNanos from the request's arrival to its end
   * @param requestBytes body bytes read from the client
   * @param responseBytes body bytes written to the client
   */
  default void request(
      @Nullable String upstream,
      int status,
      long durationNanos,
      long requestBytes,
      long responseBytes) {}

  /**
   * One attempt to one server ended.
   *
   * @param status the origin's status, 0 when none arrived
   * @param failure the failure tag ({@code connect_failure}, {@code timeout}, ...) or null
   * @param durationNanos from the attempt's start (server picked) to its end
   */
  default void attempt(
      String upstream, String server, int status, @Nullable String failure, long durationNanos) {}

  /**
   * The request is retried after an attempt to {@code server} failed.
   *
   * @param reason the failure tag, or {@code status_NNN} for a {@code retry-on} status
   */
  default void retry(String upstream, String server, String reason) {}

  /**
   * The node's buffered bodies (docs/architecture.md#buffering), read whenever the meters are:
   * bytes held in memory and in temp files now, and how many bodies went to a temp file since the
   * node started. Called once, when the data plane starts.
   */
  default void buffers(LongSupplier memoryBytes, LongSupplier diskBytes, LongSupplier spills) {}

  /**
   * Response buffering let an origin go early: its response was complete, and its connection free
   * for other requests, {@code aheadNanos} before its client had received all of it.
   */
  default void originFreedEarly(String upstream, long aheadNanos) {}

  /**
   * A limit policy (docs/configuration.md, section "limits") refused a request (429) or made it
   * wait.
   *
   * @param outcome {@code refused} or {@code delayed}
   */
  default void limited(String policy, String outcome) {}
}
