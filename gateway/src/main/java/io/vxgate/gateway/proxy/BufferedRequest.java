package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.vxgate.gateway.buffer.BodyBuffer;
import io.vxgate.gateway.buffer.NodeBuffers;
import io.vxgate.gateway.upstream.OriginConnection;
import java.io.IOException;
import org.jspecify.annotations.Nullable;

/**
 * Request buffering for one {@link Exchange} (docs/architecture.md#buffering): the client's body is
 * received whole into a {@link BodyBuffer} (memory, then a temp file) before any server is picked,
 * then written to each attempt's origin connection from the buffer, at the pace the connection
 * takes it. A retry sends the same bytes again. A slow upload holds a client connection and some
 * memory or disk, never an origin connection.
 *
 * <p>Confined to the exchange's event loop.
 */
final class BufferedRequest implements BodyBuffer.Listener {
  /** What the exchange hears back. */
  interface Owner {
    /** The whole body is stored: servers may be picked now. Called once. */
    void bodyBuffered();

    /** The body went out to the origin of {@link #sendTo}, whole (not flushed). */
    void bodySent(OriginConnection origin);

    /**
     * The temp file failed.
     *
     * @param receiving whether the body was still arriving (then it could not be stored: 507), else
     *     it could not be read back for an origin
     */
    void bodyFailed(IOException cause, boolean receiving);
  }

  private final FrontConnection front;
  private final BodyBuffer buffer;
  private final Owner owner;
  private boolean receiving = true;
  private boolean announced;

  /** The origin of the attempt the body is being sent to, with its replay; null when none. */
  private @Nullable OriginConnection origin;

  private BodyBuffer.@Nullable Reader replay;

  /**
   * @param memory bytes of the body held in memory at most ({@code buffering.memory})
   * @param maxBody the listener's {@code max-request-body} (0: unlimited), the temp file's limit
   */
  BufferedRequest(FrontConnection front, NodeBuffers node, long memory, long maxBody, Owner owner) {
    this.front = front;
    this.owner = owner;
    this.buffer =
        new BodyBuffer(
            node,
            front.channel().alloc(),
            front.channel().eventLoop(),
            memory,
            maxBody > 0 ? maxBody : Long.MAX_VALUE,
            this);
  }

  /** A part of the body from the client (owned by the buffer from now on). */
  void take(ByteBuf data) {
    if (!buffer.append(data) && receiving) {
      // The temp file lags behind the client: stop reading it until the disk caught up.
      front.autoRead(false);
    }
  }

  /** The body ended: {@link Owner#bodyBuffered} follows, now or once the file is written. */
  void end() {
    receiving = false;
    buffer.end();
    announceIfComplete();
  }

  /** The body's length, known once it is {@linkplain Owner#bodyBuffered buffered}. */
  long length() {
    return buffer.size();
  }

  /** Starts writing the body to {@code c}, from its start (a retry sends it all again). */
  void sendTo(OriginConnection c) {
    stopSending();
    origin = c;
    replay = buffer.replay();
    pump();
  }

  /** The origin connection takes more again. */
  void originWritable() {
    if (replay != null) {
      pump();
    }
  }

  /** The attempt is over (failed, or answered before it had the whole body). */
  void stopSending() {
    BodyBuffer.Reader r = replay;
    replay = null;
    origin = null;
    if (r != null) {
      r.close();
    }
  }

  /** Whether the body is still on its way to the current attempt's origin. */
  boolean sending() {
    return replay != null;
  }

  /** Frees the buffer (memory and temp file): the request is over. */
  void release() {
    stopSending();
    buffer.release();
  }

  // called only while sending (replay set): sendTo sets origin and replay together and
  // stopSending clears both
  @SuppressWarnings("NullAway")
  private void pump() {
    OriginConnection c = origin;
    BodyBuffer.Reader r = replay;
    ByteBuf part;
    while (c.isWritable() && (part = r.poll()) != null) {
      c.writeBody(part);
    }
    if (r.done()) {
      stopSending();
      owner.bodySent(c);
      return;
    }
    // The connection is full (its writability returns), or a temp-file read is on its way.
    c.flush();
  }

  private void announceIfComplete() {
    if (!announced && !receiving && buffer.complete()) {
      announced = true;
      owner.bodyBuffered();
    }
  }

  @Override
  public void onBufferReadable() {
    if (replay != null) {
      pump();
    } else {
      announceIfComplete();
    }
  }

  @Override
  public void onBufferRoom() {
    if (receiving) {
      front.autoRead(true);
    }
  }

  @Override
  public void onBufferFailure(IOException cause) {
    stopSending();
    owner.bodyFailed(cause, !announced);
  }
}
