/** W3C Trace Context on the request path ({@link io.vxgate.gateway.trace.TraceContext}). */
@NullMarked
package io.vxgate.gateway.trace;

import org.jspecify.annotations.NullMarked;
