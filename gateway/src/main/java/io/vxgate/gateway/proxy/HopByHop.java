package io.vxgate.gateway.proxy;

import io.vertx.core.MultiMap;
import io.vertx.core.http.HttpHeaders;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/** Hop-by-hop headers (RFC 9110 section 7.6.1) that a proxy must not forward. */
final class HopByHop {
  private HopByHop() {}

  private static final CharSequence[] ALWAYS = {
    HttpHeaders.CONNECTION,
    HttpHeaders.KEEP_ALIVE,
    "proxy-connection",
    "te",
    "trailer",
    HttpHeaders.TRANSFER_ENCODING,
    HttpHeaders.UPGRADE,
    HttpHeaders.EXPECT,
  };

  /** Removes hop-by-hop headers, including those named by the Connection header. */
  static void strip(MultiMap headers) {
    String connection = headers.get(HttpHeaders.CONNECTION);
    if (connection != null) {
      List<String> named = new ArrayList<>(2);
      for (String token : connection.split(",")) {
        String t = token.trim().toLowerCase(Locale.ROOT);
        if (!t.isEmpty()) {
          named.add(t);
        }
      }
      for (String n : named) {
        headers.remove(n);
      }
    }
    for (CharSequence h : ALWAYS) {
      headers.remove(h);
    }
  }
}
