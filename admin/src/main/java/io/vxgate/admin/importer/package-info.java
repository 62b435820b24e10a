/**
 * {@code vxgatectl import nginx|haproxy FILE} (docs/migrating.md): a parser per format ({@link
 * io.vxgate.admin.importer.NginxParser}, {@link io.vxgate.admin.importer.HaproxyConf}), a
 * translator per format writing the vxgate config ({@link io.vxgate.admin.importer.Output}) and
 * reporting what it could not translate as it was ({@link io.vxgate.admin.importer.Report}).
 */
@NullMarked
package io.vxgate.admin.importer;

import org.jspecify.annotations.NullMarked;
