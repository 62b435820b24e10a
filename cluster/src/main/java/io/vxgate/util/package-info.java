/** Small utilities shared by the modules: the injected clock ({@link io.vxgate.util.Ticker}). */
@NullMarked
package io.vxgate.util;

import org.jspecify.annotations.NullMarked;
