/**
 * Server health: passive outlier detection fed by the proxy ({@link
 * io.vxgate.gateway.health.PassiveHealth}, nginx {@code max_fails}/{@code fail_timeout}), active
 * checks ({@link io.vxgate.gateway.health.HealthChecker} driving an {@link
 * io.vxgate.gateway.health.ActiveHealth}, HAProxy {@code rise}/{@code fall}) and the slow-start
 * weight ramp ({@link io.vxgate.gateway.health.SlowStart}).
 *
 * <p>The state machines read time only through an injected {@link io.vxgate.util.Ticker}; their
 * read side is a single volatile read so the request path never locks.
 */
@NullMarked
package io.vxgate.gateway.health;

import org.jspecify.annotations.NullMarked;
