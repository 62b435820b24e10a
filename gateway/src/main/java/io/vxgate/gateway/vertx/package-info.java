/**
 * The gateway's adapter to Vert.x internals ({@link io.vxgate.gateway.vertx.VertxNetty}): the one
 * place a Vert.x upgrade can break.
 */
@NullMarked
package io.vxgate.gateway.vertx;

import org.jspecify.annotations.NullMarked;
