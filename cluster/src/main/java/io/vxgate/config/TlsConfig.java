package io.vxgate.config;

import java.util.List;

/**
 * TLS termination for a listener: PEM certificate/key pairs (SNI picks among them) and what the
 * handshake offers (docs/configuration.md#listeners-node-local).
 *
 * @param certificates at least one; file paths resolved against the config file's directory
 * @param protocols the TLS versions accepted, among {@code TLSv1.2} and {@code TLSv1.3} (from
 *     {@code protocols}, or {@code min-version})
 * @param ciphers the TLS 1.2 cipher suites offered, by OpenSSL name, in the server's order of
 *     preference ({@link TlsCiphers})
 * @param ciphersuites the TLS 1.3 cipher suites offered
 * @param sessionTickets whether clients get session tickets to resume with (HAProxy's {@code
 *     no-tls-tickets} turns them off)
 * @param watch {@code reload: watch}: the files are watched and a changed pair is loaded for new
 *     handshakes (docs/operations.md, "Rotating certificates"); default off ({@code reload: off}:
 *     read at start and at each reload)
 */
public record TlsConfig(
    List<Certificate> certificates,
    List<String> protocols,
    List<String> ciphers,
    List<String> ciphersuites,
    boolean sessionTickets,
    boolean watch) {
  /** The default lowest version ({@code min-version}). */
  public static final String DEFAULT_MIN_VERSION = "TLSv1.2";

  /** The default {@link #protocols}. */
  public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.2", "TLSv1.3");

  /** The default of {@link #sessionTickets}: on, as in nginx and HAProxy. */
  public static final boolean DEFAULT_SESSION_TICKETS = true;

  /** The default of {@link #watch}. */
  public static final boolean DEFAULT_WATCH = false;

  public TlsConfig {
    certificates = List.copyOf(certificates);
    protocols = List.copyOf(protocols);
    ciphers = List.copyOf(ciphers);
    ciphersuites = List.copyOf(ciphersuites);
  }

  /** The default handshake from {@code minVersion} on ({@code TLSv1.2} or {@code TLSv1.3}). */
  public TlsConfig(List<Certificate> certificates, String minVersion, boolean watch) {
    this(
        certificates,
        protocolsFrom(minVersion),
        TlsCiphers.DEFAULT_TLS12,
        TlsCiphers.TLS13,
        DEFAULT_SESSION_TICKETS,
        watch);
  }

  /** Without watching the files. */
  public TlsConfig(List<Certificate> certificates, String minVersion) {
    this(certificates, minVersion, DEFAULT_WATCH);
  }

  /** The versions {@code min-version} accepts. */
  static List<String> protocolsFrom(String minVersion) {
    return "TLSv1.3".equals(minVersion) ? List.of("TLSv1.3") : DEFAULT_PROTOCOLS;
  }

  /** The lowest version accepted. */
  public String minVersion() {
    return protocols.contains("TLSv1.2") ? "TLSv1.2" : "TLSv1.3";
  }

  /** Whether TLS 1.3 suites are restricted (fewer than all of {@link TlsCiphers#TLS13}). */
  public boolean restrictsTls13() {
    return protocols.contains("TLSv1.3") && !ciphersuites.containsAll(TlsCiphers.TLS13);
  }

  /** A PEM certificate chain file and its private key file (absolute paths after loading). */
  public record Certificate(String cert, String key) {}
}
