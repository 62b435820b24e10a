package io.vxgate.config;

import java.io.ByteArrayInputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.CertificateException;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.util.ArrayList;
import java.util.List;

/** PEM certificate parsing for {@code tls-ca}. */
public final class Pem {
  private Pem() {}

  /** The X.509 certificates in PEM text; empty when there is none or the text is not PEM. */
  public static List<X509Certificate> certificates(String pem) {
    List<X509Certificate> out = new ArrayList<>();
    if (pem == null || !pem.contains("-----BEGIN CERTIFICATE-----")) {
      return out;
    }
    try {
      CertificateFactory f = CertificateFactory.getInstance("X.509");
      for (var c :
          f.generateCertificates(
              new ByteArrayInputStream(pem.getBytes(StandardCharsets.US_ASCII)))) {
        if (c instanceof X509Certificate x) {
          out.add(x);
        }
      }
    } catch (CertificateException | RuntimeException e) {
      return List.of();
    }
    return out;
  }

  static boolean isCertificates(String pem) {
    return !certificates(pem).isEmpty();
  }
}
