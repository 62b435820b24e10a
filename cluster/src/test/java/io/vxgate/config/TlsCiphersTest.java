package io.vxgate.config;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.ArrayList;
import java.util.List;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/** Cipher lists read as OpenSSL reads them, over the suites vxgate can offer. */
class TlsCiphersTest {
  private static List<String> read(String list) {
    List<String> unknown = new ArrayList<>();
    List<String> out = TlsCiphers.tls12(list, unknown::add);
    assertThat(unknown).as("unknown words of " + list).isEmpty();
    return out;
  }

  @ParameterizedTest
  @CsvSource(
      delimiter = '|',
      value = {
        // list | the suites it names, in order (a number: how many, in the table's order)
        "HIGH:!aNULL:!MD5 | 23",
        "ECDHE+AESGCM | ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-GCM-SHA256"
            + " ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE+AESGCM:-aECDSA | ECDHE-RSA-AES128-GCM-SHA256 ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE+AESGCM:!aECDSA:ECDHE-ECDSA-AES128-GCM-SHA256 | ECDHE-RSA-AES128-GCM-SHA256"
            + " ECDHE-RSA-AES256-GCM-SHA384",
        "ECDHE+AESGCM:+AES128 | ECDHE-ECDSA-AES256-GCM-SHA384 ECDHE-RSA-AES256-GCM-SHA384"
            + " ECDHE-ECDSA-AES128-GCM-SHA256 ECDHE-RSA-AES128-GCM-SHA256",
        "AES256-SHA,ECDHE-RSA-CHACHA20-POLY1305 | AES256-SHA ECDHE-RSA-CHACHA20-POLY1305",
        "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256 | ECDHE-RSA-AES128-GCM-SHA256",
        "kRSA+SHA256:@STRENGTH | AES128-SHA256 AES256-SHA256",
        // the classic nginx/HAProxy list of old: every AES suite, no CHACHA20
        "ECDH+AESGCM:DH+AESGCM:ECDH+AES256:DH+AES256:ECDH+AES128:DH+AES:RSA+AESGCM:RSA+AES:!aNULL:!MD5:!DSS"
            + " | 20",
        // Mozilla's intermediate list: DHE suites are named (the engine may lack them)
        "ECDHE-ECDSA-AES128-GCM-SHA256:ECDHE-RSA-AES128-GCM-SHA256:ECDHE-ECDSA-AES256-GCM-SHA384:"
            + "ECDHE-RSA-AES256-GCM-SHA384:ECDHE-ECDSA-CHACHA20-POLY1305:ECDHE-RSA-CHACHA20-POLY1305:"
            + "DHE-RSA-AES128-GCM-SHA256:DHE-RSA-AES256-GCM-SHA384:DHE-RSA-CHACHA20-POLY1305 | 9",
        "ALL:!ALL | ''",
      })
  void readsAListAsOpenSslDoes(String list, String expected) {
    List<String> out = read(list);
    if (expected.matches("[0-9]+")) {
      assertThat(out).hasSize(Integer.parseInt(expected)).doesNotHaveDuplicates();
    } else {
      assertThat(out)
          .containsExactlyElementsOf(expected.isEmpty() ? List.of() : List.of(expected.split(" ")));
    }
  }

  @Test
  void reportsUnknownWords() {
    List<String> unknown = new ArrayList<>();
    TlsCiphers.tls12("HIGH:ECDHE+FOO:!BAR", unknown::add);
    assertThat(unknown).containsExactly("FOO", "BAR");
  }

  @Test
  void everySuiteHasItsIanaName() {
    for (String name : TlsCiphers.tls12Names()) {
      assertThat(TlsCiphers.iana(name)).as(name).startsWith("TLS_").contains("_WITH_");
    }
    assertThat(TlsCiphers.iana("TLS_AES_128_GCM_SHA256")).isEqualTo("TLS_AES_128_GCM_SHA256");
    assertThat(TlsCiphers.iana("RC4-SHA")).isNull();
    assertThat(TlsCiphers.tls12Names()).containsAll(TlsCiphers.DEFAULT_TLS12);
  }
}
