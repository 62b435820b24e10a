package io.vxgate.gateway.http1;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class HeaderFieldsTest {
  @Test
  void everyKnownNameIsFoundWhateverItsCase() {
    HeaderFields f = new HeaderFields(2);
    for (String k : HeaderFields.KNOWN) {
      f.add(k.toUpperCase(), "v-" + k);
    }
    for (String k : HeaderFields.KNOWN) {
      assertThat(f.get(k)).as(k).isEqualTo("v-" + k);
      assertThat(f.get(k.toLowerCase())).as(k).isEqualTo("v-" + k);
      assertThat(HeaderFields.id(k.toLowerCase())).as(k).isGreaterThanOrEqualTo(0);
    }
    assertThat(f.get("X-Unknown")).isNull();
  }

  @Test
  void otherNamesAreComparedIgnoringCase() {
    HeaderFields f = new HeaderFields();
    f.add("X-A", "1").add("x-a", "2").add("Host", "h");
    assertThat(f.getAll("X-a")).containsExactly("1", "2");
    assertThat(f.count("x-A")).isEqualTo(2);
    f.set("X-A", "3");
    assertThat(f.getAll("x-a")).containsExactly("3");
    assertThat(f.remove("x-a")).isTrue();
    assertThat(f.contains("X-A")).isFalse();
    assertThat(f.get("host")).isEqualTo("h");
  }

  @Test
  void everyValueOfANameIsFoundInOrder() {
    HeaderFields f = new HeaderFields();
    f.add("Connection", "a").add("X-A", "1").add("connection", "b").add("x-a", "2").add("X-A", "3");
    assertThat(f.getAll("Content-Length")).isEmpty();
    assertThat(f.getAll("X-Missing")).isEmpty();
    assertThat(f.getAll("Connection")).containsExactly("a", "b");
    assertThat(f.getAll("x-a")).containsExactly("1", "2", "3");
    f.remove("Connection");
    assertThat(f.getAll("CONNECTION")).isEmpty();
    f.add("Connection", "c");
    assertThat(f.getAll("Connection")).containsExactly("c");
    assertThat(f.indexOf("x-a", 0)).isEqualTo(0);
    assertThat(f.indexOf("x-a", 1)).isEqualTo(1);
    assertThat(f.indexOf("x-a", 3)).isEqualTo(-1);
    assertThat(f.indexOf("Connection", 0)).isEqualTo(3);
  }

  @Test
  void aContentLengthIsOneTo18DigitsAndNothingElse() {
    assertThat(HeaderFields.parseLength("0")).isZero();
    assertThat(HeaderFields.parseLength("24")).isEqualTo(24);
    assertThat(HeaderFields.parseLength("999999999999999999")).isEqualTo(999_999_999_999_999_999L);
    for (String bad :
        new String[] {"", "+2", "-2", "0x2", "2,2", " 2", "2 ", "1234567890123456789"}) {
      assertThat(HeaderFields.parseLength(bad)).as(bad).isEqualTo(-1);
    }
  }

  @Test
  void removingKnownFieldsKeepsTheRestInOrder() {
    HeaderFields f = new HeaderFields();
    f.add("Host", "h").add("Connection", "close").add("X-A", "1").add("TE", "trailers");
    f.add("Transfer-Encoding", "chunked").add("Content-Length", "5");
    assertThat(f.removeKnown(HeaderFields.HOP_BY_HOP)).isEqualTo(3);
    assertThat(f.size()).isEqualTo(3);
    assertThat(f.name(0)).isEqualTo("Host");
    assertThat(f.name(1)).isEqualTo("X-A");
    assertThat(f.name(2)).isEqualTo("Content-Length");
    assertThat(f.contains("connection")).isFalse();
    assertThat(f.contains("te")).isFalse();
    f.add("te", "x");
    assertThat(f.get("TE")).isEqualTo("x");
    assertThat(HeaderFields.isHopByHop("keep-alive")).isTrue();
    assertThat(HeaderFields.isHopByHop("Content-Length")).isFalse();
  }
}
