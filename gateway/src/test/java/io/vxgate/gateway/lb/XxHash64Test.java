package io.vxgate.gateway.lb;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class XxHash64Test {

  @Test
  void matchesTheReferenceImplementationOverUtf16le() {
    // XXH64(s.getBytes(UTF_16LE), seed 0) from libxxhash 0.8.1; the lengths cover every tail path
    assertThat(XxHash64.hash("")).isEqualTo(0xef46db3751d8e999L);
    assertThat(XxHash64.hash("a")).isEqualTo(0xe513e02c99167f96L);
    assertThat(XxHash64.hash("abc")).isEqualTo(0xaff0f2a2f8b32731L);
    assertThat(XxHash64.hash("abcd")).isEqualTo(0xad9338b32cda24c1L);
    assertThat(XxHash64.hash("abcdefg")).isEqualTo(0xb9e5459c8f6ddf61L);
    assertThat(XxHash64.hash("api1#0")).isEqualTo(0xf0dedd01a768711eL);
    assertThat(XxHash64.hash("10.0.0.1")).isEqualTo(0xe453ad4b154fe397L);
    assertThat(XxHash64.hash("/api/users/42?x=1")).isEqualTo(0x3dbb3afd3a551d03L);
    assertThat(XxHash64.hash("héllo wörld, the quick brown fox jumps over the lazy dog ☃"))
        .isEqualTo(0x58a01de26f36229bL);
  }

  @Test
  void hashesAnyCharSequenceByItsChars() {
    assertThat(XxHash64.hash(new StringBuilder("/api/users/").append(42).append("?x=1")))
        .isEqualTo(XxHash64.hash("/api/users/42?x=1"));
  }
}
