/**
 * The admin side of a node (docs/admin.md): signed admin commands on the event bus ({@link
 * io.vxgate.admin.AdminCommands}), the admin HTTP API and dashboard ({@link
 * io.vxgate.admin.AdminHttp}), metrics and health endpoints; plugged into the node as a {@link
 * io.vxgate.cluster.NodeExtension}.
 */
@NullMarked
package io.vxgate.admin;

import org.jspecify.annotations.NullMarked;
