package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashSet;
import java.util.Set;
import org.junit.jupiter.api.Test;

class RequestIdsTest {
  @Test
  void wellFormedIdsPassThrough() {
    assertThat(RequestIds.resolve("abc-123_x.y:z")).isEqualTo("abc-123_x.y:z");
  }

  @Test
  void malformedOrMissingIdsAreReplaced() {
    for (String bad : new String[] {null, "", "has space", "a\r\nX-Injected: 1", "x".repeat(129)}) {
      assertThat(RequestIds.resolve(bad)).matches("[0-9a-f]{32}");
    }
  }

  @Test
  void generatedIdsAreUnique() {
    Set<String> ids = new HashSet<>();
    for (int i = 0; i < 10_000; i++) {
      ids.add(RequestIds.generate());
    }
    assertThat(ids).hasSize(10_000);
  }
}
