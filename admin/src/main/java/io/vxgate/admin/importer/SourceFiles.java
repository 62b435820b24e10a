package io.vxgate.admin.importer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/** Reads input files as UTF-8 and names them for notes. */
final class SourceFiles {
  private final Path baseDir;

  /**
   * @param main the file given on the command line; other files are named relative to its directory
   */
  SourceFiles(Path main) {
    Path abs = main.toAbsolutePath().normalize();
    Path parent = abs.getParent();
    this.baseDir = parent == null ? abs : parent;
  }

  /** The directory of the main file, against which relative paths of the input are resolved. */
  Path baseDir() {
    return baseDir;
  }

  /** How notes name a file: relative to the main file's directory when inside it. */
  String display(Path file, @Nullable String given) {
    Path abs = file.toAbsolutePath().normalize();
    if (given != null) {
      return given;
    }
    return abs.startsWith(baseDir) ? baseDir.relativize(abs).toString() : abs.toString();
  }

  /** The text of a file: UTF-8 (a byte-order mark dropped), or Latin-1 when it is not UTF-8. */
  static String read(Path file) throws IOException {
    byte[] bytes = Files.readAllBytes(file);
    String text;
    try {
      text =
          StandardCharsets.UTF_8
              .newDecoder()
              .onMalformedInput(CodingErrorAction.REPORT)
              .onUnmappableCharacter(CodingErrorAction.REPORT)
              .decode(ByteBuffer.wrap(bytes))
              .toString();
    } catch (CharacterCodingException e) {
      text = new String(bytes, StandardCharsets.ISO_8859_1);
    }
    return text.startsWith("\uFEFF") ? text.substring(1) : text;
  }
}
