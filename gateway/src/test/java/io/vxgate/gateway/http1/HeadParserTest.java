package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import java.nio.charset.StandardCharsets;
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

class HeadParserTest {
  private static ByteBuf bytes(String s) {
    return Unpooled.copiedBuffer(s, StandardCharsets.ISO_8859_1);
  }

  private static RequestHead request(String text) throws Http1Exception {
    HeadParser p = new HeadParser(true, 4096, 8192);
    ByteBuf in = bytes(text);
    assertThat(p.feed(in)).as("complete").isTrue();
    return p.request();
  }

  private static int refusal(String text) {
    HeadParser p = new HeadParser(true, 64, 256);
    try {
      p.feed(bytes(text));
      return 0;
    } catch (Http1Exception e) {
      return e.status();
    }
  }

  @Test
  void parsesARequestAndLeavesTheBodyInTheBuffer() throws Exception {
    HeadParser p = new HeadParser(true, 4096, 8192);
    ByteBuf in =
        bytes("POST /a?b=1 HTTP/1.1\r\nHost: x\r\nContent-Length: 5\r\nX-A:  v w \r\n\r\nhello");
    assertThat(p.feed(in)).isTrue();
    RequestHead h = p.request();
    assertThat(h.method()).isEqualTo("POST");
    assertThat(h.target()).isEqualTo("/a?b=1");
    assertThat(h.version()).isEqualTo(11);
    assertThat(h.fields().get("host")).isEqualTo("x");
    assertThat(h.fields().get("X-A")).isEqualTo("v w");
    assertThat(in.toString(StandardCharsets.US_ASCII)).isEqualTo("hello");
  }

  @Test
  void aHeadMayArriveByteByByte() throws Exception {
    String text = "GET / HTTP/1.0\r\nHost: x\r\nX-Long: " + "y".repeat(300) + "\r\n\r\nNEXT";
    HeadParser p = new HeadParser(true, 4096, 8192);
    ByteBuf all = bytes(text);
    boolean done = false;
    while (!done) {
      ByteBuf one = all.readRetainedSlice(1);
      done = p.feed(one);
      assertThat(one.isReadable()).isFalse();
      one.release();
    }
    assertThat(p.request().version()).isEqualTo(10);
    assertThat(p.request().fields().get("X-Long")).hasSize(300);
    assertThat(all.toString(StandardCharsets.US_ASCII)).isEqualTo("NEXT");
  }

  @Test
  void emptyLinesBeforeTheRequestLineAreIgnored() throws Exception {
    assertThat(request("\r\n\r\nGET /x HTTP/1.1\r\nHost: a\r\n\r\n").target()).isEqualTo("/x");
  }

  @Test
  void obsFoldBecomesOneSpace() throws Exception {
    RequestHead h =
        request("GET / HTTP/1.1\r\nHost: x\r\nX-A: a\r\n  b\r\nTE-Like:\r\n\tchunked\r\n\r\n");
    assertThat(h.fields().get("X-A")).isEqualTo("a b");
    assertThat(h.fields().get("TE-Like")).isEqualTo("chunked");
  }

  @Test
  void duplicateFieldsKeepTheirOrderAndFoldOnlyTheLastOne() throws Exception {
    RequestHead h = request("GET / HTTP/1.1\r\nHost: x\r\nX-A: 1\r\nX-A: 2\r\n 3\r\n\r\n");
    assertThat(h.fields().getAll("x-a")).containsExactly("1", "2 3");
  }

  static Stream<Arguments> malformed() {
    return Stream.of(
        Arguments.of("bare LF", "GET / HTTP/1.1\nHost: x\n\n", 400),
        Arguments.of("space before colon", "GET / HTTP/1.1\r\nHost : x\r\n\r\n", 400),
        Arguments.of("space in name", "GET / HTTP/1.1\r\nX A: b\r\n\r\n", 400),
        Arguments.of("non-token name", "GET / HTTP/1.1\r\nX(A): b\r\n\r\n", 400),
        Arguments.of("no colon", "GET / HTTP/1.1\r\nHost x\r\n\r\n", 400),
        Arguments.of("empty name", "GET / HTTP/1.1\r\n: x\r\n\r\n", 400),
        Arguments.of("bare CR in value", "GET / HTTP/1.1\r\nX-A: a\rb\r\n\r\n", 400),
        Arguments.of("control char", "GET / HTTP/1.1\r\nX-A: a\u0001b\r\n\r\n", 400),
        Arguments.of("NUL", "GET / HTTP/1.1\r\nX-A: a\u0000b\r\n\r\n", 400),
        Arguments.of("DEL in value", "GET / HTTP/1.1\r\nX-A: a\u007fb\r\n\r\n", 400),
        Arguments.of("space in target", "GET /a b HTTP/1.1\r\n\r\n", 400),
        Arguments.of("two spaces", "GET  / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("lower-case version", "GET / http/1.1\r\n\r\n", 400),
        Arguments.of("HTTP/2.0 line", "GET / HTTP/2.0\r\n\r\n", 505),
        Arguments.of("no version", "GET /\r\n\r\n", 400),
        Arguments.of("bad method", "G(T / HTTP/1.1\r\n\r\n", 400),
        Arguments.of("fold first", "GET / HTTP/1.1\r\n x\r\n\r\n", 400));
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("malformed")
  void malformedHeadsAreRefused(String name, String text, int status) {
    assertThat(refusal(text)).as(name).isEqualTo(status);
  }

  @Test
  void limitsGive414And431() {
    assertThat(refusal("GET /" + "a".repeat(100) + " HTTP/1.1\r\n\r\n")).isEqualTo(414);
    assertThat(refusal("GET / HTTP/1.1\r\nX: " + "a".repeat(300) + "\r\n\r\n")).isEqualTo(431);
    // the limits hold while the head is still incomplete
    assertThat(refusal("GET / HTTP/1.1\r\nX: " + "a".repeat(300))).isEqualTo(431);
  }

  @Test
  void parsesStatusLines() throws Exception {
    HeadParser p = new HeadParser(false, 4096, 8192);
    assertThat(p.feed(bytes("HTTP/1.1 204 No Content\r\nA: b\r\n\r\n"))).isTrue();
    assertThat(p.response().status()).isEqualTo(204);
    assertThat(p.response().reason()).isEqualTo("No Content");
    p.reset();
    assertThat(p.feed(bytes("HTTP/1.0 200\r\n\r\n"))).isTrue();
    assertThat(p.response().version()).isEqualTo(10);
    assertThat(p.response().reason()).isEqualTo("OK");
    p.reset();
    assertThatThrownBy(() -> p.feed(bytes("HTTP/1.1 2x0 OK\r\n\r\n")))
        .isInstanceOf(Http1Exception.class)
        .extracting(e -> ((Http1Exception) e).status())
        .isEqualTo(502);
  }

  @Test
  void headsAreWrittenBackAsRead() throws Exception {
    RequestHead h = request("GET /p HTTP/1.1\r\nHost: x\r\nX-Bin: \u00e9t\u00e9\r\n\r\n");
    h.fields().remove("host");
    h.fields().add("X-New", "1");
    ByteBuf out = Unpooled.buffer();
    h.writeTo(out);
    assertThat(out.toString(StandardCharsets.ISO_8859_1))
        .isEqualTo("GET /p HTTP/1.1\r\nX-Bin: \u00e9t\u00e9\r\nX-New: 1\r\n\r\n");
    assertThat(h.encodedLength()).isGreaterThanOrEqualTo(out.readableBytes());
  }

  @Test
  void tokensInListValues() {
    assertThat(HeaderFields.hasToken("keep-alive, Upgrade", "upgrade")).isTrue();
    assertThat(HeaderFields.hasToken("keep-alive,upgrade2", "upgrade")).isFalse();
    assertThat(HeaderFields.hasToken(" close ", "close")).isTrue();
  }
}
