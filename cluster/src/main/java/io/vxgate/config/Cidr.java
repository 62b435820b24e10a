package io.vxgate.config;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * An IPv4 or IPv6 network in CIDR notation ({@code 10.0.0.0/8}, {@code 2001:db8::/32}), or a single
 * address written without a prefix ({@code 127.0.0.1} is {@code 127.0.0.1/32}). Immutable and
 * thread-safe; {@link #contains(byte[])} allocates nothing, so it can run on the request path.
 *
 * <p>Host bits below the prefix are ignored ({@code 10.1.2.3/8} is {@code 10.0.0.0/8}). An IPv4
 * network also contains the IPv4-mapped IPv6 form of its addresses ({@code ::ffff:10.0.0.1}), which
 * is how a dual-stack listener sees IPv4 clients. Parsing never resolves host names.
 */
public final class Cidr {
  private final byte[] network;
  private final int prefix;

  private Cidr(byte[] network, int prefix) {
    this.network = network;
    this.prefix = prefix;
    int full = prefix / 8;
    int rem = prefix % 8;
    if (full < network.length) {
      network[full] &= (byte) (0xff << (8 - rem));
      Arrays.fill(network, full + 1, network.length, (byte) 0);
    }
  }

  /**
   * Parses {@code ADDRESS/PREFIX} or a bare {@code ADDRESS} (IPv4 dotted quad or IPv6 literal).
   *
   * @throws IllegalArgumentException when the text is not one
   */
  public static Cidr parse(String text) {
    Cidr c = tryParse(text);
    if (c == null) {
      throw new IllegalArgumentException("not an IPv4 or IPv6 address or CIDR: " + text);
    }
    return c;
  }

  /** Like {@link #parse} but returns null when the text is not an address or CIDR. */
  public static @Nullable Cidr tryParse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    int slash = s.indexOf('/');
    String addr = slash < 0 ? s : s.substring(0, slash);
    byte[] bytes = address(addr);
    if (bytes == null) {
      return null;
    }
    int max = bytes.length * 8;
    int prefix = max;
    if (slash >= 0) {
      String p = s.substring(slash + 1);
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        return null;
      }
      prefix = Integer.parseInt(p);
      if (prefix > max) {
        return null;
      }
    }
    return new Cidr(bytes, prefix);
  }

  /** The bytes of an IPv4 or IPv6 literal (4 or 16 bytes), or null. Never resolves names. */
  static byte @Nullable [] address(String s) {
    if (s.isEmpty()) {
      return null;
    }
    if (s.indexOf(':') < 0) {
      return ipv4(s);
    }
    if (s.charAt(0) != ':' && Character.digit(s.charAt(0), 16) < 0) {
      return null;
    }
    for (int i = 0; i < s.length(); i++) {
      char ch = s.charAt(i);
      boolean ok =
          (ch >= '0' && ch <= '9')
              || (ch >= 'a' && ch <= 'f')
              || (ch >= 'A' && ch <= 'F')
              || ch == ':'
              || ch == '.';
      if (!ok) {
        return null;
      }
    }
    try {
      // A string with ':' and only hex digits, ':' and '.' is parsed as a literal, never looked up.
      InetAddress a = InetAddress.getByName(s);
      byte[] b = a.getAddress();
      if (b.length == 4) {
        // an IPv4-mapped literal (::ffff:a.b.c.d); Java returns it as IPv4: keep the IPv6 form
        byte[] v6 = new byte[16];
        v6[10] = (byte) 0xff;
        v6[11] = (byte) 0xff;
        System.arraycopy(b, 0, v6, 12, 4);
        return v6;
      }
      return b;
    } catch (UnknownHostException e) {
      return null;
    }
  }

  private static byte @Nullable [] ipv4(String s) {
    String[] parts = s.split("\\.", -1);
    if (parts.length != 4) {
      return null;
    }
    byte[] b = new byte[4];
    for (int i = 0; i < 4; i++) {
      String p = parts[i];
      if (p.isEmpty() || p.length() > 3 || !p.chars().allMatch(ch -> ch >= '0' && ch <= '9')) {
        return null;
      }
      int v = Integer.parseInt(p);
      if (v > 255) {
        return null;
      }
      b[i] = (byte) v;
    }
    return b;
  }

  /** Whether the address is in this network; false for null. */
  public boolean contains(InetAddress address) {
    return address != null && contains(address.getAddress());
  }

  /**
   * Whether the raw address (4 bytes IPv4, 16 bytes IPv6, as from {@link InetAddress#getAddress()})
   * is in this network. Allocates nothing.
   */
  public boolean contains(byte[] address) {
    if (address == null) {
      return false;
    }
    int offset = 0;
    if (address.length != network.length) {
      if (network.length == 4 && address.length == 16 && isV4Mapped(address)) {
        offset = 12;
      } else {
        return false;
      }
    }
    int full = prefix / 8;
    for (int i = 0; i < full; i++) {
      if (address[offset + i] != network[i]) {
        return false;
      }
    }
    int rem = prefix % 8;
    if (rem == 0) {
      return true;
    }
    int mask = 0xff << (8 - rem);
    return ((address[offset + full] ^ network[full]) & mask) == 0;
  }

  private static boolean isV4Mapped(byte[] a) {
    for (int i = 0; i < 10; i++) {
      if (a[i] != 0) {
        return false;
      }
    }
    return a[10] == (byte) 0xff && a[11] == (byte) 0xff;
  }

  /** Whether this is an IPv6 network. */
  public boolean ipv6() {
    return network.length == 16;
  }

  /** The prefix length: 0..32 for IPv4, 0..128 for IPv6. */
  public int prefixLength() {
    return prefix;
  }

  /** The network address (host bits cleared), as a fresh array. */
  public byte[] networkAddress() {
    return network.clone();
  }

  boolean isLoopback() {
    return inetAddress().isLoopbackAddress();
  }

  boolean isAnyLocal() {
    return prefix == network.length * 8 && inetAddress().isAnyLocalAddress();
  }

  private InetAddress inetAddress() {
    try {
      return network.length == 4
          ? Inet4Address.getByAddress(network)
          : Inet6Address.getByAddress(null, network, null);
    } catch (UnknownHostException e) {
      throw new IllegalStateException(e);
    }
  }

  @Override
  public boolean equals(Object o) {
    return o instanceof Cidr c && c.prefix == prefix && Arrays.equals(c.network, network);
  }

  @Override
  public int hashCode() {
    return Arrays.hashCode(network) * 31 + prefix;
  }

  /** The canonical form, {@code 10.0.0.0/8} or {@code 2001:db8:0:0:0:0:0:0/32}. */
  @Override
  public String toString() {
    return inetAddress().getHostAddress() + "/" + prefix;
  }
}
