package io.vxgate.gateway.proxy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.Cidr;
import java.util.List;
import org.junit.jupiter.api.Test;

class ForwardedHeadersTest {
  private final ForwardedHeaders fwd =
      new ForwardedHeaders(List.of(Cidr.parse("10.0.0.0/8"), Cidr.parse("::1/128")));

  @Test
  void untrustedPeersCannotSetTheChain() {
    assertThat(fwd.trusts(Addresses.parseLiteral("192.0.2.7"))).isFalse();
    assertThat(fwd.forwardedFor("6.6.6.6", "192.0.2.7", false)).isEqualTo("192.0.2.7");
    assertThat(fwd.realIp("6.6.6.6", "192.0.2.7", false)).isEqualTo("192.0.2.7");
  }

  @Test
  void trustedPeersAppendAndTheRealIpIsTheRightmostUntrusted() {
    assertThat(fwd.trusts(Addresses.parseLiteral("10.1.1.1"))).isTrue();
    assertThat(fwd.forwardedFor("203.0.113.5, 10.2.2.2", "10.1.1.1", true))
        .isEqualTo("203.0.113.5, 10.2.2.2, 10.1.1.1");
    assertThat(fwd.realIp("6.6.6.6, 203.0.113.5, 10.2.2.2", "10.1.1.1", true))
        .isEqualTo("203.0.113.5");
  }

  @Test
  void garbageInTheChainIsNotBelieved() {
    assertThat(fwd.realIp("evil, 10.2.2.2", "10.1.1.1", true)).isEqualTo("10.2.2.2");
    assertThat(fwd.realIp("", "10.1.1.1", true)).isEqualTo("10.1.1.1");
    assertThat(fwd.realIp(null, "10.1.1.1", true)).isEqualTo("10.1.1.1");
  }

  @Test
  void ipv6PeersWork() {
    assertThat(fwd.trusts(Addresses.parseLiteral("::1"))).isTrue();
    assertThat(fwd.realIp("2001:db8::1", "::1", true)).isEqualTo("2001:db8::1");
  }

  @Test
  void literalParsingNeverResolvesNames() {
    assertThat(Addresses.parseLiteral("localhost")).isNull();
    assertThat(Addresses.parseLiteral("example.com")).isNull();
    assertThat(Addresses.parseLiteral("1.2.3")).isNull();
    assertThat(Addresses.parseLiteral("[::1]")).isNotNull();
  }
}
