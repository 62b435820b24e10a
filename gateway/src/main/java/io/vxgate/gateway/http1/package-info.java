/**
 * The gateway's own HTTP/1 codec, strict per RFC 9112: message heads ({@link
 * io.vxgate.gateway.http1.HeadParser}), body framing ({@link
 * io.vxgate.gateway.http1.RequestFraming}) and decoding ({@link
 * io.vxgate.gateway.http1.BodyDecoder}).
 */
@NullMarked
package io.vxgate.gateway.http1;

import org.jspecify.annotations.NullMarked;
