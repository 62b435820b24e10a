/**
 * The access log and span export (docs/operations.md, "Access logs"): the event loops fill one
 * {@link AccessRecord} per request and hand it to {@link AccessLog}, whose writer thread formats it
 * ({@link LineFormat}) and writes it to its sinks.
 */
@NullMarked
package io.vxgate.gateway.accesslog;

import org.jspecify.annotations.NullMarked;
