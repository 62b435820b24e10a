/**
 * A gateway node with its cluster side ({@link ClusteredNode}) and what a reload of its config file
 * changes (docs/operations.md, "Reloading"): the cluster-wide sections it puts to the cluster and
 * the node-local ones it applies in place or at the next start.
 */
@NullMarked
package io.vxgate.gateway.node;

import org.jspecify.annotations.NullMarked;
