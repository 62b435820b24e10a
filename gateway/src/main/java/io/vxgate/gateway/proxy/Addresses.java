package io.vxgate.gateway.proxy;

import java.net.InetAddress;
import java.net.UnknownHostException;
import org.jspecify.annotations.Nullable;

/** IP literal parsing that never triggers a DNS lookup. */
public final class Addresses {
  private Addresses() {}

  /** Parses an IPv4 or IPv6 literal (brackets allowed), or returns null; never resolves names. */
  public static @Nullable InetAddress parseLiteral(String s) {
    if (s == null || s.isEmpty()) {
      return null;
    }
    String t = s;
    if (t.startsWith("[") && t.endsWith("]")) {
      t = t.substring(1, t.length() - 1);
    }
    boolean v6 = t.indexOf(':') >= 0;
    for (int i = 0; i < t.length(); i++) {
      char c = t.charAt(i);
      boolean ok =
          (c >= '0' && c <= '9')
              || c == '.'
              || (v6 && (c == ':' || (c >= 'a' && c <= 'f') || (c >= 'A' && c <= 'F') || c == '%'));
      if (!ok) {
        return null;
      }
    }
    if (!v6 && t.chars().filter(c -> c == '.').count() != 3) {
      return null;
    }
    try {
      return InetAddress.getByName(t);
    } catch (UnknownHostException e) {
      return null;
    }
  }
}
