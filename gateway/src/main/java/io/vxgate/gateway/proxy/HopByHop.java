package io.vxgate.gateway.proxy;

import io.vxgate.gateway.http1.HeaderFields;
import java.util.List;

/** Hop-by-hop header fields (RFC 9110 section 7.6.1) that a proxy must not forward. */
final class HopByHop {
  private HopByHop() {}

  /** Whether {@code name} is always hop-by-hop. */
  static boolean always(String name) {
    return HeaderFields.isHopByHop(name);
  }

  /**
   * Fields a Connection field may not remove: the message's framing and its Host are the gateway's
   * to decide (RFC 9110 section 7.6.1 leaves no room for hop-by-hop framing).
   */
  static boolean protectedField(String name) {
    return name.equalsIgnoreCase("Content-Length") || name.equalsIgnoreCase("Host");
  }

  /** Removes hop-by-hop fields, including those named by the Connection field, in one pass. */
  static void strip(HeaderFields fields) {
    // Connection is a list: its lines together name the fields to remove (RFC 9110 section 7.6.1).
    // A copy of the lines (removing fields moves the others), walked by index: no iterator.
    List<String> lines = fields.getAll("Connection");
    for (int i = 0; i < lines.size(); i++) {
      String connection = lines.get(i);
      int start = 0;
      int n = connection.length();
      while (start < n) {
        int comma = connection.indexOf(',', start);
        int end = comma < 0 ? n : comma;
        String token = connection.substring(start, end).trim();
        if (!token.isEmpty()
            && !token.equalsIgnoreCase("close")
            && !token.equalsIgnoreCase("keep-alive")
            && !always(token)
            && !protectedField(token)) {
          fields.remove(token);
        }
        start = end + 1;
      }
    }
    fields.removeKnown(HeaderFields.HOP_BY_HOP);
  }
}
