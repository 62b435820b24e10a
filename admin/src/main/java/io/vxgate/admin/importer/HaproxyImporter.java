package io.vxgate.admin.importer;

import java.nio.file.Path;

/** {@code vxgatectl import haproxy FILE}: a HAProxy config as a vxgate config. */
final class HaproxyImporter {
  private HaproxyImporter() {}

  static Translation translate(Path file, String shownAs) throws ImportException {
    throw new ImportException(shownAs + ": HAProxy import is not built yet");
  }
}
