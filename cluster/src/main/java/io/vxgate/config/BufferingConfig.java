package io.vxgate.config;

import org.jspecify.annotations.Nullable;

/**
 * How an upstream's request and response bodies are buffered by the gateway
 * (docs/configuration.md#buffering): {@code upstreams.NAME.buffering}, which a route may override
 * key by key ({@link RouteOverride}); the node-wide limits are node-local ({@link NodeLimits}).
 *
 * @param request receive the whole request body before a server is picked (nginx's {@code
 *     proxy_request_buffering})
 * @param response read the origin's response as fast as it comes, feeding the client at its own
 *     pace (nginx's {@code proxy_buffering})
 * @param memory bytes of one body held in memory at most; the rest goes to a temp file
 * @param maxTempFile bytes of one response held in its temp file at most (0: no temp file); past it
 *     the response streams with backpressure (request bodies are bounded by the listener's {@code
 *     max-request-body} instead)
 */
public record BufferingConfig(boolean request, boolean response, long memory, long maxTempFile) {
  /** The defaults: both on, 64 KiB in memory, 1 GiB temp files (nginx's buffering is on too). */
  public static final BufferingConfig DEFAULT =
      new BufferingConfig(true, true, 64 * 1024, 1L << 30);

  public BufferingConfig {
    if (memory < 0 || maxTempFile < 0) {
      throw new IllegalArgumentException("negative buffering size");
    }
  }

  /**
   * A route's {@code buffering}: each key it sets replaces its upstream's; a null key is the
   * upstream's.
   */
  public record RouteOverride(
      @Nullable Boolean request,
      @Nullable Boolean response,
      @Nullable Long memory,
      @Nullable Long maxTempFile) {
    /** A route that sets nothing. */
    public static final RouteOverride NONE = new RouteOverride(null, null, null, null);

    /** The settings of a route of {@code upstream}. */
    public BufferingConfig over(BufferingConfig upstream) {
      return new BufferingConfig(
          request != null ? request : upstream.request(),
          response != null ? response : upstream.response(),
          memory != null ? memory : upstream.memory(),
          maxTempFile != null ? maxTempFile : upstream.maxTempFile());
    }

    /** Whether the route sets no key. */
    public boolean isEmpty() {
      return equals(NONE);
    }
  }

  /**
   * The node's own limits on all buffers (top-level {@code buffering:}, node-local).
   *
   * @param nodeMemory bytes all buffers of the node hold in memory at most, above which bodies go
   *     to temp files at once (null: a quarter of the JVM's maximum heap)
   * @param tempDir the directory of the temp files (null: {@code java.io.tmpdir/vxgate-NODE_ID})
   */
  public record NodeLimits(@Nullable Long nodeMemory, @Nullable String tempDir) {
    /** Nothing set: the defaults, worked out when the node starts. */
    public static final NodeLimits DEFAULT = new NodeLimits(null, null);
  }
}
