package io.vxgate.gateway.proxy;

import io.netty.handler.ssl.ApplicationProtocolConfig;
import io.netty.handler.ssl.ApplicationProtocolNames;
import io.netty.handler.ssl.DelegatingSslContext;
import io.netty.handler.ssl.IdentityCipherSuiteFilter;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.ReferenceCountedOpenSslContext;
import io.netty.handler.ssl.ReferenceCountedOpenSslEngine;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import io.netty.internal.tcnative.SSL;
import io.vxgate.config.TlsCiphers;
import io.vxgate.config.TlsConfig;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Set;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The server TLS context of one certificate of a listener, with the listener's {@code protocols},
 * {@code ciphers}, {@code ciphersuites} and {@code session-tickets}
 * (docs/configuration.md#listeners-node-local).
 *
 * <p>The engine is BoringSSL (netty-tcnative) when it loads, else the JDK's. BoringSSL always
 * offers every TLS 1.3 suite (it has no setting for them), so a listener whose {@code ciphersuites}
 * leave one out runs on the JDK's engine, which honours them. The suites a name stands for that the
 * engine lacks (BoringSSL has no {@code DHE-*}) are left out; none left for a version the listener
 * accepts is an error.
 *
 * <p>Session tickets: in BoringSSL the ticket keys are BoringSSL's own, made per context and
 * rotated by it (a reloaded certificate starts new ones); off is its {@code SSL_OP_NO_TICKET}. The
 * JDK's engine sends no TLS 1.3 ticket when a session may live longer than 7 days, which {@code
 * session-tickets: off} sets (sessions are then resumed by id from its cache, bounded in size); its
 * TLS 1.2 tickets can only be turned off for the whole JVM ({@code
 * -Djdk.tls.server.enableSessionTicketExtension=false}).
 */
final class ServerTls {
  private static final Logger log = LoggerFactory.getLogger(ServerTls.class);

  /** A session lifetime over the JDK's 7-day ticket limit: no tickets from its engine. */
  static final long NO_TICKETS_SESSION_TIMEOUT_SECONDS = 7 * 24 * 3600 + 1;

  private ServerTls() {}

  /** The engine a listener's handshakes run on. */
  static SslProvider provider(TlsConfig tls) {
    return OpenSsl.isAvailable() && !tls.restrictsTls13() ? SslProvider.OPENSSL : SslProvider.JDK;
  }

  /**
   * The context of one certificate.
   *
   * @param certificate the certificate's file, for the log
   * @throws IllegalStateException when the engine has none of the suites of a version accepted
   */
  static SslContext context(String certificate, KeyManagerFactory keys, TlsConfig tls)
      throws SSLException {
    SslProvider provider = provider(tls);
    List<String> suites = suites(certificate, provider, tls);
    SslContextBuilder b =
        SslContextBuilder.forServer(keys)
            .sslProvider(provider)
            .protocols(tls.protocols())
            .ciphers(suites, IdentityCipherSuiteFilter.INSTANCE)
            .applicationProtocolConfig(
                new ApplicationProtocolConfig(
                    ApplicationProtocolConfig.Protocol.ALPN,
                    ApplicationProtocolConfig.SelectorFailureBehavior.NO_ADVERTISE,
                    ApplicationProtocolConfig.SelectedListenerFailureBehavior.ACCEPT,
                    ApplicationProtocolNames.HTTP_2,
                    ApplicationProtocolNames.HTTP_1_1));
    if (provider == SslProvider.JDK && !tls.sessionTickets()) {
      if (jdkTicketsOff(tls)) {
        b.sessionTimeout(NO_TICKETS_SESSION_TIMEOUT_SECONDS);
      } else {
        log.atWarn()
            .addKeyValue("certificate", certificate)
            .log(
                "session-tickets: off is not honoured on the JDK's TLS engine while TLS 1.2 is"
                    + " offered (unless -Djdk.tls.server.enableSessionTicketExtension=false);"
                    + " tickets stay on");
      }
    }
    SslContext context = b.build();
    if (provider == SslProvider.OPENSSL) {
      return BoringSslTickets.apply(context, tls.sessionTickets());
    }
    return context;
  }

  /**
   * The suites to offer on {@code provider}: the listener's TLS 1.2 ciphers and TLS 1.3 suites, in
   * order, that the engine has (by OpenSSL name for BoringSSL, by IANA name for the JDK).
   */
  private static List<String> suites(String certificate, SslProvider provider, TlsConfig tls) {
    Set<String> available = available(provider);
    List<String> out = new ArrayList<>();
    List<String> missing = new ArrayList<>();
    int tls12 = 0;
    if (tls.protocols().contains("TLSv1.2")) {
      for (String c : tls.ciphers()) {
        String name = provider == SslProvider.OPENSSL ? c : TlsCiphers.iana(c);
        if (available.contains(name)) {
          out.add(name);
          tls12++;
        } else {
          missing.add(c);
        }
      }
      if (tls12 == 0) {
        throw new IllegalStateException(
            "none of tls.ciphers " + tls.ciphers() + " is available in " + engine(provider));
      }
    }
    if (tls.protocols().contains("TLSv1.3")) {
      // BoringSSL takes only its own order of all of them (it cannot leave one out either).
      for (String c : provider == SslProvider.OPENSSL ? TlsCiphers.TLS13 : tls.ciphersuites()) {
        if (available.contains(c)) {
          out.add(c);
        } else {
          missing.add(c);
        }
      }
      if (out.size() == tls12) {
        throw new IllegalStateException(
            "none of tls.ciphersuites "
                + tls.ciphersuites()
                + " is available in "
                + engine(provider));
      }
    }
    if (!missing.isEmpty()) {
      log.atInfo()
          .addKeyValue("certificate", certificate)
          .addKeyValue("engine", engine(provider))
          .addKeyValue("suites", missing)
          .log("TLS suites left out: the engine does not have them");
    }
    return out;
  }

  private static Set<String> available(SslProvider provider) {
    if (provider == SslProvider.OPENSSL) {
      return OpenSsl.availableOpenSslCipherSuites();
    }
    try {
      return Set.copyOf(
          Arrays.asList(SSLContext.getDefault().getSupportedSSLParameters().getCipherSuites()));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException("no TLS in this JDK", e);
    }
  }

  /**
   * Whether the JDK's engine can be kept from sending tickets: by a session lifetime over its 7-day
   * ticket limit, which is safe only where it announces no TLS 1.2 ticket in its ServerHello (it
   * would then leave out the ticket it announced, and the client would abort the handshake).
   */
  private static boolean jdkTicketsOff(TlsConfig tls) {
    return !tls.protocols().contains("TLSv1.2")
        || !Boolean.parseBoolean(
            System.getProperty("jdk.tls.server.enableSessionTicketExtension", "true"));
  }

  /** Session tickets in BoringSSL (in a class of its own: tcnative's classes load only here). */
  private static final class BoringSslTickets {
    /**
     * {@code context} with tickets on (no keys of our own: BoringSSL makes and rotates them), or
     * off: each connection's {@code SSL_OP_NO_TICKET}, which BoringSSL reads on TLS 1.2 and 1.3
     * alike (Netty reaches only the connection's options, not the context's).
     */
    static SslContext apply(SslContext context, boolean on) {
      if (!(context instanceof ReferenceCountedOpenSslContext openSsl)) {
        return context;
      }
      if (on) {
        openSsl.sessionContext().setTicketKeys();
        return context;
      }
      return new DelegatingSslContext(context) {
        @Override
        protected void initEngine(SSLEngine engine) {
          if (engine instanceof ReferenceCountedOpenSslEngine e) {
            SSL.setOptions(e.sslPointer(), SSL.SSL_OP_NO_TICKET);
          }
        }
      };
    }
  }

  private static String engine(SslProvider provider) {
    return provider == SslProvider.OPENSSL ? OpenSsl.versionString() : "the JDK's TLS engine";
  }
}
