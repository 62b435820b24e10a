package io.vxgate.gateway.proxy;

import io.netty.handler.codec.http.HttpHeaderNames;
import io.netty.handler.codec.http.HttpHeaders;
import io.netty.util.AsciiString;

/** Hop-by-hop headers (RFC 9110 section 7.6.1) that a proxy must not forward. */
final class HopByHop {
  private HopByHop() {}

  private static final CharSequence[] ALWAYS = {
    HttpHeaderNames.CONNECTION,
    AsciiString.cached("keep-alive"),
    AsciiString.cached("proxy-connection"),
    HttpHeaderNames.TE,
    HttpHeaderNames.TRAILER,
    HttpHeaderNames.TRANSFER_ENCODING,
    HttpHeaderNames.UPGRADE,
    HttpHeaderNames.EXPECT,
  };

  /** Removes hop-by-hop headers, including those named by the Connection header. */
  static void strip(HttpHeaders headers) {
    String connection = headers.get(HttpHeaderNames.CONNECTION);
    if (connection != null) {
      int start = 0;
      int n = connection.length();
      while (start < n) {
        int comma = connection.indexOf(',', start);
        int end = comma < 0 ? n : comma;
        String token = connection.substring(start, end).trim();
        if (!token.isEmpty()) {
          headers.remove(token);
        }
        start = end + 1;
      }
    }
    for (CharSequence h : ALWAYS) {
      headers.remove(h);
    }
  }
}
