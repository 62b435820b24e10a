package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.util.concurrent.ScheduledFuture;
import io.vxgate.gateway.accesslog.Termination;
import java.util.ArrayDeque;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * A request its limits make wait (nginx's {@code limit_req} delay): the client connection stops
 * being read, and a timer of the connection's event loop starts the request's handler once the
 * delay is over (no thread waits). Body parts already read meanwhile are held and handed to the
 * handler when it starts; a client that leaves before ends the handler at once (which gives back
 * what its limits hold).
 */
final class DelayedStart implements FrontConnection.Active {
  private final FrontConnection front;
  private final FrontConnection.Active handler;
  private final Runnable start;
  private final ScheduledFuture<?> timer;

  /** Body parts read during the delay (null: none yet, or handed on). */
  private @Nullable ArrayDeque<ByteBuf> parts;

  private boolean ended;
  private boolean gone;

  /**
   * @param handler the request's handler (an {@link Exchange} or {@link WebSocketTunnel})
   * @param start starts it
   */
  DelayedStart(
      FrontConnection front, FrontConnection.Active handler, Runnable start, long delayMs) {
    this.front = front;
    this.handler = handler;
    this.start = start;
    if (front.requestOpen) {
      front.autoRead(false);
    }
    this.timer = front.channel().eventLoop().schedule(this::fire, delayMs, TimeUnit.MILLISECONDS);
  }

  private void fire() {
    if (gone) {
      return;
    }
    if (front.active == this) {
      front.active = handler;
    }
    if (front.requestOpen) {
      // the handler decides from here whether to read on (it pauses again to wait for an origin)
      front.autoRead(true);
    }
    start.run();
    ArrayDeque<ByteBuf> held = parts;
    parts = null;
    if (held != null) {
      ByteBuf part;
      while ((part = held.poll()) != null) {
        handler.requestData(part);
      }
    }
    if (ended) {
      handler.requestEnd();
    }
  }

  @Override
  public void requestData(ByteBuf data) {
    if (gone) {
      data.release();
      return;
    }
    if (parts == null) {
      parts = new ArrayDeque<>(2);
    }
    parts.add(data);
  }

  @Override
  public void requestEnd() {
    ended = true;
  }

  @Override
  public void clientGone(int status, Termination why) {
    if (gone) {
      return;
    }
    gone = true;
    timer.cancel(false);
    ArrayDeque<ByteBuf> held = parts;
    parts = null;
    if (held != null) {
      held.forEach(ByteBuf::release);
    }
    handler.clientGone(status, why);
  }
}
