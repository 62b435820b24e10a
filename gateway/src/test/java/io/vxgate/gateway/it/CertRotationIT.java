package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.net.SelfSignedCertificate;
import io.vxgate.testing.FreePorts;
import io.vxgate.testing.NodeProcess;
import java.io.IOException;
import java.math.BigInteger;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLSocket;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code tls.reload: watch} in a node JVM (docs/operations.md, "Rotating certificates"): a
 * certificate replaced on disk is served within 5 s, judged by the serial a TLS client sees,
 * whether the files are swapped by symlinks (certbot, cert-manager) or renamed over; a key that
 * does not match its certificate is refused and the pair in force stays.
 */
class CertRotationIT {
  @TempDir Path dir;
  private Process node;
  private int port;

  @AfterEach
  void stop() {
    if (node != null) {
      node.destroyForcibly();
    }
  }

  /** A new self-signed pair copied into {@code dir/archive/NAME.crt|key}. */
  private Path[] pair(String name) throws IOException {
    SelfSignedCertificate c = SelfSignedCertificate.create("rotate.test");
    Path archive = Files.createDirectories(dir.resolve("archive"));
    Path cert = archive.resolve(name + ".crt");
    Path key = archive.resolve(name + ".key");
    Files.copy(Path.of(c.certificatePath()), cert, StandardCopyOption.REPLACE_EXISTING);
    Files.copy(Path.of(c.privateKeyPath()), key, StandardCopyOption.REPLACE_EXISTING);
    return new Path[] {cert, key};
  }

  private static BigInteger serialOf(Path cert) throws Exception {
    try (var in = Files.newInputStream(cert)) {
      return ((X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in))
          .getSerialNumber();
    }
  }

  /** The serial of the certificate a TLS client is served now (null: no handshake). */
  private BigInteger served() {
    try (SSLSocket s =
        (SSLSocket) TlsIT.trustAll().getSocketFactory().createSocket("127.0.0.1", port)) {
      s.setSoTimeout(3000);
      s.startHandshake();
      return ((X509Certificate) s.getSession().getPeerCertificates()[0]).getSerialNumber();
    } catch (Exception e) {
      return null;
    }
  }

  /** Points {@code link} at {@code target} in one rename, as certbot and cert-manager do. */
  private static void swapLink(Path link, Path target) throws IOException {
    Path tmp = link.resolveSibling(link.getFileName() + ".tmp");
    Files.deleteIfExists(tmp);
    Files.createSymbolicLink(tmp, target);
    Files.move(tmp, link, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
  }

  private void start(Path cert, Path key) throws Exception {
    port = FreePorts.pick();
    Path file = dir.resolve("gw.yaml");
    Files.writeString(
        file,
        """
        node: {id: rotate-1}
        listeners:
          - name: tls
            bind: 127.0.0.1:%d
            tls:
              certificates: [{cert: "%s", key: "%s"}]
              reload: watch
        upstreams:
          app: {servers: [{name: o, address: 127.0.0.1:1}]}
        routes: [{name: default, upstream: app}]
        """
            .formatted(port, cert, key));
    node = NodeProcess.launch(file, dir.resolve("gw.log"));
    await().atMost(Duration.ofSeconds(60)).until(() -> served() != null);
  }

  @Test
  void symlinkSwapsAreServedWithinFiveSecondsAndAMismatchedKeyIsRefused() throws Exception {
    Path[] first = pair("first");
    Path live = Files.createDirectories(dir.resolve("live"));
    Path cert = live.resolve("cert.pem");
    Path key = live.resolve("key.pem");
    Files.createSymbolicLink(cert, first[0]);
    Files.createSymbolicLink(key, first[1]);
    start(cert, key);
    assertThat(served()).isEqualTo(serialOf(first[0]));

    // certbot renews: the certificate link first, the key link right after
    Path[] second = pair("second");
    swapLink(cert, second[0]);
    swapLink(key, second[1]);
    BigInteger renewed = serialOf(second[0]);
    await().atMost(Duration.ofSeconds(5)).until(() -> renewed.equals(served()));

    // a certificate with another pair's key: refused, the pair in force stays
    Path[] third = pair("third");
    Path[] fourth = pair("fourth");
    swapLink(cert, third[0]);
    swapLink(key, fourth[1]);
    await()
        .atMost(Duration.ofSeconds(10))
        .until(() -> Files.readString(dir.resolve("gw.log")).contains("does not match"));
    assertThat(served()).isEqualTo(renewed);

    // its own key arrives: loaded
    swapLink(key, third[1]);
    BigInteger third3 = serialOf(third[0]);
    await().atMost(Duration.ofSeconds(5)).until(() -> third3.equals(served()));
  }

  @Test
  void filesRenamedOverAreServedWithinFiveSeconds() throws Exception {
    Path[] first = pair("first");
    Path cert = dir.resolve("site.crt");
    Path key = dir.resolve("site.key");
    Files.copy(first[0], cert);
    Files.copy(first[1], key);
    start(cert, key);
    assertThat(served()).isEqualTo(serialOf(first[0]));

    Path[] next = pair("next");
    Path tmpCert = dir.resolve(".site.crt.new");
    Path tmpKey = dir.resolve(".site.key.new");
    Files.copy(next[0], tmpCert);
    Files.copy(next[1], tmpKey);
    Files.move(tmpKey, key, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    Files.move(tmpCert, cert, StandardCopyOption.ATOMIC_MOVE, StandardCopyOption.REPLACE_EXISTING);
    BigInteger renewed = serialOf(next[0]);
    await().atMost(Duration.ofSeconds(5)).until(() -> renewed.equals(served()));
  }
}
