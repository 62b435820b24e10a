package io.vxgate.admin.importer;

import java.math.BigInteger;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** CIDR arithmetic for source rules: parsing, intersection and complement. */
final class Cidrs {
  private Cidrs() {}

  /** A network: its first address as a number, its prefix length and its family's bits. */
  record Net(BigInteger base, int prefix, int bits) {
    boolean contains(Net o) {
      return bits == o.bits && prefix <= o.prefix && mask(o.base, prefix, bits).equals(base);
    }

    @Override
    public String toString() {
      byte[] raw = base.toByteArray();
      byte[] b = new byte[bits / 8];
      int n = Math.min(raw.length, b.length);
      System.arraycopy(raw, raw.length - n, b, b.length - n, n);
      try {
        String a = InetAddress.getByAddress(b).getHostAddress();
        if (bits == 128) {
          a = compress(a);
        }
        return prefix == bits ? a : a + "/" + prefix;
      } catch (UnknownHostException e) {
        throw new IllegalStateException(e);
      }
    }
  }

  /** Parses {@code ADDRESS[/N]} (IPv4 or IPv6 literal); null when it is not one. */
  static @Nullable Net parse(String s) {
    String t = s.trim();
    int slash = t.indexOf('/');
    String addr = slash < 0 ? t : t.substring(0, slash);
    if (!addr.matches("[0-9.]+|[0-9a-fA-F:.]*:[0-9a-fA-F:.]*")) {
      return null;
    }
    try {
      byte[] b = InetAddress.getByName(addr).getAddress();
      int bits = b.length * 8;
      int prefix = slash < 0 ? bits : Integer.parseInt(t.substring(slash + 1));
      if (prefix < 0 || prefix > bits) {
        return null;
      }
      return new Net(mask(new BigInteger(1, b), prefix, bits), prefix, bits);
    } catch (UnknownHostException | NumberFormatException e) {
      return null;
    }
  }

  private static BigInteger mask(BigInteger v, int prefix, int bits) {
    BigInteger all = BigInteger.ONE.shiftLeft(bits).subtract(BigInteger.ONE);
    BigInteger host = BigInteger.ONE.shiftLeft(bits - prefix).subtract(BigInteger.ONE);
    return v.and(all.xor(host));
  }

  /** The networks in both lists (each side a union of networks). */
  static List<String> intersect(List<String> a, List<String> b) {
    List<String> out = new ArrayList<>();
    for (String x : a) {
      Net nx = parse(x);
      for (String y : b) {
        Net ny = parse(y);
        if (nx == null || ny == null) {
          continue;
        }
        if (nx.contains(ny)) {
          out.add(ny.toString());
        } else if (ny.contains(nx)) {
          out.add(nx.toString());
        }
      }
    }
    return out.stream().distinct().toList();
  }

  /** Every address of both families that is in none of the networks. */
  static List<String> complement(List<String> cidrs) {
    List<String> out = new ArrayList<>();
    for (int bits : new int[] {32, 128}) {
      List<Net> nets = new ArrayList<>();
      for (String c : cidrs) {
        Net n = parse(c);
        if (n != null && n.bits == bits) {
          nets.add(n);
        }
      }
      complement(new Net(BigInteger.ZERO, 0, bits), nets, out);
    }
    return out;
  }

  private static void complement(Net space, List<Net> excluded, List<String> out) {
    boolean overlaps = false;
    for (Net e : excluded) {
      if (e.contains(space)) {
        return;
      }
      overlaps |= space.contains(e);
    }
    if (!overlaps) {
      out.add(space.prefix == 0 ? (space.bits == 32 ? "0.0.0.0/0" : "::/0") : space.toString());
      return;
    }
    int p = space.prefix + 1;
    BigInteger half = BigInteger.ONE.shiftLeft(space.bits - p);
    complement(new Net(space.base, p, space.bits), excluded, out);
    complement(new Net(space.base.add(half), p, space.bits), excluded, out);
  }

  private static String compress(String v6) {
    // Java prints 0:0:0:0:0:0:0:1; write the usual short form
    String s = v6.replaceAll("(^|:)0+([0-9a-fA-F])", "$1$2");
    String best = null;
    for (String run = ":0:0:0:0:0:0:0:0:"; run.length() >= 5; run = run.substring(2)) {
      String padded = ":" + s + ":";
      int i = padded.indexOf(run);
      if (i >= 0) {
        best = padded.substring(0, i) + "::" + padded.substring(i + run.length());
        best = best.replaceAll("^:(?!:)", "").replaceAll("(?<!:):$", "");
        break;
      }
    }
    return best == null ? s : best;
  }
}
