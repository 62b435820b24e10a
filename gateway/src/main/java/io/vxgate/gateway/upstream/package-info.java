/**
 * The upstreams of one config version on this node (docs/architecture.md, "A request's way through
 * a node"): each server's live state ({@link ServerState}, kept across config versions by {@link
 * HealthRegistry}), the choice of a server ({@link UpstreamSelector}) and the keep-alive
 * connections to the origins ({@link UpstreamPool}, {@link OriginConnection}).
 */
@NullMarked
package io.vxgate.gateway.upstream;

import org.jspecify.annotations.NullMarked;
