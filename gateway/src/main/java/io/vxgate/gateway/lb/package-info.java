/**
 * Load balancing: one {@link io.vxgate.gateway.lb.Balancer} per {@code balance:} value, reading
 * live server state through {@link io.vxgate.gateway.lb.Endpoint}.
 */
@NullMarked
package io.vxgate.gateway.lb;

import org.jspecify.annotations.NullMarked;
