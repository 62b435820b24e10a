/**
 * The cluster side of a node (docs/cluster.md): the {@link io.vxgate.cluster.ConfigStore}, {@link
 * io.vxgate.cluster.HealthBoard} and {@link io.vxgate.cluster.Membership} ports with their local
 * and Hazelcast implementations, {@link io.vxgate.cluster.ClusterBootstrap}, and what a node shows
 * its extensions ({@link io.vxgate.cluster.NodeContext}).
 */
@NullMarked
package io.vxgate.cluster;

import org.jspecify.annotations.NullMarked;
