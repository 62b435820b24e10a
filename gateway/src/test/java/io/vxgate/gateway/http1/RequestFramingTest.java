package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.http1.RequestFraming.Kind;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * The framing of a request body, one row per rule of RFC 9112 sections 6.1 (Transfer-Encoding) and
 * 6.3 (message body length), as the gateway applies them: strictly, refusing what an origin might
 * read differently.
 */
class RequestFramingTest {
  /**
   * One row: the framing fields as {@code name: value} lines, the HTTP version, the expected
   * framing.
   */
  record Row(String rule, int version, String[] fields, Kind kind, long length, int status) {
    @Override
    public String toString() {
      return rule;
    }
  }

  private static Row row(String rule, String[] fields, Kind kind, long length, int status) {
    return new Row(rule, 11, fields, kind, length, status);
  }

  private static String[] f(String... lines) {
    return lines;
  }

  static Stream<Arguments> rows() {
    return Stream.of(
            // 6.3 (7): neither field, no body
            row("no framing field", f(), Kind.NONE, 0, 0),
            row("other fields only", f("Content-Type: text/plain"), Kind.NONE, 0, 0),
            // 6.3 (6): Content-Length
            row("Content-Length 0", f("Content-Length: 0"), Kind.NONE, 0, 0),
            row("Content-Length 5", f("Content-Length: 5"), Kind.LENGTH, 5, 0),
            row("Content-Length, leading zeros", f("Content-Length: 005"), Kind.LENGTH, 5, 0),
            row(
                "Content-Length, 18 digits",
                f("Content-Length: 999999999999999999"),
                Kind.LENGTH,
                999999999999999999L,
                0),
            row("Content-Length, name in any case", f("content-LENGTH: 7"), Kind.LENGTH, 7, 0),
            new Row("Content-Length on HTTP/1.0", 10, f("Content-Length: 3"), Kind.LENGTH, 3, 0),
            // 6.3 (5): an invalid Content-Length is unrecoverable
            row(
                "Content-Length, two lines",
                f("Content-Length: 5", "Content-Length: 5"),
                Kind.REJECT,
                -1,
                400),
            row(
                "Content-Length, two different lines",
                f("Content-Length: 5", "Content-Length: 6"),
                Kind.REJECT,
                -1,
                400),
            row(
                "Content-Length, list of equal values",
                f("Content-Length: 5, 5"),
                Kind.REJECT,
                -1,
                400),
            row("Content-Length, list of values", f("Content-Length: 5,6"), Kind.REJECT, -1, 400),
            row("Content-Length, negative", f("Content-Length: -1"), Kind.REJECT, -1, 400),
            row("Content-Length, plus sign", f("Content-Length: +5"), Kind.REJECT, -1, 400),
            row("Content-Length, hexadecimal", f("Content-Length: 0x10"), Kind.REJECT, -1, 400),
            row("Content-Length, trailing letter", f("Content-Length: 5a"), Kind.REJECT, -1, 400),
            row("Content-Length, empty", f("Content-Length: "), Kind.REJECT, -1, 400),
            row(
                "Content-Length, 19 digits (overflow)",
                f("Content-Length: 9999999999999999999"),
                Kind.REJECT,
                -1,
                400),
            // 6.1 and 6.3 (4): Transfer-Encoding
            row("chunked", f("Transfer-Encoding: chunked"), Kind.CHUNKED, -1, 0),
            row("chunked, any case", f("transfer-encoding: Chunked"), Kind.CHUNKED, -1, 0),
            new Row(
                "Transfer-Encoding on HTTP/1.0",
                10,
                f("Transfer-Encoding: chunked"),
                Kind.REJECT,
                -1,
                400),
            row(
                "Transfer-Encoding with Content-Length",
                f("Transfer-Encoding: chunked", "Content-Length: 5"),
                Kind.REJECT,
                -1,
                400),
            row(
                "Transfer-Encoding with Content-Length 0",
                f("Content-Length: 0", "Transfer-Encoding: chunked"),
                Kind.REJECT,
                -1,
                400),
            row(
                "Transfer-Encoding, two lines",
                f("Transfer-Encoding: chunked", "Transfer-Encoding: chunked"),
                Kind.REJECT,
                -1,
                400),
            row(
                "Transfer-Encoding, a coding then chunked on two lines",
                f("Transfer-Encoding: gzip", "Transfer-Encoding: chunked"),
                Kind.REJECT,
                -1,
                400),
            row("chunked not last", f("Transfer-Encoding: chunked, gzip"), Kind.REJECT, -1, 400),
            row("chunked twice", f("Transfer-Encoding: chunked, chunked"), Kind.REJECT, -1, 400),
            row(
                "a coding, then chunked",
                f("Transfer-Encoding: gzip, chunked"),
                Kind.REJECT,
                -1,
                501),
            row("an unknown coding", f("Transfer-Encoding: gzip"), Kind.REJECT, -1, 501),
            row(
                "identity (not a coding any more)",
                f("Transfer-Encoding: identity"),
                Kind.REJECT,
                -1,
                501),
            row("an empty coding", f("Transfer-Encoding: "), Kind.REJECT, -1, 501))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void frames(Row row) {
    HeaderFields fields = new HeaderFields();
    for (String line : row.fields()) {
      int colon = line.indexOf(':');
      fields.add(line.substring(0, colon), line.substring(colon + 1).trim());
    }
    RequestFraming framing = RequestFraming.of(fields, row.version());
    assertThat(framing).isEqualTo(new RequestFraming(row.kind(), row.length(), row.status()));
    assertThat(framing.hasBody())
        .isEqualTo(row.kind() == Kind.LENGTH || row.kind() == Kind.CHUNKED);
  }
}
