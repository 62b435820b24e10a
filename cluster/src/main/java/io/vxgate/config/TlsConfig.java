package io.vxgate.config;

import java.util.List;

/** TLS termination for a listener: PEM certificate/key pairs (SNI picks among them). */
public record TlsConfig(List<Certificate> certificates, String minVersion) {
  public TlsConfig {
    certificates = List.copyOf(certificates);
  }

  /** A PEM certificate chain file and its private key file. */
  public record Certificate(String cert, String key) {}
}
