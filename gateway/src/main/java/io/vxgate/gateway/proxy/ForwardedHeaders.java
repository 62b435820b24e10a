package io.vxgate.gateway.proxy;

import io.vxgate.config.Cidr;
import java.net.InetAddress;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * X-Forwarded-For / X-Real-IP / X-Forwarded-Proto / X-Forwarded-Host, trusting incoming values only
 * from {@code trusted-proxies} (nginx's {@code real_ip_recursive on} semantics).
 *
 * <p>From an untrusted peer, incoming values are discarded: X-Forwarded-For becomes the peer
 * address. From a trusted peer, the peer is appended to the incoming chain, and the client
 * (X-Real-IP) is the right-most address of the chain that is not itself a trusted proxy.
 */
public final class ForwardedHeaders {
  private final Cidr[] trusted;

  public ForwardedHeaders(List<Cidr> trusted) {
    this.trusted = trusted.toArray(new Cidr[0]);
  }

  /** Whether the immediate peer may set forwarding headers. */
  public boolean trusts(@Nullable InetAddress peer) {
    if (peer == null || trusted.length == 0) {
      return false;
    }
    byte[] b = peer.getAddress();
    for (Cidr c : trusted) {
      if (c.contains(b)) {
        return true;
      }
    }
    return false;
  }

  /** The X-Forwarded-For value to send upstream. */
  public String forwardedFor(@Nullable String incoming, String peer, boolean peerTrusted) {
    if (!peerTrusted || incoming == null || incoming.isBlank()) {
      return peer;
    }
    return incoming + ", " + peer;
  }

  /**
   * The client address: the peer, or, behind trusted proxies, the right-most untrusted address of
   * the incoming X-Forwarded-For chain (an unparsable entry stops the walk and is not believed).
   */
  // String.split drops trailing empty elements, as an HTTP list may end with one (RFC 9110 5.6.1)
  @SuppressWarnings("StringSplitter")
  public String realIp(@Nullable String incoming, String peer, boolean peerTrusted) {
    if (!peerTrusted || incoming == null || incoming.isBlank()) {
      return peer;
    }
    String[] hops = incoming.split(",");
    String candidate = peer;
    for (int i = hops.length - 1; i >= 0; i--) {
      String hop = hops[i].trim();
      InetAddress a = Addresses.parseLiteral(hop);
      if (a == null) {
        return candidate;
      }
      candidate = hop;
      if (!trusts(a)) {
        return hop;
      }
    }
    return candidate;
  }
}
