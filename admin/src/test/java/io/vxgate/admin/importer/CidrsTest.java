package io.vxgate.admin.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import org.junit.jupiter.api.Test;

class CidrsTest {
  @Test
  void complementCoversEverythingElse() {
    List<String> c = Cidrs.complement(List.of("10.0.0.0/8"));
    assertThat(c).contains("0.0.0.0/5", "8.0.0.0/7", "11.0.0.0/8", "128.0.0.0/1", "::/0");
    for (String probe : List.of("9.255.255.255", "11.0.0.0", "200.1.1.1")) {
      assertThat(c.stream().anyMatch(n -> Cidrs.parse(n).contains(Cidrs.parse(probe)))).isTrue();
    }
    assertThat(c.stream().anyMatch(n -> Cidrs.parse(n).contains(Cidrs.parse("10.2.3.4"))))
        .isFalse();
  }

  @Test
  void intersection() {
    assertThat(Cidrs.intersect(List.of("10.0.0.0/8"), List.of("10.1.0.0/16", "11.0.0.0/8")))
        .containsExactly("10.1.0.0/16");
    assertThat(Cidrs.intersect(List.of("2001:db8::/32"), List.of("2001:db8:1::1")))
        .containsExactly("2001:db8:1::1");
  }
}
