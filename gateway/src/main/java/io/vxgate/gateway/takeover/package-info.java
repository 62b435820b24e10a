/**
 * Seamless upgrade (docs/operations.md, "Upgrading without downtime"): a new process started with
 * {@code --takeover} takes the listening sockets of the running node with the same node id over a
 * local Unix socket, by passing their file descriptors ({@link TakeoverServer} in the running node,
 * {@link TakeoverClient} in the new one). Linux with the epoll transport only.
 */
@NullMarked
package io.vxgate.gateway.takeover;

import org.jspecify.annotations.NullMarked;
