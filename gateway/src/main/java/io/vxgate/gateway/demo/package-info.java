/** Small origin servers for {@code --demo}, examples and benchmarks. */
@NullMarked
package io.vxgate.gateway.demo;

import org.jspecify.annotations.NullMarked;
