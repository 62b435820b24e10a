package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;

/** The chunked transfer coding on the way out (RFC 9112 section 7.1). */
public final class Chunks {
  private Chunks() {}

  private static final byte[] HEX = "0123456789abcdef".getBytes(StandardCharsets.US_ASCII);

  /** CRLF after a chunk's data. */
  public static final ByteBuf CRLF =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(2).writeByte('\r').writeByte('\n').asReadOnly());

  /** The last chunk, without trailer fields. */
  public static final ByteBuf LAST =
      Unpooled.unreleasableBuffer(
          Unpooled.directBuffer(5)
              .writeBytes("0\r\n\r\n".getBytes(StandardCharsets.US_ASCII))
              .asReadOnly());

  /** The size line of a chunk of {@code size} bytes ({@code size} in hex, CRLF). */
  public static ByteBuf sizeLine(ByteBufAllocator alloc, int size) {
    return writeSizeLine(alloc.buffer(10), size);
  }

  /** Writes the size line of a chunk of {@code size} bytes into {@code b} (at most 10 bytes). */
  public static ByteBuf writeSizeLine(ByteBuf b, int size) {
    int shift = 28;
    while (shift > 0 && (size >>> shift) == 0) {
      shift -= 4;
    }
    for (; shift >= 0; shift -= 4) {
      b.writeByte(HEX[(size >>> shift) & 0xf]);
    }
    b.writeByte('\r').writeByte('\n');
    return b;
  }
}
