package io.vxgate.gateway.proxy;

import io.netty.handler.codec.http.QueryStringDecoder;
import io.vertx.core.http.HttpMethod;
import io.vxgate.gateway.http1.Authority;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.limit.LimitRequest;
import io.vxgate.gateway.route.RequestView;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * What routing and balancing read of one request: its normalised path, effective authority and
 * client address. The source address is the client as nginx's realip module sees it: the TCP peer,
 * or, when the peer is a trusted proxy, the right-most untrusted address of X-Forwarded-For.
 * Everything is computed on first use. Confined to the request's event loop.
 */
final class RequestInfo implements RequestView, LimitRequest {
  private final RequestHead req;
  private final String path;
  private final ForwardedHeaders forwarded;
  private final @Nullable Authority authority;
  private final @Nullable InetSocketAddress remote;
  // Each computed when first asked for (null: not yet).
  private @Nullable String authorityText;
  private @Nullable HttpMethod method;
  private boolean peerChecked;
  private boolean peerTrusted;
  private @Nullable String clientIp;
  private @Nullable InetAddress source;
  private final String peer;
  private @Nullable Map<String, List<String>> params;

  /**
   * @param authority the request's effective authority, normalised: that of an absolute-form
   *     request target, else the Host header (RFC 9112 section 3.2.2); null: none
   * @param remote the TCP peer (null: unknown)
   * @param peer the TCP peer's address as text (empty when unknown)
   */
  RequestInfo(
      RequestHead req,
      String path,
      ForwardedHeaders forwarded,
      @Nullable Authority authority,
      @Nullable InetSocketAddress remote,
      String peer) {
    this.req = req;
    this.path = path;
    this.forwarded = forwarded;
    this.authority = authority;
    this.remote = remote;
    this.peer = peer;
  }

  /** The request as read (its fields are the client's until the exchange rewrites them). */
  RequestHead request() {
    return req;
  }

  /** The effective authority (see the constructor), or null (HTTP/1.0 without Host). */
  @Nullable Authority authority() {
    return authority;
  }

  /** {@link #authority()} as {@code host[:port]}, or null. */
  @Nullable String authorityText() {
    if (authorityText == null && authority != null) {
      authorityText = authority.toString();
    }
    return authorityText;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String host() {
    return authority == null ? "" : authority.host();
  }

  @Override
  public HttpMethod method() {
    if (method == null) {
      method = HttpMethod.valueOf(req.method());
    }
    return method;
  }

  @Override
  public @Nullable String header(String name) {
    return req.fields().get(name);
  }

  @Override
  public @Nullable String queryParam(String name) {
    if (params == null) {
      params = new QueryStringDecoder(req.target()).parameters();
    }
    List<String> v = params.get(name);
    return v == null || v.isEmpty() ? null : v.get(0);
  }

  @Override
  public @Nullable InetAddress source() {
    if (source == null) {
      String ip = clientIp();
      source = ip.equals(peer()) ? peerAddress() : Addresses.parseLiteral(ip);
    }
    return source;
  }

  /** The TCP peer's address (the client, or the proxy in front of it); null when unknown. */
  @Nullable InetAddress peerAddress() {
    return remote == null ? null : remote.getAddress();
  }

  /** Whether the TCP peer is a trusted proxy (may set X-Forwarded-*). */
  boolean peerTrusted() {
    if (!peerChecked) {
      peerChecked = true;
      peerTrusted = forwarded.trusts(peerAddress());
    }
    return peerTrusted;
  }

  /** The client address as text: see the class comment. */
  @Override
  public String clientIp() {
    if (clientIp == null) {
      clientIp = forwarded.realIp(req.fields().get("X-Forwarded-For"), peer(), peerTrusted());
    }
    return clientIp;
  }

  @Override
  public boolean websocket() {
    String upgrade = req.fields().get("Upgrade");
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /** The peer's address text. */
  String peer() {
    return peer;
  }

  @Override
  public @Nullable InetAddress clientAddress() {
    return source();
  }

  @Override
  public @Nullable String cookie(String name) {
    return Cookies.value(req.fields(), name);
  }
}
