package io.vxgate.gateway.proxy;

import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.handler.ssl.util.InsecureTrustManagerFactory;
import io.vxgate.config.Pem;
import io.vxgate.config.ServerConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.upstream.UpstreamPool;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.X509Certificate;
import java.util.List;
import javax.net.ssl.SSLException;
import javax.net.ssl.TrustManager;
import javax.net.ssl.TrustManagerFactory;
import javax.net.ssl.X509TrustManager;
import org.jspecify.annotations.Nullable;

/**
 * The connection settings of one upstream's pool, including TLS to {@code https://} servers:
 * verified against the JDK's trust store plus {@code tls-ca} by default (certificate chain and host
 * name); {@code tls-verify: false} trusts any certificate.
 */
public final class UpstreamClients {
  private UpstreamClients() {}

  /** What decides whether an upstream's pool must be rebuilt after a config change. */
  public record Key(
      UpstreamConfig.KeepaliveConfig keepalive,
      boolean tls,
      boolean tlsVerify,
      @Nullable String tlsCa) {}

  /** The rebuild key of {@code u}'s pool. */
  public static Key key(UpstreamConfig u) {
    return new Key(
        u.keepalive(), u.servers().stream().anyMatch(ServerConfig::tls), u.tlsVerify(), u.tlsCa());
  }

  /** How {@code u}'s pool connects (queue: 32 waiting requests per pooled connection). */
  public static UpstreamPool.Settings settings(UpstreamConfig u) {
    boolean anyTls = u.servers().stream().anyMatch(ServerConfig::tls);
    return new UpstreamPool.Settings(
        Math.max(1, u.keepalive().maxConnections()),
        32,
        Math.max(1, u.keepalive().idleTimeout().toMillis()),
        anyTls ? tlsContext(u) : null,
        u.tlsVerify());
  }

  /**
   * The client TLS context of {@code u}: the JDK's trust anchors plus {@code tls-ca}, or any
   * certificate with {@code tls-verify: false}. BoringSSL when it loads.
   */
  static SslContext tlsContext(UpstreamConfig u) {
    SslContextBuilder b =
        SslContextBuilder.forClient()
            .sslProvider(OpenSsl.isAvailable() ? SslProvider.OPENSSL : SslProvider.JDK);
    if (!u.tlsVerify()) {
      b.trustManager(InsecureTrustManagerFactory.INSTANCE);
    } else if (u.tlsCa() != null) {
      b.trustManager(trustManager(Pem.certificates(u.tlsCa())));
    }
    try {
      return b.build();
    } catch (SSLException e) {
      throw new IllegalStateException("cannot build the TLS context of upstream " + u.name(), e);
    }
  }

  /** The JDK's default trust anchors plus {@code extra}. */
  static X509TrustManager trustManager(List<X509Certificate> extra) {
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
        if (tm instanceof X509TrustManager x) {
          return x;
        }
      }
      throw new IllegalStateException("no X509TrustManager");
    } catch (GeneralSecurityException | java.io.IOException e) {
      throw new IllegalStateException("cannot build the trust store", e);
    }
  }
}
