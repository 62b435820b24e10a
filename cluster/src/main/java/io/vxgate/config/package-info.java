/**
 * The config model (docs/architecture.md#the-config-model): records per section, read from YAML by
 * {@link io.vxgate.config.ConfigLoader} and to and from the JSON form by {@link
 * io.vxgate.config.ConfigJson}.
 */
@NullMarked
package io.vxgate.config;

import org.jspecify.annotations.NullMarked;
