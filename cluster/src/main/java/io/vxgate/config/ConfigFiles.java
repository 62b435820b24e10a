package io.vxgate.config;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import org.jspecify.annotations.Nullable;

/**
 * The files a config names (certificates, CA certificates, error pages, the GeoIP database). Read
 * from a file ({@link ConfigReader.Mode#FILE}), they are resolved against the config file's
 * directory and checked; in the JSON form ({@link ConfigReader.Mode#JSON}) certificate and database
 * paths are taken as they are and pages hold their content.
 */
final class ConfigFiles {
  private final ConfigReader.Mode mode;
  private final @Nullable Path baseDir;

  /**
   * @param baseDir relative files are resolved against it (null: the working directory)
   */
  ConfigFiles(ConfigReader.Mode mode, @Nullable Path baseDir) {
    this.mode = mode;
    this.baseDir = baseDir;
  }

  /** Whether values are the JSON form's: contents instead of files, paths not checked. */
  boolean json() {
    return mode == ConfigReader.Mode.JSON;
  }

  /** A required file path: resolved and checked from a file, as is in JSON. */
  @Nullable String file(Cursor c) {
    if (!c.require("a file")) {
      return null;
    }
    String s = c.scalar("a file", v -> v.isEmpty() ? null : v);
    if (s == null || json()) {
      return s;
    }
    Path p = resolve(c, s);
    if (p == null) {
      return null;
    }
    if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
      c.error(s, "a readable file, looked for " + p);
      return null;
    }
    return p.toString();
  }

  /** The absolute path of {@code s}; null and reported when it is no path. */
  @Nullable Path resolve(Cursor c, String s) {
    try {
      Path p = baseDir == null ? Path.of(s) : baseDir.resolve(s);
      return p.toAbsolutePath().normalize();
    } catch (InvalidPathException e) {
      c.error(s, "a file path");
      return null;
    }
  }

  /**
   * The text of {@code file} (UTF-8, at most {@link Values#MAX_PAGE}); null and reported when it
   * cannot be read.
   */
  @Nullable String read(Cursor c, String file) {
    Path p = resolve(c, file);
    if (p == null) {
      return null;
    }
    try {
      if (!Files.isRegularFile(p) || !Files.isReadable(p)) {
        c.error(file, "a readable file, looked for " + p);
        return null;
      }
      if (Files.size(p) > Values.MAX_PAGE) {
        c.error(file, "a file of at most 1m");
        return null;
      }
      return new String(Files.readAllBytes(p), StandardCharsets.UTF_8);
    } catch (IOException e) {
      c.error(file, "a readable file, looked for " + p + " (" + e.getClass().getSimpleName() + ")");
      return null;
    }
  }
}
