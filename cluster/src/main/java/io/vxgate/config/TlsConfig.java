package io.vxgate.config;

import java.util.List;

/**
 * TLS termination for a listener: PEM certificate/key pairs (SNI picks among them).
 *
 * @param certificates at least one; file paths resolved against the config file's directory
 * @param minVersion {@code TLSv1.2} (default) or {@code TLSv1.3}
 */
public record TlsConfig(List<Certificate> certificates, String minVersion) {
  /** The default {@link #minVersion}. */
  public static final String DEFAULT_MIN_VERSION = "TLSv1.2";

  public TlsConfig {
    certificates = List.copyOf(certificates);
  }

  /** A PEM certificate chain file and its private key file (absolute paths after loading). */
  public record Certificate(String cert, String key) {}
}
