package io.vxgate.config;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

class CidrTest {
  private static InetAddress ip(String s) {
    try {
      return InetAddress.getByName(s);
    } catch (UnknownHostException e) {
      throw new AssertionError(e);
    }
  }

  @Test
  void ipv4Network() {
    Cidr c = Cidr.parse("10.0.0.0/8");
    assertThat(c.contains(ip("10.0.0.1"))).isTrue();
    assertThat(c.contains(ip("10.255.255.255"))).isTrue();
    assertThat(c.contains(ip("11.0.0.0"))).isFalse();
    assertThat(c.contains(ip("9.255.255.255"))).isFalse();
    assertThat(c.contains(ip("::1"))).isFalse();
    assertThat(c.ipv6()).isFalse();
    assertThat(c.prefixLength()).isEqualTo(8);
  }

  @Test
  void nonOctetPrefix() {
    Cidr c = Cidr.parse("192.168.4.0/22");
    assertThat(c.contains(ip("192.168.7.255"))).isTrue();
    assertThat(c.contains(ip("192.168.8.0"))).isFalse();
    assertThat(c.contains(ip("192.168.3.255"))).isFalse();
  }

  @Test
  void slash32AndBareAddress() {
    Cidr c = Cidr.parse("127.0.0.1/32");
    assertThat(c).isEqualTo(Cidr.parse("127.0.0.1"));
    assertThat(c.contains(ip("127.0.0.1"))).isTrue();
    assertThat(c.contains(ip("127.0.0.2"))).isFalse();
    assertThat(c.toString()).isEqualTo("127.0.0.1/32");
  }

  @Test
  void slash0MatchesEverythingOfItsFamily() {
    Cidr v4 = Cidr.parse("0.0.0.0/0");
    assertThat(v4.contains(ip("1.2.3.4"))).isTrue();
    assertThat(v4.contains(ip("255.255.255.255"))).isTrue();
    assertThat(v4.contains(ip("2001:db8::1"))).isFalse();
    Cidr v6 = Cidr.parse("::/0");
    assertThat(v6.contains(ip("2001:db8::1"))).isTrue();
    assertThat(v6.contains(ip("1.2.3.4"))).isFalse();
  }

  @Test
  void ipv6Network() {
    Cidr c = Cidr.parse("2001:db8::/32");
    assertThat(c.ipv6()).isTrue();
    assertThat(c.contains(ip("2001:db8:ffff::1"))).isTrue();
    assertThat(c.contains(ip("2001:db9::1"))).isFalse();
    assertThat(Cidr.parse("::1").contains(ip("::1"))).isTrue();
    assertThat(Cidr.parse("::1").contains(ip("::2"))).isFalse();
    assertThat(Cidr.parse("fe80::/10").contains(ip("febf::1"))).isTrue();
    assertThat(Cidr.parse("fe80::/10").contains(ip("fec0::1"))).isFalse();
  }

  @Test
  void ipv4NetworkContainsIpv4MappedIpv6() {
    byte[] mapped = new byte[16];
    mapped[10] = (byte) 0xff;
    mapped[11] = (byte) 0xff;
    mapped[12] = 10;
    mapped[15] = 7;
    assertThat(Cidr.parse("10.0.0.0/8").contains(mapped)).isTrue();
    assertThat(Cidr.parse("11.0.0.0/8").contains(mapped)).isFalse();
    assertThat(Cidr.parse("::ffff:10.0.0.0/104").contains(mapped)).isTrue();
  }

  @Test
  void hostBitsAreCleared() {
    Cidr c = Cidr.parse("10.1.2.3/8");
    assertThat(c).isEqualTo(Cidr.parse("10.0.0.0/8"));
    assertThat(c.toString()).isEqualTo("10.0.0.0/8");
    assertThat(c.networkAddress()).containsExactly(10, 0, 0, 0);
  }

  @Test
  void rawBytesAndNulls() {
    Cidr c = Cidr.parse("172.16.0.0/12");
    assertThat(c.contains(new byte[] {(byte) 172, 31, 0, 1})).isTrue();
    assertThat(c.contains(new byte[] {(byte) 172, 32, 0, 1})).isFalse();
    assertThat(c.contains((byte[]) null)).isFalse();
    assertThat(c.contains((InetAddress) null)).isFalse();
    assertThat(c.contains(new byte[3])).isFalse();
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "", "10.0.0.0/33", "10.0.0.0/", "10.0.0.0/-1", "10.0.0.0/8/8", "256.0.0.1", "1.2.3",
        "1.2.3.4.5", "01234.1.1.1", "::1/129", "2001:db8::g", "1:2:3", "localhost", "example.com",
        "fe80::1%eth0", "10.0.0.0/ 8", ".:1", " "
      })
  void rejects(String text) {
    assertThat(Cidr.tryParse(text)).isNull();
    assertThatThrownBy(() -> Cidr.parse(text)).isInstanceOf(IllegalArgumentException.class);
  }
}
