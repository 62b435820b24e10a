/**
 * Country lookups for the {@code country} route match, in a MaxMind DB ({@link
 * io.vxgate.gateway.geoip.GeoIp}).
 */
@NullMarked
package io.vxgate.gateway.geoip;

import org.jspecify.annotations.NullMarked;
