/** {@code vxgatectl}, the admin command line ({@link io.vxgate.admin.cli.Ctl}). */
@NullMarked
package io.vxgate.admin.cli;

import org.jspecify.annotations.NullMarked;
