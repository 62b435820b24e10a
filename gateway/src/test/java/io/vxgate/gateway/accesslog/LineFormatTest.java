package io.vxgate.gateway.accesslog;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.AccessLogConfig;
import io.vxgate.config.AccessLogConfig.Format;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

/** Each format writes each fact where its model (nginx, HAProxy) does, escaped as it does. */
class LineFormatTest {
  /** 2024-05-01T12:00:01.234Z. */
  private static final long T = 1_714_564_801_234L;

  private static final long MS = 1_000_000;

  private static AccessRecord proxied() {
    AccessRecord r =
        new AccessRecord(
            T, 1_000 * MS, "web", new InetSocketAddress("127.0.0.1", 40_000), "TLSv1.3");
    r.head(1_002 * MS, "GET", "/a/b?x=1&y=\"2\"", 11, "example.com", "curl/8", null, "rid-1");
    r.client("203.0.113.7");
    r.trace(0x0af7651916cd43ddL, 0x8448eb211c80319cL, 0, 0x00f067aa0ba902b7L, 1);
    r.routed("api", "app");
    r.attempt("o1", 1_003 * MS);
    r.end(0, Termination.ORIGIN_CONNECT_FAILED, 0, 0, 1_004 * MS);
    r.attempt("o2", 1_004 * MS);
    r.connected(1_006 * MS, MS);
    r.responseHead(200, 1_010 * MS + 500_000);
    r.end(200, Termination.OK, 12, 345, 1_020 * MS);
    return r;
  }

  private static String line(LineFormat f, AccessRecord r) {
    Line l = new Line(ZoneOffset.UTC);
    f.format(r, l);
    return l.toString();
  }

  private static LineFormat format(Format format) {
    return LineFormat.of(new AccessLogConfig(format, new AccessLogConfig.Stdout()), "gw-1");
  }

  @Test
  void json() {
    assertThat(line(format(Format.JSON), proxied()))
        .isEqualTo(
            "{\"time\":\"2024-05-01T12:00:01.234Z\",\"node\":\"gw-1\",\"listener\":\"web\","
                + "\"client\":\"203.0.113.7\",\"method\":\"GET\",\"path\":\"/a/b\","
                + "\"query\":\"x=1&y=\\\"2\\\"\",\"protocol\":\"HTTP/1.1\",\"host\":\"example.com\","
                + "\"status\":200,\"bytes_in\":12,\"bytes_out\":345,\"duration_ms\":20.000,"
                + "\"route\":\"api\",\"upstream\":\"app\",\"server\":\"o2\",\"upstream_status\":200,"
                + "\"upstream_connect_ms\":2.000,\"upstream_response_ms\":4.500,\"retries\":1,"
                + "\"request_id\":\"rid-1\",\"trace_id\":\"0af7651916cd43dd8448eb211c80319c\","
                + "\"termination\":\"ok\",\"user_agent\":\"curl/8\",\"referer\":null,"
                + "\"tls\":\"TLSv1.3\"}");
  }

  @Test
  void jsonOfARequestThatWasNotReadHasNullsWhereNothingIsKnown() {
    AccessRecord r = new AccessRecord(T, 0, "web", null, null);
    r.head(MS, null, null, 0, null, null, null, "rid\n2");
    r.end(400, Termination.REFUSED_BAD_REQUEST, 0, 16, 3 * MS);
    assertThat(line(format(Format.JSON), r))
        .isEqualTo(
            "{\"time\":\"2024-05-01T12:00:01.234Z\",\"node\":\"gw-1\",\"listener\":\"web\","
                + "\"client\":null,\"method\":null,\"path\":null,\"query\":null,"
                + "\"protocol\":null,\"host\":null,\"status\":400,\"bytes_in\":0,\"bytes_out\":16,"
                + "\"duration_ms\":3.000,\"route\":null,\"upstream\":null,\"server\":null,"
                + "\"upstream_status\":null,\"upstream_connect_ms\":null,"
                + "\"upstream_response_ms\":null,\"retries\":null,\"request_id\":\"rid\\n2\","
                + "\"trace_id\":null,\"termination\":\"refused-bad-request\",\"user_agent\":null,"
                + "\"referer\":null,\"tls\":null}");
  }

  @Test
  void combinedIsNginxs() {
    assertThat(line(format(Format.COMBINED), proxied()))
        .isEqualTo(
            "203.0.113.7 - - [01/May/2024:12:00:01 +0000] \"GET /a/b?x=1&y=\\x222\\x22 HTTP/1.1\""
                + " 200 345 \"-\" \"curl/8\"");
    AccessRecord gone = new AccessRecord(T, 0, "web", null, null);
    gone.head(0, "POST", "/up", 10, null, "a\tb", "http://r/", "x");
    gone.end(0, Termination.CLIENT_CLOSED, 3, 0, 0);
    assertThat(line(format(Format.COMBINED), gone))
        .isEqualTo(
            "- - - [01/May/2024:12:00:01 +0000] \"POST /up HTTP/1.0\" 499 0 \"http://r/\""
                + " \"a\\x09b\"");
  }

  @Test
  void haproxyHasHttplogsFieldOrder() {
    assertThat(line(format(Format.HAPROXY), proxied()))
        .isEqualTo(
            "127.0.0.1:40000 [01/May/2024:12:00:01.234] web app/o2 2/1/1/4/20 200 345 - - ok"
                + " -/-/-/-/1 -/- \"GET /a/b?x=1&y=\\x222\\x22 HTTP/1.1\"");
    AccessRecord refused = new AccessRecord(T, 0, "web", null, null);
    refused.head(MS, null, null, 0, null, null, null, "x");
    refused.end(431, Termination.REFUSED_TOO_LARGE, 0, 10, 2 * MS);
    assertThat(line(format(Format.HAPROXY), refused))
        .isEqualTo(
            "- [01/May/2024:12:00:01.234] web -/<NOSRV> 1/-1/-1/-1/2 431 10 - -"
                + " refused-too-large -/-/-/-/0 -/- \"-\"");
  }

  @Test
  void customWritesItsTextAndFields() {
    LineFormat f =
        LineFormat.of(
            new AccessLogConfig(
                Format.CUSTOM,
                "$$ $client [$time] $method $path $status $upstream_status $referer ${retries}x",
                new AccessLogConfig.Stdout(),
                8),
            "gw-1");
    assertThat(line(f, proxied()))
        .isEqualTo("$ 203.0.113.7 [2024-05-01T12:00:01.234Z] GET /a/b 200 200 - 1x");
  }

  /** The JSON format copies repeating text it escaped before: each line still shows its own. */
  @Test
  void jsonLinesInARowEachShowTheirOwnFacts() {
    LineFormat f = format(Format.JSON);
    AccessRecord other = proxied();
    other.routed("w\"eb", "app2");
    other.attempt("o\u00e93", 1_030 * MS);
    other.end(503, Termination.NO_SERVER, 0, 0, 1_040 * MS);
    String first = line(f, proxied());
    String second = line(f, other);
    assertThat(second)
        .contains("\"route\":\"w\\\"eb\",\"upstream\":\"app2\",\"server\":\"o\u00e93\"")
        .contains("\"termination\":\"no-server\"");
    assertThat(line(f, proxied())).isEqualTo(first);
    assertThat(line(f, other)).isEqualTo(second);
    AccessRecord unread = new AccessRecord(T, 0, "web", null, null);
    unread.head(MS, null, null, 0, null, null, null, "x");
    unread.end(400, Termination.REFUSED_BAD_REQUEST, 0, 0, MS);
    assertThat(line(f, unread)).contains("\"method\":null,").contains("\"route\":null,");
    assertThat(line(f, proxied())).isEqualTo(first);
  }

  /**
   * A line is UTF-8 with JSON's escapes, or nginx's in text; a lone surrogate becomes {@code ?}, as
   * {@code String.getBytes} writes it; numbers of any sign.
   */
  @Test
  void nonAsciiAndEscapesAreWrittenAsTheStringsBytesWouldBe() {
    String odd = "caf\u00e9 \u20ac \ud834\udd1e \ud800x \u0001\u007f\"\\\r\t";
    Line l = new Line(ZoneOffset.UTC);
    l.json(odd);
    assertThat(l.toString())
        .isEqualTo("\"caf\u00e9 \u20ac \ud834\udd1e ?x \\u0001\\u007f\\\"\\\\\\r\\t\"");
    assertThat(l.bytes())
        .isEqualTo(
            "\"caf\u00e9 \u20ac \ud834\udd1e ?x \\u0001\\u007f\\\"\\\\\\r\\t\""
                .getBytes(StandardCharsets.UTF_8));
    l.reset().text(odd);
    assertThat(l.toString())
        .isEqualTo("caf\\xe9 \\u20ac \\ud834\\udd1e \\ud800x \\x01\\x7f\\x22\\x5c\\x0d\\x09");
    l.reset().append(odd.substring(0, 13)).append(' ').append(-42).append(' ').append(0);
    l.append(' ').append(Long.MIN_VALUE).append(' ').append(Long.MAX_VALUE);
    assertThat(l.bytes())
        .isEqualTo(
            (odd.substring(0, 13) + " -42 0 " + Long.MIN_VALUE + " " + Long.MAX_VALUE)
                .getBytes(StandardCharsets.UTF_8));
    StringBuilder longer = new StringBuilder();
    for (int i = 0; i < 3000; i++) {
      longer.append((char) ('a' + i % 26)).append('\u00e9');
    }
    assertThat(l.reset().json(longer.toString()).toString()).isEqualTo("\"" + longer + "\"");
  }

  @Test
  void pathOfAnAbsoluteFormTarget() {
    assertThat(Field.path("http://h:8/p/q?x")).isEqualTo("/p/q");
    assertThat(Field.path("http://h")).isEqualTo("/");
    assertThat(Field.query("http://h/p?x=1")).isEqualTo("x=1");
  }
}
