package io.vxgate.gateway.proxy;

import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.net.TrustOptions;
import io.vxgate.config.Pem;
import io.vxgate.config.ServerConfig;
import io.vxgate.config.UpstreamConfig;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;

/**
 * The options of the HTTP client (connection pool) of one upstream, including TLS to {@code
 * https://} servers: verified against the JDK's trust store plus {@code tls-ca} by default
 * (certificate chain and host name); {@code tls-verify: false} trusts any certificate.
 */
public final class UpstreamClients {
  private UpstreamClients() {}

  /** What decides whether an upstream's client must be rebuilt after a config change. */
  public record Key(
      UpstreamConfig.KeepaliveConfig keepalive,
      java.time.Duration connect,
      boolean tlsVerify,
      String tlsCa) {}

  /** The rebuild key of {@code u}'s client. */
  public static Key key(UpstreamConfig u) {
    return new Key(u.keepalive(), u.timeouts().connect(), u.tlsVerify(), u.tlsCa());
  }

  /** The client options of {@code u}. */
  public static HttpClientOptions options(UpstreamConfig u) {
    HttpClientOptions options =
        new HttpClientOptions()
            .setKeepAlive(true)
            .setKeepAliveTimeout((int) Math.max(1, u.keepalive().idleTimeout().toSeconds()))
            .setConnectTimeout((int) u.timeouts().connect().toMillis())
            .setTcpNoDelay(true)
            .setMaxHeaderSize(64 * 1024)
            .setMaxInitialLineLength(64 * 1024)
            // A body chunk as large as a socket read: one write to the client per read, not per 8 KiB
            .setMaxChunkSize(64 * 1024)
            .setDecompressionSupported(false)
            .setMetricsName("upstream:" + u.name());
    boolean anyTls = u.servers().stream().anyMatch(ServerConfig::tls);
    if (!anyTls) {
      return options;
    }
    options.setForceSni(true);
    if (!u.tlsVerify()) {
      return options.setTrustAll(true).setVerifyHost(false);
    }
    options.setVerifyHost(true);
    if (u.tlsCa() != null) {
      options.setTrustOptions(TrustOptions.wrap(trustManager(Pem.certificates(u.tlsCa()))));
    }
    return options;
  }

  /** The JDK's default trust anchors plus {@code extra}. */
  static TrustManager trustManager(List<X509Certificate> extra) {
    try {
      TrustManagerFactory jdk =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      jdk.init((KeyStore) null);
      KeyStore ks = KeyStore.getInstance(KeyStore.getDefaultType());
      ks.load(null, null);
      int i = 0;
      for (TrustManager tm : jdk.getTrustManagers()) {
        if (tm instanceof X509TrustManager x) {
          for (X509Certificate c : x.getAcceptedIssuers()) {
            ks.setCertificateEntry("jdk-" + i++, c);
          }
        }
      }
      for (X509Certificate c : extra) {
        ks.setCertificateEntry("tls-ca-" + i++, c);
      }
      TrustManagerFactory f =
          TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
      f.init(ks);
      for (TrustManager tm : f.getTrustManagers()) {
        if (tm instanceof X509TrustManager) {
          return tm;
        }
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the trust store", e);
    }
  }
}
