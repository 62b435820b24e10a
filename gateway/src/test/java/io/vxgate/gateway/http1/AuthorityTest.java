package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * The one normal form of a request's authority: what routes match and what the origin gets. An
 * empty {@code host} column means the authority is invalid (400).
 */
class AuthorityTest {
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # case                                  | text                       | host              | port  | as sent
          a name                                  | internal.example           | internal.example  | -1    | internal.example
          upper case                              | Internal.EXAMPLE           | internal.example  | -1    | internal.example
          the root label's dot                    | internal.example.          | internal.example  | -1    | internal.example
          dot, case and port                      | INTERNAL.Example.:8080     | internal.example  | 8080  | internal.example:8080
          a port with leading zeros               | a.example:0080             | a.example         | 80    | a.example:80
          an empty port                           | a.example:                 | a.example         | -1    | a.example
          a single label                          | localhost                  | localhost         | -1    | localhost
          IPv4                                    | 127.0.0.1:9000             | 127.0.0.1         | 9000  | 127.0.0.1:9000
          IPv4 with the dot                       | 127.0.0.1.                 | 127.0.0.1         | -1    | 127.0.0.1
          IPv6                                    | [::1]:8443                 | [::1]             | 8443  | [::1]:8443
          IPv6 in upper case                      | [FE80::1]                  | [fe80::1]         | -1    | [fe80::1]
          sub-delims and unreserved               | a_b~c-d!$&'()*+,;=.example | a_b~c-d!$&'()*+,;=.example | -1 | a_b~c-d!$&'()*+,;=.example
          a percent-encoding                      | a%2Db.example              | a%2db.example     | -1    | a%2db.example
          # invalid
          empty                                   | ''                         | ''                | 0     | ''
          only the dot                            | .                          | ''                | 0     | ''
          two dots                                | internal.example..         | ''                | 0     | ''
          two dots inside                         | a..example                 | ''                | 0     | ''
          userinfo                                | u@admin.example            | ''                | 0     | ''
          a space                                 | a b                        | ''                | 0     | ''
          a tab                                   | 'a\tb'                     | ''                | 0     | ''
          a slash                                 | a/b                        | ''                | 0     | ''
          a backslash                             | a\\b                       | ''                | 0     | ''
          a port too large                        | a:65536                    | ''                | 0     | ''
          a port with a letter                    | a:8o                       | ''                | 0     | ''
          two colons                              | a:1:2                      | ''                | 0     | ''
          no host                                 | :80                        | ''                | 0     | ''
          an unfinished percent-encoding          | a%2                        | ''                | 0     | ''
          a bad percent-encoding                  | a%zz                       | ''                | 0     | ''
          IPv6 without brackets' end              | [::1                       | ''                | 0     | ''
          IPv6, empty                             | []                         | ''                | 0     | ''
          IPv6 with a letter                      | [::g]                      | ''                | 0     | ''
          IPv6, junk after                        | [::1]x                     | ''                | 0     | ''
          non-ASCII                               | bücher.example             | ''                | 0     | ''
          """)
  void parses(String name, String text, String host, int port, String sent) {
    Authority a = Authority.parse(text.replace("\\t", "\t"));
    if (host.isEmpty()) {
      assertThat(a).isNull();
    } else {
      assertThat(a).isEqualTo(new Authority(host, port));
      assertThat(a.toString()).isEqualTo(sent);
    }
  }

  @ParameterizedTest(name = "{0} -> {1}")
  @CsvSource({
    "admin.example, admin.example",
    "Admin.Example., admin.example",
    "*.Internal.Example., *.internal.example",
    "a.., a.",
    "'', ''"
  })
  void normalisesNames(String name, String normal) {
    assertThat(Authority.normalizeName(name)).isEqualTo(normal);
  }
}
