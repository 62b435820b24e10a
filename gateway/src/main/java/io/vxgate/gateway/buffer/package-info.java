/**
 * Request and response bodies held by the gateway (docs/architecture.md#buffering): {@link
 * io.vxgate.gateway.buffer.BodyBuffer} keeps one body in memory and a temp file, {@link
 * io.vxgate.gateway.buffer.NodeBuffers} what all of a node's buffers share (memory budget, temp
 * directory, the executor that does every file operation off the event loops).
 */
@NullMarked
package io.vxgate.gateway.buffer;

import org.jspecify.annotations.NullMarked;
