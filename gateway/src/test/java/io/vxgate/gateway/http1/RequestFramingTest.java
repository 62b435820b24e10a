package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.gateway.http1.RequestFraming.Kind;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The framing of a request body, one row per rule of RFC 9112 sections 6.1 (Transfer-Encoding) and
 * 6.3 (message body length), as the gateway applies them: strictly, refusing what an origin might
 * read differently. Fields are {@code name: value} lines separated by {@code " / "}.
 */
class RequestFramingTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # rule                                     | version | fields                                              | kind    | length             | status
          # 6.3 (7): neither field, no body
          no framing field                           | 11 |                                                            | NONE    | 0                  | 0
          other fields only                          | 11 | Content-Type: text/plain                                   | NONE    | 0                  | 0
          # 6.3 (6): Content-Length
          Content-Length 0                           | 11 | Content-Length: 0                                          | NONE    | 0                  | 0
          Content-Length 5                           | 11 | Content-Length: 5                                          | LENGTH  | 5                  | 0
          Content-Length, leading zeros              | 11 | Content-Length: 005                                        | LENGTH  | 5                  | 0
          Content-Length 4095 (the last cached)      | 11 | Content-Length: 4095                                       | LENGTH  | 4095               | 0
          Content-Length 4096 (not cached)           | 11 | Content-Length: 4096                                       | LENGTH  | 4096               | 0
          Content-Length, 18 digits                  | 11 | Content-Length: 999999999999999999                         | LENGTH  | 999999999999999999 | 0
          Content-Length, name in any case           | 11 | content-LENGTH: 7                                          | LENGTH  | 7                  | 0
          Content-Length on HTTP/1.0                 | 10 | Content-Length: 3                                          | LENGTH  | 3                  | 0
          # 6.3 (5): an invalid Content-Length is unrecoverable
          Content-Length, two equal lines            | 11 | Content-Length: 5 / Content-Length: 5                      | REJECT  | -1                 | 400
          Content-Length, two different lines        | 11 | Content-Length: 5 / Content-Length: 6                      | REJECT  | -1                 | 400
          Content-Length, a list of equal values     | 11 | Content-Length: 5, 5                                       | REJECT  | -1                 | 400
          Content-Length, a list of values           | 11 | Content-Length: 5,6                                        | REJECT  | -1                 | 400
          Content-Length, negative                   | 11 | Content-Length: -1                                         | REJECT  | -1                 | 400
          Content-Length, plus sign                  | 11 | Content-Length: +5                                         | REJECT  | -1                 | 400
          Content-Length, hexadecimal                | 11 | Content-Length: 0x10                                       | REJECT  | -1                 | 400
          Content-Length, trailing letter            | 11 | Content-Length: 5a                                         | REJECT  | -1                 | 400
          Content-Length, empty                      | 11 | Content-Length:                                            | REJECT  | -1                 | 400
          Content-Length, 19 digits (overflow)       | 11 | Content-Length: 9999999999999999999                        | REJECT  | -1                 | 400
          # 6.1 and 6.3 (3, 4): Transfer-Encoding
          chunked                                    | 11 | Transfer-Encoding: chunked                                 | CHUNKED | -1                 | 0
          chunked, any case                          | 11 | transfer-encoding: Chunked                                 | CHUNKED | -1                 | 0
          Transfer-Encoding on HTTP/1.0              | 10 | Transfer-Encoding: chunked                                 | REJECT  | -1                 | 400
          Transfer-Encoding with Content-Length      | 11 | Transfer-Encoding: chunked / Content-Length: 5             | REJECT  | -1                 | 400
          Transfer-Encoding with Content-Length 0    | 11 | Content-Length: 0 / Transfer-Encoding: chunked             | REJECT  | -1                 | 400
          Transfer-Encoding, two lines               | 11 | Transfer-Encoding: chunked / Transfer-Encoding: chunked    | REJECT  | -1                 | 400
          a coding, then chunked on a second line    | 11 | Transfer-Encoding: gzip / Transfer-Encoding: chunked       | REJECT  | -1                 | 400
          chunked not last                           | 11 | Transfer-Encoding: chunked, gzip                           | REJECT  | -1                 | 400
          chunked twice                              | 11 | Transfer-Encoding: chunked, chunked                        | REJECT  | -1                 | 400
          a coding, then chunked                     | 11 | Transfer-Encoding: gzip, chunked                           | REJECT  | -1                 | 501
          an unknown coding                          | 11 | Transfer-Encoding: gzip                                    | REJECT  | -1                 | 501
          identity (no longer a coding)              | 11 | Transfer-Encoding: identity                                | REJECT  | -1                 | 501
          an empty coding                            | 11 | Transfer-Encoding:                                         | REJECT  | -1                 | 501
          """)
  void frames(String rule, int version, String lines, Kind kind, long length, int status) {
    HeaderFields fields = new HeaderFields();
    if (lines != null) {
      for (String line : lines.split(" / ")) {
        int colon = line.indexOf(':');
        fields.add(line.substring(0, colon), line.substring(colon + 1).trim());
      }
    }
    RequestFraming framing = RequestFraming.of(fields, version);
    assertThat(framing).isEqualTo(new RequestFraming(kind, length, status));
    assertThat(framing.hasBody()).isEqualTo(kind == Kind.LENGTH || kind == Kind.CHUNKED);
  }
}
