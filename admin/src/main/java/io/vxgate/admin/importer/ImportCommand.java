package io.vxgate.admin.importer;

import io.vxgate.config.ConfigException;
import io.vxgate.config.ConfigLoader;
import java.io.PrintStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

/**
 * {@code vxgatectl import nginx|haproxy FILE}: prints a vxgate config translated from an nginx or
 * HAProxy config on stdout and, on stderr, every directive not translated as {@code FILE:LINE:
 * directive: why} (docs/migrating.md).
 *
 * <p>Exit codes: 0 when everything relevant was translated; 3 when something was left out or
 * approximated (the config is still printed); 1 when the input does not parse or cannot be read.
 */
public final class ImportCommand {
  /** The formats {@code vxgatectl import} reads. */
  public static final java.util.List<String> FORMATS = java.util.List.of("nginx", "haproxy");

  private ImportCommand() {}

  /** Runs an import; returns the exit code. */
  public static int run(String format, String file, PrintStream out, PrintStream err) {
    Path p = Path.of(file);
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      err.println(file + ": not a readable file");
      return 1;
    }
    Translation t;
    try {
      t = translate(format, p, file);
    } catch (ImportException e) {
      err.println(e.getMessage());
      return 1;
    }
    for (Note n : t.notes()) {
      err.println(n.line());
    }
    try {
      check(t.yaml());
    } catch (ConfigException e) {
      // a translation bug: say so rather than print a config vxgate refuses
      err.println("vxgatectl import: internal error, the translated config is invalid:");
      err.println(e.getMessage());
      return 1;
    }
    out.print(t.yaml());
    return t.exitCode();
  }

  static Translation translate(String format, Path file, String shownAs) throws ImportException {
    return switch (format) {
      case "nginx" -> NginxImporter.translate(file, shownAs);
      case "haproxy" -> HaproxyImporter.translate(file, shownAs);
      default -> throw new IllegalArgumentException("format " + format);
    };
  }

  /** Validates a translated config as {@code bin/vxgate --check-config} would. */
  static void check(String yaml) {
    ConfigLoader.parse(
        yaml, "imported config", null, null, ConfigLoader.Environment.of(Map.of(), "import-check"));
  }
}
