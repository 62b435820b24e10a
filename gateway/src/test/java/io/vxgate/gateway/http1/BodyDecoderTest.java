package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

class BodyDecoderTest {
  private final StringBuilder seen = new StringBuilder();
  private final BodyDecoder.Sink sink =
      data -> {
        seen.append(data.toString(StandardCharsets.ISO_8859_1));
        data.release();
      };

  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  @Test
  void aFixedLengthBodyStopsAtItsEnd() throws Exception {
    BodyDecoder d = new BodyDecoder(400, 1024);
    d.start(BodyDecoder.Framing.LENGTH, 5);
    ByteBuf in = bytes("hel");
    assertThat(d.decode(in, sink)).isFalse();
    ByteBuf rest = bytes("loGET /next");
    assertThat(d.decode(rest, sink)).isTrue();
    assertThat(seen).hasToString("hello");
    assertThat(rest.toString(StandardCharsets.US_ASCII)).isEqualTo("GET /next");
  }

  @Test
  void chunkedDataPassesWithoutItsFramingInAnySplit() throws Exception {
    String wire = "5;ext=1\r\nhello\r\n6\r\n world\r\n0\r\nTrailer-A: x\r\n\r\nNEXT";
    for (int split = 1; split < wire.length() - 4; split++) {
      seen.setLength(0);
      BodyDecoder d = new BodyDecoder(400, 1024);
      d.start(BodyDecoder.Framing.CHUNKED, -1);
      ByteBuf a = bytes(wire.substring(0, split));
      ByteBuf b = bytes(wire.substring(split));
      boolean done = d.decode(a, sink) || d.decode(b, sink);
      assertThat(done).as("split at %d", split).isTrue();
      assertThat(seen).as("split at %d", split).hasToString("hello world");
      assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("NEXT");
    }
  }

  /** Chunk extensions as RFC 9112 7.1.1 writes them pass (and are dropped); anything else: 400. */
  @ParameterizedTest(name = "{0}: {1}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          5;a                  | true
          5;a=b                | true
          5 ; a = b ; c        | true
          '5;a="q;\\"x"'     | true
          5;a=                 | false
          5;                   | false
          5;ac/                | false
          5;a=b/c              | false
          '5;a="open'          | false
          5 x                  | false
          """)
  void chunkExtensions(String sizeLine, boolean valid) throws Exception {
    BodyDecoder d = new BodyDecoder(400, 1024);
    d.start(BodyDecoder.Framing.CHUNKED, -1);
    ByteBuf in = bytes(sizeLine + "\r\nhello\r\n0\r\n\r\n");
    if (valid) {
      assertThat(d.decode(in, sink)).isTrue();
      assertThat(seen).hasToString("hello");
    } else {
      assertThatThrownBy(() -> d.decode(in, sink)).isInstanceOf(Http1Exception.class);
    }
    in.release();
  }

  @Test
  void badChunkFramingIsRefused() {
    for (String wire :
        new String[] {
          "5x\r\nhello\r\n0\r\n\r\n",
          "\r\nhello\r\n",
          "5\nhello\r\n0\r\n\r\n",
          "5\r\nhelloXY0\r\n\r\n",
          "fffffffffffffffff\r\n",
          "0\r\nbad trailer\r\n\r\n",
          "5\r\nhello\r\n0\r\n\n",
        }) {
      BodyDecoder d = new BodyDecoder(400, 1024);
      d.start(BodyDecoder.Framing.CHUNKED, -1);
      ByteBuf in = bytes(wire + "\n");
      assertThatThrownBy(() -> d.decode(in, sink))
          .as(wire)
          .isInstanceOf(Http1Exception.class)
          .extracting(e -> ((Http1Exception) e).status())
          .isEqualTo(400);
    }
  }

  @Test
  void untilCloseTakesEverything() throws Exception {
    BodyDecoder d = new BodyDecoder(502, 1024);
    d.start(BodyDecoder.Framing.UNTIL_CLOSE, 0);
    assertThat(d.decode(bytes("abc"), sink)).isFalse();
    assertThat(d.decode(bytes("def"), sink)).isFalse();
    assertThat(seen).hasToString("abcdef");
  }

  @Test
  void chunkSizeLinesAreWrittenInHex() {
    ByteBuf b = Chunks.sizeLine(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 0x1f40);
    assertThat(b.toString(StandardCharsets.US_ASCII)).isEqualTo("1f40\r\n");
    b.release();
    ByteBuf c = Chunks.sizeLine(io.netty.buffer.UnpooledByteBufAllocator.DEFAULT, 5);
    assertThat(c.toString(StandardCharsets.US_ASCII)).isEqualTo("5\r\n");
    c.release();
  }
}
