package io.vxgate.gateway.upstream;

import io.netty.handler.codec.http.HttpContent;
import io.netty.handler.codec.http.HttpResponse;
import io.netty.handler.codec.http.LastHttpContent;

/**
 * What an {@link OriginConnection} reports to the request that holds it. Every call comes on the
 * connection's event loop, which is the event loop of the client connection too.
 */
public interface OriginListener {

  /** The response head arrived (1xx heads included). The listener now owns {@code head}. */
  void onResponseHead(HttpResponse head);

  /** A body part arrived; the listener owns (and must pass on or release) {@code content}. */
  void onResponseContent(HttpContent content);

  /** The response ended; the listener owns (and must pass on or release) {@code last}. */
  void onResponseEnd(LastHttpContent last);

  /** A batch of reads ended: a moment to flush what was written to the client. */
  default void onReadComplete() {}

  /** The origin connection became writable again, or stopped being so. */
  default void onOriginWritability(boolean writable) {}

  /**
   * The exchange failed: the connection closed, was reset, sent something unparseable, or a
   * timeout passed (a {@link java.util.concurrent.TimeoutException}). The connection is closed and
   * detached from this listener.
   */
  void onOriginFailure(Throwable cause);
}
