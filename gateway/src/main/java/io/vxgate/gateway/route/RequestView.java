package io.vxgate.gateway.route;

import io.vertx.core.http.HttpMethod;
import java.net.InetAddress;
import org.jspecify.annotations.Nullable;

/**
 * The parts of a request that route matchers read. The proxy's {@code RequestInfo} adapts a request
 * head parsed by the gateway's own HTTP/1 codec (or an HTTP/2 stream's headers) to this view after
 * normalising the path and the authority, so matchers are testable without sockets.
 */
public interface RequestView {

  /** The normalised path (see {@link PathNormalizer}), without the query. */
  String path();

  /**
   * The host of the effective authority (Host header or absolute-form target), normalised: lower
   * case, without port and without a trailing dot ({@link io.vxgate.gateway.http1.Authority}); may
   * be empty.
   */
  String host();

  HttpMethod method();

  /** A request header value (case-insensitive name), or null. */
  @Nullable String header(String name);

  /** A decoded query parameter value, or null. */
  @Nullable String queryParam(String name);

  /**
   * The client address as seen by the gateway (or as vouched for by a trusted proxy); null when
   * unknown.
   */
  @Nullable InetAddress source();

  /** Whether the request asks for a WebSocket upgrade. */
  boolean websocket();
}
