package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.Http2CodecUtil;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2FrameBudget}'s streams per connection: the listener's {@code keepalive-requests}, 0
 * for no limit (the bench's setting, as nginx's {@code keepalive_requests 1000000}).
 */
class Http2FrameBudgetTest {

  /** The client preface, then a HEADERS frame header (empty payload) for each stream 1, 3, 5... */
  private static ByteBuf streams(int count) {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
    for (int i = 0; i < count; i++) {
      b.writeMedium(0).writeByte(0x1).writeByte(0x4).writeInt(2 * i + 1);
    }
    return b;
  }

  private static boolean openAfter(int maxStreams, int count) {
    EmbeddedChannel ch = new EmbeddedChannel(new Http2FrameBudget(maxStreams));
    ch.writeInbound(streams(count));
    ch.runPendingTasks();
    boolean open = ch.isOpen();
    ch.finishAndReleaseAll();
    return open;
  }

  @Test
  void aConnectionIsEndedAtItsLastAllowedStream() {
    assertThat(openAfter(1000, 999)).isTrue();
    assertThat(openAfter(1000, 1000)).isFalse();
  }

  @Test
  void zeroAllowsAnyNumberOfStreams() {
    assertThat(openAfter(0, 5000)).isTrue();
  }
}
