package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.vxgate.gateway.buffer.BodyBuffer;
import io.vxgate.gateway.buffer.NodeBuffers;
import io.vxgate.gateway.upstream.OriginConnection;
import io.vxgate.util.Ticker;
import java.io.IOException;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * Response buffering for one {@link Exchange} (docs/architecture.md#buffering). It starts only when
 * the client connection is full (it does not take a response part at once, after a flush): from
 * then on the origin keeps being read as fast as it sends, its parts go to a {@link BodyBuffer}
 * (memory, then a temp file), and the client is fed from there whenever it takes more. Once the
 * buffer is empty and the client keeps up, parts go straight to the client again. A response that
 * the client takes as it comes is never buffered, so it costs nothing here.
 *
 * <p>When the origin's response ends while parts are still held, the exchange lets the origin
 * connection go at once; the feed ends the response once the client has everything. The client must
 * take more at least every {@code client-timeout} of its listener while it is fed (nginx's {@code
 * send_timeout}): the origin's read timeout no longer covers it.
 *
 * <p>Confined to the exchange's event loop.
 */
final class ResponseFeed implements BodyBuffer.Listener {
  /** What the exchange hears back. */
  interface Owner {
    /** The origin's response ended earlier and the client now has all of it (not flushed). */
    void fed();

    /** The client took nothing for {@code client-timeout} while it was fed. */
    void feedTimedOut();

    /** The temp file failed. */
    void feedFailed(IOException cause);
  }

  private final FrontConnection front;
  private final BodyBuffer buffer;
  private final BodyBuffer.Reader reader;
  private final Owner owner;
  private final Ticker ticker;
  private final long idleNanos;

  /** The origin connection while its response streams; null once it ended. */
  private @Nullable OriginConnection origin;

  private boolean holding;
  private boolean originPaused;
  private boolean ended;
  private boolean finished;
  private long lastProgress;
  private @Nullable ScheduledFuture<?> timer;

  /**
   * @param memory bytes held in memory at most ({@code buffering.memory})
   * @param maxTempFile bytes in the temp file at most ({@code buffering.max-temp-file})
   * @param idleNanos the longest the client may take nothing while it is fed
   */
  ResponseFeed(
      FrontConnection front,
      OriginConnection origin,
      NodeBuffers node,
      long memory,
      long maxTempFile,
      long idleNanos,
      Ticker ticker,
      Owner owner) {
    this.front = front;
    this.origin = origin;
    this.owner = owner;
    this.ticker = ticker;
    this.idleNanos = Math.max(1, idleNanos);
    this.buffer =
        new BodyBuffer(
            node, front.channel().alloc(), front.channel().eventLoop(), memory, maxTempFile, this);
    this.reader = buffer.consumer();
  }

  /** Whether response parts go to the buffer now (the client is full, or parts wait in it). */
  boolean holding() {
    return holding;
  }

  /** The client did not take what was written: hold what comes next. */
  void clientFull() {
    if (!holding) {
      holding = true;
      lastProgress = ticker.nanoTime();
      if (timer == null) {
        armTimer(idleNanos);
      }
    }
  }

  /** A response part from the origin while {@link #holding()} (owned by the buffer from now on). */
  void take(ByteBuf data) {
    if (!buffer.append(data) && origin != null && !originPaused) {
      // Memory and temp file are full: the origin waits for the client (as without buffering).
      originPaused = true;
      origin.autoRead(false);
    }
  }

  /** The origin's response ended; the origin connection is no longer the feed's. */
  void originEnded() {
    origin = null;
    ended = true;
    buffer.end();
    if (reader.done()) {
      finish();
    }
  }

  /** The client connection takes more: feed it. */
  void clientWritable() {
    lastProgress = ticker.nanoTime();
    pump();
  }

  private void pump() {
    if (finished) {
      return;
    }
    ByteBuf part;
    while (front.isWritable() && (part = reader.poll()) != null) {
      front.writeBody(part);
    }
    if (reader.done()) {
      finish();
      return;
    }
    front.flush();
    if (!ended && reader.caughtUp() && front.isWritable()) {
      // The client keeps up again: parts go straight to it.
      holding = false;
    }
    resumeOrigin();
  }

  private void resumeOrigin() {
    OriginConnection o = origin;
    if (originPaused && o != null && buffer.accepting()) {
      originPaused = false;
      o.autoRead(true);
    }
  }

  private void finish() {
    finished = true;
    holding = false;
    cancelTimer();
    buffer.release();
    owner.fed();
  }

  /** Whether the buffer went to a temp file. */
  boolean spilled() {
    return buffer.spilled();
  }

  /** Frees the buffer and the timer: the exchange is over. */
  void release() {
    finished = true;
    holding = false;
    origin = null;
    cancelTimer();
    buffer.release();
  }

  @Override
  public void onBufferReadable() {
    if (holding && front.isWritable()) {
      pump();
    }
  }

  @Override
  public void onBufferRoom() {
    resumeOrigin();
  }

  @Override
  public void onBufferFailure(IOException cause) {
    if (!finished) {
      release();
      owner.feedFailed(cause);
    }
  }

  // ---- the client's send timeout: one lazy timer, re-armed from the last progress

  private void armTimer(long nanos) {
    timer = front.channel().eventLoop().schedule(this::checkTimer, nanos, TimeUnit.NANOSECONDS);
  }

  private void cancelTimer() {
    ScheduledFuture<?> t = timer;
    timer = null;
    if (t != null) {
      t.cancel(false);
    }
  }

  private void checkTimer() {
    timer = null;
    if (finished) {
      return;
    }
    if (!holding) {
      // Not feeding now: the clock starts again when the client is full again.
      return;
    }
    long left = lastProgress + idleNanos - ticker.nanoTime();
    if (left > 0) {
      armTimer(left);
      return;
    }
    release();
    owner.feedTimedOut();
  }
}
