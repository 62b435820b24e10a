package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2CodecUtil;
import io.netty.handler.codec.http2.Http2Headers;
import org.junit.jupiter.api.Test;

/**
 * {@link Http2FrameBudget}'s streams per connection: the listener's {@code keepalive-requests}, 0
 * for no limit (the bench's setting, as nginx's {@code keepalive_requests 1000000}); and its count
 * of a header block's fields across HEADERS and CONTINUATION frames, their padding and priority
 * fields, and reads of any size.
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
    EmbeddedChannel ch = new EmbeddedChannel(new Http2FrameBudget(maxStreams, 16384));
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

  /** A block of {@code n} small fields, as Netty's encoder writes it. */
  private static ByteBuf block(int n) throws Exception {
    Http2Headers h = new DefaultHttp2Headers();
    h.method("GET").scheme("https").authority("a.test").path("/");
    for (int i = 4; i < n; i++) {
      h.add("x-" + i, "v");
    }
    ByteBuf b = Unpooled.buffer();
    new DefaultHttp2HeadersEncoder().encodeHeaders(1, h, b);
    return b;
  }

  /**
   * The preface, then {@code block} in a HEADERS frame (padded, with priority fields) and a
   * CONTINUATION frame; the padding and priority bytes look like indexed fields (0xbe).
   */
  private static ByteBuf frames(ByteBuf block) {
    ByteBuf b = Unpooled.buffer();
    b.writeBytes(Http2CodecUtil.connectionPrefaceBuf());
    int first = block.readableBytes() / 2;
    int pad = 200;
    b.writeMedium(1 + 5 + first + pad).writeByte(0x1).writeByte(0x8 | 0x20).writeInt(1);
    b.writeByte(pad);
    b.writeBytes(new byte[] {(byte) 0xbe, (byte) 0xbe, (byte) 0xbe, (byte) 0xbe, (byte) 0xbe});
    b.writeBytes(block, first);
    for (int i = 0; i < pad; i++) {
      b.writeByte(0xbe);
    }
    int rest = block.readableBytes();
    b.writeMedium(rest).writeByte(0x9).writeByte(0x4).writeInt(1);
    b.writeBytes(block, rest);
    block.release();
    return b;
  }

  /** Whether the connection is open after {@code in}, fed {@code piece} bytes at a time. */
  private static boolean openAfter(ByteBuf in, int piece) {
    EmbeddedChannel ch = new EmbeddedChannel(new Http2FrameBudget(0, 16384));
    while (in.isReadable() && ch.isOpen()) {
      ch.writeInbound(in.readRetainedSlice(Math.min(piece, in.readableBytes())));
      ch.runPendingTasks();
    }
    in.release();
    boolean open = ch.isOpen();
    ByteBuf out = ch.readOutbound();
    if (!open) {
      assertThat(out.getByte(out.readerIndex() + 3)).as("a GOAWAY").isEqualTo((byte) 0x7);
      assertThat(out.getInt(out.writerIndex() - 4)).as("ENHANCE_YOUR_CALM").isEqualTo(0xb);
    }
    if (out != null) {
      out.release();
    }
    ch.finishAndReleaseAll();
    return open;
  }

  /**
   * 16 KiB of header list holds at most 512 fields (each counts at least 32 bytes): a block of 512
   * passes however it is read; one of 513 cannot fit and ends the connection, as a bomb does.
   */
  @Test
  void aBlockOfMoreFieldsThanTheListCanHoldEndsTheConnection() throws Exception {
    for (int piece : new int[] {1, 7, 1 << 20}) {
      assertThat(openAfter(frames(block(512)), piece))
          .as("512 fields, %d bytes a read", piece)
          .isTrue();
      assertThat(openAfter(frames(block(513)), piece))
          .as("513 fields, %d bytes a read", piece)
          .isFalse();
    }
    ByteBuf bomb = Unpooled.buffer();
    bomb.writeBytes(new byte[] {(byte) 0x82, (byte) 0x87, (byte) 0x84});
    for (int i = 0; i < 4000; i++) {
      bomb.writeByte(0xbe);
    }
    assertThat(openAfter(frames(bomb), 4096)).as("an HPACK bomb").isFalse();
  }
}
