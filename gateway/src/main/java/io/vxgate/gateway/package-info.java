/**
 * The gateway process: {@link Main} ({@code bin/vxgate}) starts a node or checks a config file,
 * {@link GatewayNode} is one node's data plane (its listeners and the live config), and {@link
 * Signals} handles the reload and log-reopen signals (docs/operations.md).
 */
@NullMarked
package io.vxgate.gateway;

import org.jspecify.annotations.NullMarked;
