package io.vxgate.config;

import static java.util.Objects.requireNonNull;

/**
 * One invalid value of a config: where it is, what it was and what was expected. Its string form is
 * {@code FILE: PATH: VALUE (expected: WHAT)}, for example {@code gw.yaml:
 * upstreams.api.servers[2].weight: -1 (expected: 1..256)}.
 *
 * @param file the config file as given, {@code overrides} for a value set by a flag or a {@code
 *     VXGATE_*} variable, or {@code json} for a config received as JSON
 * @param path the YAML path ({@code routes[0].match.path-prefix}); empty for the whole document, or
 *     {@code line L, column C} for a YAML syntax error
 * @param value the value as written (after {@code ${VAR}} substitution), {@code (missing)} for a
 *     required key that is absent, or the offending key for an unknown or invalid key
 * @param expected what would have been accepted
 */
public record ConfigError(String file, String path, String value, String expected) {
  /** The value shown for a required key that is absent. */
  public static final String MISSING = "(missing)";

  public ConfigError {
    requireNonNull(file, "file");
    requireNonNull(path, "path");
    requireNonNull(value, "value");
    requireNonNull(expected, "expected");
  }

  @Override
  public String toString() {
    return file
        + ": "
        + (path.isEmpty() ? "" : path + ": ")
        + value
        + " (expected: "
        + expected
        + ")";
  }
}
