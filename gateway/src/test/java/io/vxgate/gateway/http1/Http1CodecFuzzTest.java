package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.FuzzedDataProvider;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufAllocator;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpMessage;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.FullHttpResponse;
import io.netty.handler.codec.http.HttpDecoderConfig;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.handler.codec.http.HttpResponseDecoder;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.AfterAll;

/**
 * Coverage-guided fuzzing of the HTTP/1 codec (Jazzer): {@link HeadParser} on requests and on
 * responses, {@link BodyDecoder}, and {@link RequestFraming}. Each target asserts that nothing but
 * a verdict ({@link Http1Exception}) escapes, that every buffer is released (Netty's paranoid leak
 * detection, {@link Leaks}), and, differentially, that what the gateway would forward re-parses
 * with Netty's own strict decoder into the same method, target, fields and body: a disagreement
 * between two parsers is how requests are smuggled.
 *
 * <p>{@code mvn verify} replays the committed inputs
 * (src/test/resources/.../Http1CodecFuzzTestInputs, every input that ever found a bug) and fuzzes
 * each target for a few seconds (the pom's fuzz executions); {@code bench/fuzz/run} fuzzes for
 * longer. docs/reliability.md#fuzzing.
 */
public class Http1CodecFuzzTest {
  private static final Set<Integer> REQUEST_VERDICTS = Set.of(400, 414, 431, 501, 505);
  private static final int MAX_HEAD = 4096;

  static {
    Leaks.watch();
  }

  @AfterAll
  static void noLeaks() {
    Leaks.assertNone();
  }

  /**
   * A request head and body, in pieces as they might arrive: parsed, framed, and, when the gateway
   * would forward it, written as the gateway writes it and re-parsed by Netty.
   */
  @FuzzTest(maxDuration = "8s")
  void request(FuzzedDataProvider data) throws Exception {
    int split = data.consumeInt(1, 64);
    byte[] input = data.consumeRemainingAsBytes();
    HeadParser parser = new HeadParser(true, MAX_HEAD, MAX_HEAD);
    ByteBuf in = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, input.length));
    List<ByteBuf> bodyParts = new ArrayList<>();
    try {
      in.writeBytes(input);
      RequestHead head = null;
      // The head in pieces of `split` bytes: the parser keeps its state between reads.
      while (in.isReadable()) {
        ByteBuf piece = in.readSlice(Math.min(split, in.readableBytes()));
        if (parser.feed(piece)) {
          head = parser.request();
          in.readerIndex(in.readerIndex() - piece.readableBytes());
          break;
        }
      }
      if (head == null) {
        return;
      }
      RequestFraming framing = RequestFraming.of(head.fields(), head.version());
      if (framing.kind() == RequestFraming.Kind.REJECT) {
        assertThat(framing.status()).isIn(400, 501);
        return;
      }
      boolean complete = true;
      if (framing.hasBody()) {
        BodyDecoder body = new BodyDecoder(400, MAX_HEAD);
        body.start(
            framing.kind() == RequestFraming.Kind.CHUNKED
                ? BodyDecoder.Framing.CHUNKED
                : BodyDecoder.Framing.LENGTH,
            framing.length());
        complete = body.decode(in, bodyParts::add);
      }
      if (complete) {
        forwardedRequestReparses(head, framing, bodyParts);
      }
    } catch (Http1Exception verdict) {
      assertThat(verdict.status()).isIn(REQUEST_VERDICTS);
    } finally {
      in.release();
      bodyParts.forEach(ByteBuf::release);
    }
  }

  /** The gateway's own framing of a body it decoded, then Netty's strict reading of it all. */
  private static void forwardedRequestReparses(
      RequestHead head, RequestFraming framing, List<ByteBuf> parts) {
    HeaderFields fields = head.fields();
    // As OriginRequests does: hop-by-hop fields out, the gateway's own framing in.
    fields.removeKnown(HeaderFields.HOP_BY_HOP);
    fields.remove("Content-Length");
    boolean chunked = framing.kind() == RequestFraming.Kind.CHUNKED;
    if (chunked) {
      fields.add("Transfer-Encoding", "chunked");
    } else if (framing.kind() == RequestFraming.Kind.LENGTH) {
      fields.add("Content-Length", Long.toString(framing.length()));
    }
    ByteBuf out = Unpooled.buffer();
    head.writeTo(out);
    ByteBuf expectedBody = Unpooled.buffer();
    for (ByteBuf p : parts) {
      expectedBody.writeBytes(p, p.readerIndex(), p.readableBytes());
      if (chunked) {
        Chunks.writeSizeLine(out, p.readableBytes());
        out.writeBytes(p, p.readerIndex(), p.readableBytes());
        out.writeShort(HeaderFields.CRLF);
      } else {
        out.writeBytes(p, p.readerIndex(), p.readableBytes());
      }
    }
    if (chunked) {
      out.writeBytes(Chunks.LAST.duplicate());
    }
    FullHttpRequest netty = strictly(new HttpRequestDecoder(strict()), out, FullHttpRequest.class);
    try {
      assertThat(netty.method().name()).isEqualTo(head.method());
      assertThat(netty.uri()).isEqualTo(head.target());
      assertThat(netty.protocolVersion().minorVersion()).isEqualTo(head.version() - 10);
      assertSameFields(netty, fields);
      assertThat(ByteBufUtil.equals(netty.content(), expectedBody))
          .as("the body as Netty read it")
          .isTrue();
    } finally {
      netty.release();
      expectedBody.release();
    }
  }

  /** A response head from an origin: parsed, and when valid, Netty reads the same. */
  @FuzzTest(maxDuration = "5s")
  void response(FuzzedDataProvider data) throws Exception {
    int split = data.consumeInt(1, 64);
    byte[] input = data.consumeRemainingAsBytes();
    HeadParser parser = new HeadParser(false, MAX_HEAD, MAX_HEAD);
    ByteBuf in = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, input.length));
    try {
      in.writeBytes(input);
      while (in.isReadable()) {
        ByteBuf piece = in.readSlice(Math.min(split, in.readableBytes()));
        if (parser.feed(piece)) {
          ResponseHead head = parser.response();
          HeaderFields fields = head.fields();
          // Read as the gateway forwards it: no body, framed by its Content-Length 0.
          fields.remove("Transfer-Encoding");
          fields.set("Content-Length", "0");
          ByteBuf out = Unpooled.buffer();
          head.writeTo(out);
          if (head.status() >= 200 && head.status() != 204 && head.status() != 304) {
            FullHttpResponse netty =
                strictly(new HttpResponseDecoder(strict()), out, FullHttpResponse.class);
            try {
              assertThat(netty.status().code()).isEqualTo(head.status());
              assertSameFields(netty, fields);
            } finally {
              netty.release();
            }
          } else {
            out.release();
          }
          return;
        }
      }
    } catch (Http1Exception verdict) {
      assertThat(verdict.status()).isEqualTo(502);
    } finally {
      in.release();
    }
  }

  /**
   * A chunked body (or one of a length): what the decoder accepts as a complete body, Netty's
   * strict decoder reads to the same bytes.
   */
  @FuzzTest(maxDuration = "5s")
  void body(FuzzedDataProvider data) throws Exception {
    boolean chunked = data.consumeBoolean();
    int length = data.consumeInt(0, 1000);
    int split = data.consumeInt(1, 64);
    byte[] input = data.consumeRemainingAsBytes();
    BodyDecoder decoder = new BodyDecoder(400, MAX_HEAD);
    decoder.start(chunked ? BodyDecoder.Framing.CHUNKED : BodyDecoder.Framing.LENGTH, length);
    ByteBuf in = ByteBufAllocator.DEFAULT.directBuffer(Math.max(1, input.length));
    List<ByteBuf> parts = new ArrayList<>();
    try {
      in.writeBytes(input);
      boolean done = decoder.done();
      while (!done && in.isReadable()) {
        ByteBuf piece = in.readSlice(Math.min(split, in.readableBytes()));
        done = decoder.decode(piece, parts::add);
        in.readerIndex(in.readerIndex() - piece.readableBytes());
      }
      int consumed = in.readerIndex();
      long total = parts.stream().mapToLong(ByteBuf::readableBytes).sum();
      assertThat(total).isLessThanOrEqualTo(consumed);
      if (!chunked) {
        assertThat(total).isEqualTo(Math.min(length, input.length));
        assertThat(done).isEqualTo(input.length >= length);
      } else if (done) {
        String head = "POST / HTTP/1.1\r\nHost: x\r\nTransfer-Encoding: chunked\r\n\r\n";
        ByteBuf req = Unpooled.buffer();
        req.writeBytes(head.getBytes(StandardCharsets.US_ASCII));
        req.writeBytes(input, 0, consumed);
        FullHttpRequest netty =
            strictly(new HttpRequestDecoder(strict()), req, FullHttpRequest.class);
        try {
          ByteBuf expected = Unpooled.buffer();
          parts.forEach(p -> expected.writeBytes(p, p.readerIndex(), p.readableBytes()));
          assertThat(ByteBufUtil.equals(netty.content(), expected)).as("the body").isTrue();
          expected.release();
        } finally {
          netty.release();
        }
      }
    } catch (Http1Exception verdict) {
      assertThat(verdict.status()).isEqualTo(400);
    } finally {
      in.release();
      parts.forEach(ByteBuf::release);
    }
  }

  // ---- Netty's reading

  /** Netty's decoder at its strictest. */
  public static HttpDecoderConfig strict() {
    return new HttpDecoderConfig()
        .setMaxInitialLineLength(65536)
        .setMaxHeaderSize(65536)
        .setValidateHeaders(true)
        .setAllowDuplicateContentLengths(false)
        .setAllowPartialChunks(false)
        .setStrictLineParsing(true);
  }

  /** Decodes {@code bytes} (released) into one full message, which must decode without failure. */
  static <T extends FullHttpMessage> T strictly(
      io.netty.channel.ChannelHandler decoder, ByteBuf bytes, Class<T> type) {
    EmbeddedChannel ch = new EmbeddedChannel(decoder, new HttpObjectAggregator(1 << 20));
    try {
      ch.writeInbound(bytes);
      ch.finish();
      Object msg = ch.readInbound();
      assertThat(msg).as("Netty read one message").isInstanceOf(type);
      T full = type.cast(msg);
      if (full.decoderResult().isFailure()) {
        String cause = full.decoderResult().cause().toString();
        full.release();
        throw new AssertionError("Netty's strict decoder refused it: " + cause);
      }
      Object more;
      while ((more = ch.readInbound()) != null) {
        io.netty.util.ReferenceCountUtil.release(more);
      }
      return full;
    } finally {
      ch.finishAndReleaseAll();
    }
  }

  /**
   * Netty's fields are ours, in order (names compared ignoring case), but for the framing fields:
   * Netty's aggregator rewrites them, and the bodies are compared instead.
   */
  public static void assertSameFields(FullHttpMessage netty, HeaderFields ours) {
    List<String> a = new ArrayList<>();
    for (Map.Entry<String, String> e : netty.headers().entries()) {
      addUnlessFraming(a, e.getKey(), e.getValue());
    }
    List<String> b = new ArrayList<>();
    for (int i = 0; i < ours.size(); i++) {
      addUnlessFraming(b, ours.name(i), ours.value(i));
    }
    assertThat(a).as("the fields as Netty read them").isEqualTo(b);
  }

  private static void addUnlessFraming(List<String> lines, String name, String value) {
    String n = name.toLowerCase(java.util.Locale.ROOT);
    if (!n.equals("content-length") && !n.equals("transfer-encoding")) {
      lines.add(n + ": " + value);
    }
  }
}
