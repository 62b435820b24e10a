package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientResponse;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpVersion;
import io.vertx.core.net.SelfSignedCertificate;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/** TLS termination (SNI, versions, ALPN h2), redirect-https, HSTS and TLS to origins. */
class TlsIT {
  private static final SelfSignedCertificate A = SelfSignedCertificate.create("a.test");
  private static final SelfSignedCertificate B = SelfSignedCertificate.create("b.test");
  @RegisterExtension final Harness h = new Harness();

  private TestOrigin start(String minVersion) {
    return start(minVersion, "");
  }

  /**
   * @param tlsExtra more settings of the TLS listener, each followed by a newline
   */
  private TestOrigin start(String minVersion, String tlsExtra) {
    TestOrigin o = h.origin("o");
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0}
          - {name: redirect, bind: 127.0.0.1:0, redirect-https: 8443}
          - name: tls
            bind: 127.0.0.1:0
            hsts: 31536000
            EXTRA
            tls:
              min-version: MIN
              certificates: [{cert: "$AC", key: "$AK"}, {cert: "$BC", key: "$BK"}]
        upstreams:
          app: {servers: [{name: o, address: $O}]}
        routes: [{name: default, upstream: app}]
        """
            .replace("MIN", minVersion)
            .replace("EXTRA", tlsExtra)
            .replace("$AC", A.certificatePath())
            .replace("$AK", A.privateKeyPath())
            .replace("$BC", B.certificatePath())
            .replace("$BK", B.privateKeyPath())
            .replace("$O", o.address()));
    return o;
  }

  private int tlsPort() {
    return h.node.port("tls");
  }

  static SSLContext trustAll() throws Exception {
    TrustManager tm =
        new X509ExtendedTrustManager() {
          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, Socket s) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, Socket s) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a, SSLEngine e) {}

          @Override
          public void checkClientTrusted(X509Certificate[] c, String a) {}

          @Override
          public void checkServerTrusted(X509Certificate[] c, String a) {}

          @Override
          public X509Certificate[] getAcceptedIssuers() {
            return new X509Certificate[0];
          }
        };
    SSLContext ctx = SSLContext.getInstance("TLS");
    ctx.init(null, new TrustManager[] {tm}, null);
    return ctx;
  }

  /** Handshakes with SNI {@code name} and protocol {@code protocol}; the server's certificate. */
  private X509Certificate handshake(String name, String protocol) throws Exception {
    try (SSLSocket s =
        (SSLSocket) trustAll().getSocketFactory().createSocket("127.0.0.1", tlsPort())) {
      SSLParameters p = s.getSSLParameters();
      p.setServerNames(List.of(new SNIHostName(name)));
      p.setProtocols(new String[] {protocol});
      s.setSSLParameters(p);
      s.setSoTimeout(5000);
      s.startHandshake();
      return (X509Certificate) s.getSession().getPeerCertificates()[0];
    }
  }

  @Test
  void sniPicksTheCertificateOfTheRequestedName() throws Exception {
    start("TLSv1.2");
    assertThat(handshake("a.test", "TLSv1.2").getSubjectX500Principal().getName())
        .contains("a.test");
    assertThat(handshake("b.test", "TLSv1.3").getSubjectX500Principal().getName())
        .contains("b.test");
  }

  @Test
  void versionsBelowTheMinimumAreRefused() throws Exception {
    start("TLSv1.2");
    assertThatThrownBy(() -> handshake("a.test", "TLSv1.1")).isInstanceOf(Exception.class);
    assertThat(handshake("a.test", "TLSv1.2")).isNotNull();
  }

  @Test
  void minVersionTls13RefusesTls12() throws Exception {
    start("TLSv1.3");
    assertThatThrownBy(() -> handshake("a.test", "TLSv1.2")).isInstanceOf(Exception.class);
    assertThat(handshake("a.test", "TLSv1.3")).isNotNull();
  }

  @Test
  void http2ClientsAreProxiedToAnHttp11OriginWithHsts() throws Exception {
    TestOrigin o = start("TLSv1.2");
    HttpClient h2 =
        HttpClient.newBuilder()
            .version(HttpClient.Version.HTTP_2)
            .sslContext(trustAll())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    URI uri = URI.create("https://127.0.0.1:" + tlsPort() + "/echo");
    HttpResponse<String> get =
        h2.send(HttpRequest.newBuilder(uri).build(), HttpResponse.BodyHandlers.ofString());
    assertThat(get.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(get.statusCode()).isEqualTo(200);
    assertThat(get.headers().firstValue("X-Proto")).hasValue("HTTP_1_1");
    assertThat(get.headers().firstValue("Strict-Transport-Security")).hasValue("max-age=31536000");
    assertThat(o.lastHeaders.get().get("X-Forwarded-Proto")).isEqualTo("https");

    HttpResponse<String> post =
        h2.send(
            HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString("x".repeat(100_000)))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(post.version()).isEqualTo(HttpClient.Version.HTTP_2);
    assertThat(post.body()).hasSize(100_000);

    // A body without a length (DATA frames only): buffered, it reaches the origin with one.
    HttpResponse<String> unsized =
        h2.send(
            HttpRequest.newBuilder(uri)
                .POST(
                    HttpRequest.BodyPublishers.fromPublisher(
                        HttpRequest.BodyPublishers.ofString("z".repeat(100_000))))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(unsized.body()).hasSize(100_000);
    assertThat(o.lastHeaders.get().get("Content-Length")).isEqualTo("100000");
    assertThat(o.lastHeaders.get().get("Transfer-Encoding")).isNull();

    // 4 MiB both ways: the request body spills to a temp file and is read back for the origin.
    StringBuilder big = new StringBuilder(4 << 20);
    for (int i = 0; big.length() < 4 << 20; i++) {
      big.append(Integer.toString(i, 36)).append(' ');
    }
    HttpResponse<String> echoed =
        h2.send(
            HttpRequest.newBuilder(uri)
                .POST(HttpRequest.BodyPublishers.ofString(big.toString()))
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(echoed.body()).isEqualTo(big.toString());
    assertThat(h.node.buffers().spills()).isPositive();

    HttpResponse<String> missing =
        h2.send(
            HttpRequest.newBuilder(URI.create("https://127.0.0.1:" + tlsPort() + "/x"))
                .method("PATCH", HttpRequest.BodyPublishers.noBody())
                .build(),
            HttpResponse.BodyHandlers.ofString());
    assertThat(missing.statusCode()).isEqualTo(200);
  }

  @Test
  void anHttp2StreamWhoseBodyStallsGets408() throws Exception {
    TestOrigin o = start("TLSv1.2", "request-body-timeout: 500ms");
    // Vert.x's client hands over a response while the request body is still open (the JDK's
    // waits for the body to end).
    io.vertx.core.http.HttpClient client =
        h.vertx.createHttpClient(
            new HttpClientOptions()
                .setProtocolVersion(HttpVersion.HTTP_2)
                .setSsl(true)
                .setUseAlpn(true)
                .setTrustAll(true)
                .setVerifyHost(false));
    try {
      long t0 = System.nanoTime();
      // 10 bytes of a 1000-byte body, then nothing: the stream stays open, its body never ends.
      HttpClientResponse r =
          client
              .request(HttpMethod.POST, tlsPort(), "127.0.0.1", "/upload")
              .compose(
                  req -> {
                    req.putHeader("content-length", "1000");
                    req.write("0123456789");
                    return req.response();
                  })
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      Duration took = Duration.ofNanos(System.nanoTime() - t0);
      assertThat(r.version()).isEqualTo(HttpVersion.HTTP_2);
      assertThat(r.statusCode()).isEqualTo(408);
      assertThat(took).isBetween(Duration.ofMillis(400), Duration.ofSeconds(5));
      assertThat(o.seen).as("no complete request reached the origin").isEmpty();
      // The connection and the node serve on.
      HttpClientResponse after =
          client
              .request(HttpMethod.GET, tlsPort(), "127.0.0.1", "/after")
              .compose(req -> req.send())
              .toCompletionStage()
              .toCompletableFuture()
              .get(10, TimeUnit.SECONDS);
      assertThat(after.statusCode()).isEqualTo(200);
    } finally {
      client.close();
    }
  }

  @Test
  void plainListenersRedirectOrServeWithoutHsts() {
    start("TLSv1.2");
    h.port = h.node.port("redirect");
    HttpResponse<String> r = h.get("/a/b?c=1");
    assertThat(r.statusCode()).isEqualTo(301);
    assertThat(r.headers().firstValue("Location")).hasValue("https://127.0.0.1:8443/a/b?c=1");
    h.port = h.node.port("web");
    HttpResponse<String> plain = h.get("/");
    assertThat(plain.statusCode()).isEqualTo(200);
    assertThat(plain.headers().firstValue("Strict-Transport-Security")).isEmpty();
  }

  @Test
  void httpsOriginsAreVerifiedUnlessTlsVerifyIsFalse() {
    SelfSignedCertificate originCert = SelfSignedCertificate.create("localhost");
    TestOrigin secure = new TestOrigin(h.vertx, "secure").tls(originCert).start();
    h.origins.add(secure);
    h.gateway(
        """
        %LISTENER%
        upstreams:
          trusting: {servers: [{name: s, address: "https://$S"}], tls-verify: false}
          verifying: {servers: [{name: s, address: "https://$S"}], retries: 0}
        routes:
          - {name: trusting, match: {path-prefix: /trusting/}, upstream: trusting}
          - {name: verifying, upstream: verifying}
        """
            .replace("$S", secure.address()));
    HttpResponse<String> ok = h.get("/trusting/x");
    assertThat(ok.statusCode()).isEqualTo(200);
    assertThat(ok.body()).isEqualTo("secure");
    assertThat(h.get("/verifying/x").statusCode()).isEqualTo(502);
  }
}
