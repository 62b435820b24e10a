package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import org.jspecify.annotations.Nullable;

/** A {@code host:port} pair as written in the config ({@code 0.0.0.0:8080}, {@code [::1]:9001}). */
public record HostPort(String host, int port) {
  public HostPort {
    requireNonNull(host, "host");
  }

  /**
   * Parses {@code host:port}; IPv6 literals are written in brackets. Returns null when the text is
   * not of that form or the port is outside 0..65535.
   */
  public static @Nullable HostPort parse(String text) {
    if (text == null) {
      return null;
    }
    String s = text.trim();
    int colon = s.lastIndexOf(':');
    if (colon <= 0 || colon == s.length() - 1) {
      return null;
    }
    String host = s.substring(0, colon);
    if (host.startsWith("[") && host.endsWith("]")) {
      host = host.substring(1, host.length() - 1);
    } else if (host.indexOf(':') >= 0) {
      return null;
    }
    if (host.isEmpty()) {
      return null;
    }
    try {
      int port = Integer.parseInt(s.substring(colon + 1));
      return port < 0 || port > 65535 ? null : new HostPort(host, port);
    } catch (NumberFormatException e) {
      return null;
    }
  }

  /** Whether {@code host} is the IPv4 or IPv6 wildcard address (listen on every interface). */
  public static boolean wildcard(String host) {
    return host.equals("0.0.0.0") || host.equals("::") || host.equals("0:0:0:0:0:0:0:0");
  }

  @Override
  public String toString() {
    return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + port;
  }
}
