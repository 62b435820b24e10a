package io.vxgate.gateway.proxy;

import io.vxgate.gateway.http1.HeaderFields;

/** Hop-by-hop header fields (RFC 9110 section 7.6.1) that a proxy must not forward. */
final class HopByHop {
  private HopByHop() {}

  private static final String[] ALWAYS = {
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Expect",
  };

  /** Removes hop-by-hop fields, including those named by the Connection field. */
  static void strip(HeaderFields fields) {
    String connection = fields.get("Connection");
    if (connection != null) {
      int start = 0;
      int n = connection.length();
      while (start < n) {
        int comma = connection.indexOf(',', start);
        int end = comma < 0 ? n : comma;
        String token = connection.substring(start, end).trim();
        if (!token.isEmpty()) {
          fields.remove(token);
        }
        start = end + 1;
      }
    }
    for (String h : ALWAYS) {
      fields.remove(h);
    }
  }
}
