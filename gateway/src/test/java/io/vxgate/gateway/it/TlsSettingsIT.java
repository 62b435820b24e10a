package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.net.SelfSignedCertificate;
import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * A TLS listener's {@code protocols}, {@code ciphers}, {@code ciphersuites} and {@code
 * session-tickets} (docs/configuration.md#listeners-node-local), seen by a real {@code openssl
 * s_client}.
 */
class TlsSettingsIT {
  private static final SelfSignedCertificate CERT = SelfSignedCertificate.create("a.test");
  @RegisterExtension final Harness h = new Harness();

  private void start(String tlsKeys) {
    TestOrigin o = h.origin("o");
    h.gateway(
        """
        listeners:
          - name: web
            bind: 127.0.0.1:0
            tls: {certificates: [{cert: "$C", key: "$K"}], KEYS}
        upstreams:
          app: {servers: [{name: o, address: $O}]}
        routes: [{name: default, upstream: app}]
        """
            .replace("KEYS", tlsKeys)
            .replace("$C", CERT.certificatePath())
            .replace("$K", CERT.privateKeyPath())
            .replace("$O", o.address()));
  }

  /** What {@code openssl s_client} printed, and whether it got an HTTP answer through. */
  private record Handshake(String output, boolean answered) {
    String cipher() {
      for (String line : output.split("\n")) {
        int i = line.indexOf("Cipher is ");
        if (i >= 0) {
          return line.substring(i + "Cipher is ".length()).trim();
        }
      }
      return null;
    }

    boolean ticket() {
      return output.contains("TLS session ticket lifetime hint");
    }
  }

  /** Connects with {@code openssl s_client} and these options, sends one GET, reads to the end. */
  private Handshake sClient(String... options) throws IOException, InterruptedException {
    List<String> cmd = new ArrayList<>(List.of("openssl", "s_client"));
    // -ign_eof: the end of the input (the request) does not end the connection; the answer does.
    cmd.addAll(List.of("-connect", "127.0.0.1:" + h.port, "-servername", "a.test", "-ign_eof"));
    cmd.addAll(List.of(options));
    Process p = new ProcessBuilder(cmd).redirectErrorStream(true).start();
    try (OutputStream in = p.getOutputStream()) {
      in.write(
          "GET / HTTP/1.1\r\nHost: a.test\r\nConnection: close\r\n\r\n"
              .getBytes(StandardCharsets.US_ASCII));
    } catch (IOException closedEarly) {
      // the handshake failed before s_client read its input
    }
    byte[] out = p.getInputStream().readAllBytes();
    assertThat(p.waitFor(30, TimeUnit.SECONDS)).as("s_client ended").isTrue();
    String text = new String(out, StandardCharsets.UTF_8);
    return new Handshake(text, text.contains("HTTP/1.1 200"));
  }

  @Test
  void aClientOfferingOnlyACipherOutsideTheListFailsTheHandshake() throws Exception {
    start("ciphers: \"ECDHE-RSA-AES256-GCM-SHA384:ECDHE-RSA-CHACHA20-POLY1305\"");
    Handshake in = sClient("-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305");
    assertThat(in.answered()).as(in.output()).isTrue();
    assertThat(in.cipher()).isEqualTo("ECDHE-RSA-CHACHA20-POLY1305");
    Handshake out = sClient("-tls1_2", "-cipher", "ECDHE-RSA-AES128-GCM-SHA256");
    assertThat(out.answered()).as(out.output()).isFalse();
    assertThat(out.cipher()).isIn(null, "(NONE)");
    // The server's order: the first of its list that the client offers.
    Handshake both =
        sClient("-tls1_2", "-cipher", "ECDHE-RSA-CHACHA20-POLY1305:ECDHE-RSA-AES256-GCM-SHA384");
    assertThat(both.cipher()).isEqualTo("ECDHE-RSA-AES256-GCM-SHA384");
  }

  @Test
  void protocolsLimitTheVersions() throws Exception {
    start("protocols: [TLSv1.2]");
    Handshake tls12 = sClient("-no_tls1_3");
    assertThat(tls12.answered()).as(tls12.output()).isTrue();
    assertThat(tls12.output()).contains("TLSv1.2");
    Handshake tls13 = sClient("-tls1_3");
    assertThat(tls13.answered()).as(tls13.output()).isFalse();
  }

  @Test
  void sessionTicketsAreOnByDefaultOnBothVersions() throws Exception {
    start("protocols: [TLSv1.2, TLSv1.3]");
    Handshake tls12 = sClient("-no_tls1_3");
    assertThat(tls12.ticket()).as(tls12.output()).isTrue();
    Handshake tls13 = sClient("-tls1_3");
    assertThat(tls13.answered()).as(tls13.output()).isTrue();
    assertThat(tls13.ticket()).as(tls13.output()).isTrue();
  }

  @Test
  void sessionTicketsOffSendsNone() throws Exception {
    start("session-tickets: off");
    Handshake tls12 = sClient("-no_tls1_3");
    assertThat(tls12.answered()).as(tls12.output()).isTrue();
    assertThat(tls12.ticket()).as(tls12.output()).isFalse();
    Handshake tls13 = sClient("-tls1_3");
    assertThat(tls13.answered()).as(tls13.output()).isTrue();
    assertThat(tls13.ticket()).as(tls13.output()).isFalse();
  }

  @Test
  void ciphersuitesLimitTls13SuitesAndSessionTicketsOffHoldsOnThatEngineToo() throws Exception {
    // (A TLS 1.3 suite left out needs the JDK's engine: BoringSSL always offers all three.)
    start("protocols: [TLSv1.3], ciphersuites: TLS_AES_256_GCM_SHA384, session-tickets: off");
    Handshake in = sClient("-tls1_3", "-ciphersuites", "TLS_AES_256_GCM_SHA384");
    assertThat(in.answered()).as(in.output()).isTrue();
    assertThat(in.cipher()).isEqualTo("TLS_AES_256_GCM_SHA384");
    assertThat(in.ticket()).as(in.output()).isFalse();
    Handshake out = sClient("-tls1_3", "-ciphersuites", "TLS_AES_128_GCM_SHA256");
    assertThat(out.answered()).as(out.output()).isFalse();
  }

  @Test
  void ciphersuitesWithTls12OnTheJdkEngineServeBothVersions() throws Exception {
    start("ciphersuites: TLS_CHACHA20_POLY1305_SHA256, ciphers: ECDHE-RSA-AES256-GCM-SHA384");
    Handshake tls13 = sClient("-tls1_3");
    assertThat(tls13.answered()).as(tls13.output()).isTrue();
    assertThat(tls13.cipher()).isEqualTo("TLS_CHACHA20_POLY1305_SHA256");
    Handshake tls12 = sClient("-no_tls1_3");
    assertThat(tls12.answered()).as(tls12.output()).isTrue();
    assertThat(tls12.cipher()).isEqualTo("ECDHE-RSA-AES256-GCM-SHA384");
  }
}
