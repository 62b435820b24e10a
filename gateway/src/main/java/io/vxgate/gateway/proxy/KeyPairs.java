package io.vxgate.gateway.proxy;

import io.vertx.core.Vertx;
import io.vertx.core.net.PemKeyCertOptions;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.PublicKey;
import java.security.Signature;
import java.security.cert.Certificate;
import java.security.cert.X509Certificate;
import java.util.Collections;
import javax.net.ssl.KeyManager;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.X509KeyManager;

/**
 * Loads a PEM certificate chain and its private key and checks that they belong together: the key
 * signs a challenge that the leaf certificate's public key verifies. A certificate renewed without
 * its key (or the reverse, half-way through a renewal) is refused before it reaches a handshake.
 */
final class KeyPairs {
  private static final byte[] CHALLENGE =
      "vxgate key pair check".getBytes(StandardCharsets.US_ASCII);

  private KeyPairs() {}

  /** A loaded pair: the key manager factory for the TLS context and the leaf certificate. */
  record Loaded(KeyManagerFactory keyManagers, X509Certificate leaf) {}

  /**
   * @throws IllegalStateException naming the files and what is wrong
   */
  static Loaded load(Vertx vertx, String certPath, String keyPath) {
    PemKeyCertOptions pem = new PemKeyCertOptions().setCertPath(certPath).setKeyPath(keyPath);
    KeyManagerFactory kmf;
    KeyStore store;
    try {
      kmf = pem.getKeyManagerFactory(vertx);
      store = pem.loadKeyStore(vertx);
    } catch (Exception e) {
      throw new IllegalStateException(
          "cannot load the certificate " + certPath + " with key " + keyPath + ": " + message(e),
          e);
    }
    X509KeyManager km = null;
    for (KeyManager m : kmf.getKeyManagers()) {
      if (m instanceof X509KeyManager x) {
        km = x;
      }
    }
    try {
      for (String alias : Collections.list(store.aliases())) {
        PrivateKey key = km == null ? null : km.getPrivateKey(alias);
        Certificate[] chain = store.getCertificateChain(alias);
        if (key != null
            && chain != null
            && chain.length > 0
            && chain[0] instanceof X509Certificate) {
          X509Certificate leaf = (X509Certificate) chain[0];
          if (!matches(key, leaf.getPublicKey())) {
            throw new IllegalStateException(
                "the key " + keyPath + " does not match the certificate " + certPath);
          }
          return new Loaded(kmf, leaf);
        }
      }
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException(
          "cannot read the certificate " + certPath + ": " + message(e), e);
    }
    throw new IllegalStateException(
        "no certificate with its key in " + certPath + " and " + keyPath);
  }

  /** Whether {@code key} is the private half of {@code pub}. */
  static boolean matches(PrivateKey key, PublicKey pub) {
    String alg =
        switch (key.getAlgorithm()) {
          case "RSA" -> "SHA256withRSA";
          case "EC" -> "SHA256withECDSA";
          case "Ed25519", "EdDSA" -> "Ed25519";
          case "Ed448" -> "Ed448";
          default -> null;
        };
    if (alg == null || (!key.getAlgorithm().equals(pub.getAlgorithm()) && !alg.startsWith("Ed"))) {
      return false;
    }
    try {
      Signature s = Signature.getInstance(alg);
      s.initSign(key);
      s.update(CHALLENGE);
      byte[] sig = s.sign();
      Signature v = Signature.getInstance(alg);
      v.initVerify(pub);
      v.update(CHALLENGE);
      return v.verify(sig);
    } catch (GeneralSecurityException e) {
      return false;
    }
  }

  private static String message(Throwable e) {
    Throwable t = e;
    while (t.getCause() != null && t.getMessage() == null) {
      t = t.getCause();
    }
    return t.getMessage() == null ? t.getClass().getSimpleName() : t.getMessage();
  }
}
