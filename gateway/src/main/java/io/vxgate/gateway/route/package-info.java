/**
 * Routing: the ordered routes of a config version compiled into {@link
 * io.vxgate.gateway.route.Router}, one {@link io.vxgate.gateway.route.Matcher} per match key.
 */
@NullMarked
package io.vxgate.gateway.route;

import org.jspecify.annotations.NullMarked;
