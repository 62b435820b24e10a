/**
 * The request path (docs/architecture.md, "A request's way through a node"): client connections
 * over HTTP/1.x ({@link Http1Front}), HTTP/2 ({@link Http2Front}) and WebSocket ({@link
 * WebSocketTunnel}), each request's way to an origin and back ({@link Exchange}), and the read-only
 * {@link ProxySnapshot} of one config version that they read.
 */
@NullMarked
package io.vxgate.gateway.proxy;

import org.jspecify.annotations.NullMarked;
