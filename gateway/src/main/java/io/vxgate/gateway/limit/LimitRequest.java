package io.vxgate.gateway.limit;

import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/** What a policy's key and exemptions read of a request (the proxy's view of it). */
public interface LimitRequest {

  /** The client's address as text: the peer, or behind trusted proxies the X-Forwarded-For one. */
  String clientIp();

  /** {@link #clientIp()} as an address; null when it is not one. */
  @Nullable InetAddress clientAddress();

  /** The first value of a request header, or null. */
  @Nullable String header(String name);

  /** The value of a cookie of the request, or null. */
  @Nullable String cookie(String name);
}
