package io.vxgate.gateway.upstream;

import io.netty.buffer.ByteBuf;
import io.vxgate.gateway.http1.ResponseHead;

/**
 * What an {@link OriginConnection} reports to the request that holds it. Every call comes on the
 * connection's event loop, which is the event loop of the client connection too.
 */
public interface OriginListener {

  /** The final response head arrived (interim 1xx heads other than 101 are not reported). */
  void onResponseHead(ResponseHead head);

  /**
   * A part of the response body (or, after a 101, bytes of the upgraded connection); the listener
   * owns {@code data}.
   */
  void onResponseData(ByteBuf data);

  /** The response body ended. */
  void onResponseEnd();

  /** A batch of reads ended: a moment to flush what was written to the client. */
  default void onReadComplete() {}

  /** The origin connection became writable again, or stopped being so. */
  default void onOriginWritability(boolean writable) {}

  /**
   * The exchange failed: the connection closed, was reset, sent something unparseable, or a timeout
   * passed (a {@link java.util.concurrent.TimeoutException}). The connection is closed and detached
   * from this listener.
   */
  void onOriginFailure(Throwable cause);
}
