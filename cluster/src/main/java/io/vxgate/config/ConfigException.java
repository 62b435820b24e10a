package io.vxgate.config;

import java.util.List;
import java.util.stream.Collectors;

/**
 * A config was refused. Carries every error found, not only the first; the message lists them one
 * per line in the {@link ConfigError} form.
 */
public final class ConfigException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final List<ConfigError> errors;

  /**
   * @param errors at least one error
   */
  public ConfigException(List<ConfigError> errors) {
    super(errors.stream().map(ConfigError::toString).collect(Collectors.joining("\n")));
    if (errors.isEmpty()) {
      throw new IllegalArgumentException("errors is empty");
    }
    this.errors = List.copyOf(errors);
  }

  /** Every error, in document order. */
  public List<ConfigError> errors() {
    return errors;
  }
}
