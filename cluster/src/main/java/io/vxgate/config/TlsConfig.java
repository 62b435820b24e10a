package io.vxgate.config;

import java.util.List;

/**
 * TLS termination for a listener: PEM certificate/key pairs (SNI picks among them).
 *
 * @param certificates at least one; file paths resolved against the config file's directory
 * @param minVersion {@code TLSv1.2} (default) or {@code TLSv1.3}
 * @param watch {@code reload: watch}: the files are watched and a changed pair is loaded for new
 *     handshakes (docs/operations.md, "Rotating certificates"); default off ({@code reload: off}:
 *     read at start and at each reload)
 */
public record TlsConfig(List<Certificate> certificates, String minVersion, boolean watch) {
  /** The default {@link #minVersion}. */
  public static final String DEFAULT_MIN_VERSION = "TLSv1.2";

  /** The default of {@link #watch}. */
  public static final boolean DEFAULT_WATCH = false;

  public TlsConfig {
    certificates = List.copyOf(certificates);
  }

  /** Without watching the files. */
  public TlsConfig(List<Certificate> certificates, String minVersion) {
    this(certificates, minVersion, DEFAULT_WATCH);
  }

  /** A PEM certificate chain file and its private key file (absolute paths after loading). */
  public record Certificate(String cert, String key) {}
}
