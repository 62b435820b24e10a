/**
 * Rate and concurrency limits (docs/architecture.md, "Limits"; docs/cluster.md, "Limits"): nginx's
 * {@code limit_req} leaky bucket per key ({@link io.vxgate.gateway.limit.LeakyBucket}, {@link
 * io.vxgate.gateway.limit.RateTable}), a cap on requests in flight per key, the policies of a node
 * ({@link io.vxgate.gateway.limit.Limits}) and of a route ({@link
 * io.vxgate.gateway.limit.RouteLimits}), and the periodic exchange of counts that makes a limit
 * hold for the cluster as a whole ({@link io.vxgate.gateway.limit.LimitSync}). The request path
 * never calls the cluster: it reads and updates this node's tables only.
 */
@NullMarked
package io.vxgate.gateway.limit;

import org.jspecify.annotations.NullMarked;
