package io.vxgate.gateway.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vertx.core.net.HostAndPort;
import io.vxgate.gateway.route.RequestView;
import java.net.InetAddress;
import java.util.Locale;

/**
 * Adapts a Vert.x request (with its normalised path) to what route matchers read. The source
 * address is the client as nginx's realip module sees it: the TCP peer, or, when the peer is a
 * trusted proxy, the right-most untrusted address of X-Forwarded-For.
 */
final class VertxRequestView implements RequestView {
  private final HttpServerRequest req;
  private final String path;
  private final ForwardedHeaders forwarded;
  private final HostAndPort authority;
  private String host;
  private InetAddress peerAddress;
  private boolean peerTrusted;
  private String clientIp;
  private InetAddress source;
  private String peer;

  /**
   * @param authority nullable; the request's effective authority: that of an absolute-form
   *     request target, else the Host header (RFC 9112 section 3.2.2)
   */
  VertxRequestView(
      HttpServerRequest req, String path, ForwardedHeaders forwarded, HostAndPort authority) {
    this.req = req;
    this.path = path;
    this.forwarded = forwarded;
    this.authority = authority;
  }

  /** The effective authority (see the constructor), or null (HTTP/1.0 without Host). */
  HostAndPort authority() {
    return authority;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String host() {
    if (host == null) {
      host = authority == null ? "" : authority.host().toLowerCase(Locale.ROOT);
    }
    return host;
  }

  @Override
  public HttpMethod method() {
    return req.method();
  }

  @Override
  public String header(String name) {
    return req.getHeader(name);
  }

  @Override
  public String queryParam(String name) {
    return req.getParam(name);
  }

  @Override
  public InetAddress source() {
    if (source == null) {
      String ip = clientIp();
      source = ip.equals(peer()) ? peerAddress() : Addresses.parseLiteral(ip);
    }
    return source;
  }

  /** The TCP peer's address (the client, or the proxy in front of it). */
  InetAddress peerAddress() {
    if (peerAddress == null && req.remoteAddress() != null) {
      var a = req.remoteAddress();
      // Vert.x keeps the peer's InetAddress: no text round trip per request
      peerAddress =
          a instanceof io.vertx.core.net.impl.SocketAddressImpl impl && impl.ipAddress() != null
              ? impl.ipAddress()
              : Addresses.parseLiteral(a.hostAddress());
      peerTrusted = forwarded.trusts(peerAddress);
    }
    return peerAddress;
  }

  /** Whether the TCP peer is a trusted proxy (may set X-Forwarded-*). */
  boolean peerTrusted() {
    peerAddress();
    return peerTrusted;
  }

  /** The client address as text: see the class comment. */
  String clientIp() {
    if (clientIp == null) {
      clientIp = forwarded.realIp(req.getHeader("X-Forwarded-For"), peer(), peerTrusted());
    }
    return clientIp;
  }

  @Override
  public boolean websocket() {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /** The peer's address text. */
  String peer() {
    if (peer == null) {
      var a = req.remoteAddress();
      peer = a == null ? "" : a.hostAddress();
    }
    return peer;
  }
}
