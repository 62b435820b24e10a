package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Headers;
import java.util.Random;
import org.junit.jupiter.api.Test;

/**
 * {@link HpackFieldCounter} counts the fields Netty's own decoder finds in blocks Netty's encoder
 * wrote: indexed and literal fields, new and indexed names, Huffman-coded and plain strings, long
 * integers, never-indexed fields and table size updates, cut anywhere.
 */
class HpackFieldCounterTest {

  @Test
  void countsWhatNettysDecoderDecodesHoweverTheBlockIsCut() throws Exception {
    Random random = new Random(42);
    DefaultHttp2HeadersEncoder encoder =
        new DefaultHttp2HeadersEncoder((name, value) -> name.toString().equals("cookie"));
    DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(true, 1 << 20);
    for (int block = 0; block < 300; block++) {
      if (block % 50 == 49) {
        // the next block starts with a dynamic table size update
        long size = 256L << random.nextInt(6);
        encoder.configuration().maxHeaderTableSize(size);
        decoder.configuration().maxHeaderTableSize(size);
      }
      Http2Headers h = new DefaultHttp2Headers();
      h.method("GET").scheme("https").authority("a.test").path("/p" + random.nextInt(1000));
      int n = random.nextInt(40);
      for (int i = 0; i < n; i++) {
        String name = random.nextInt(4) == 0 ? "x-" + random.nextInt(100_000) : "x-same";
        int length = random.nextInt(8) == 0 ? 200 + random.nextInt(3000) : random.nextInt(20);
        StringBuilder v = new StringBuilder();
        for (int k = 0; k < length; k++) {
          v.append(
              (char) (random.nextBoolean() ? 'a' + random.nextInt(26) : 33 + random.nextInt(90)));
        }
        h.add(name, v.toString());
      }
      h.add("cookie", "c=" + random.nextInt());
      ByteBuf encoded = Unpooled.buffer();
      encoder.encodeHeaders(block * 2 + 1, h, encoded);
      int fields = decoder.decodeHeaders(block * 2 + 1, encoded.duplicate()).size();
      assertThat(fields).isEqualTo(h.size());

      HpackFieldCounter counter = new HpackFieldCounter();
      counter.start();
      int at = encoded.readerIndex();
      int end = encoded.writerIndex();
      while (at < end) {
        int piece = Math.min(end - at, 1 + random.nextInt(random.nextBoolean() ? 3 : 500));
        counter.feed(encoded, at, piece);
        at += piece;
      }
      assertThat(counter.fields()).as("block %d", block).isEqualTo(fields);
      encoded.release();
    }
  }

  @Test
  void aBombIsThousandsOfOneByteFields() {
    ByteBuf bomb = Unpooled.buffer();
    bomb.writeBytes(new byte[] {(byte) 0x82, (byte) 0x87, (byte) 0x84, 0x01, 0x06});
    bomb.writeBytes("a.test".getBytes(java.nio.charset.StandardCharsets.US_ASCII));
    for (int i = 0; i < 4000; i++) {
      bomb.writeByte(0xbe);
    }
    HpackFieldCounter counter = new HpackFieldCounter();
    counter.start();
    counter.feed(bomb, 0, bomb.writerIndex());
    assertThat(counter.fields()).isEqualTo(4004);
  }
}
