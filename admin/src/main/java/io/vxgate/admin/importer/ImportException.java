package io.vxgate.admin.importer;

/** The input does not parse: the message names the file and line ({@code FILE:LINE: why}). */
final class ImportException extends Exception {
  private static final long serialVersionUID = 1L;

  ImportException(Source at, String why) {
    super(at + ": " + why);
  }

  ImportException(String message) {
    super(message);
  }
}
