package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

/** Where a directive was written: the file as shown to the user, and its 1-based line. */
record Source(String file, int line) {
  Source {
    requireNonNull(file, "file");
  }

  @Override
  public String toString() {
    return file + ":" + line;
  }
}
