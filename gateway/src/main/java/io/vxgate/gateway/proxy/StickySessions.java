package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.SecretsConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.config.UpstreamConfig.StickyConfig;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.Upstream;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.atomic.AtomicBoolean;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * Cookie-insert sticky sessions. A cookie names a server by a keyed digest, {@code
 * base64url(HMAC-SHA256(secret, upstream + "/" + server))[0..16 bytes]}, so a client cannot choose
 * a server, and every node that knows the secret decodes it without shared state: it computes the
 * digest of each server of the upstream once per config snapshot ({@link Table}) and compares a
 * cookie with all of them in constant time.
 */
final class StickySessions {
  private static final Logger log = LoggerFactory.getLogger(StickySessions.class);

  /** Bytes of the truncated HMAC in a cookie value. */
  static final int DIGEST_BYTES = 16;

  /** Length of a cookie value: 16 bytes in unpadded base64url. */
  static final int VALUE_LENGTH = 22;

  private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
  private static final byte[] LOCAL_SECRET = randomSecret();
  private static final AtomicBoolean WARNED = new AtomicBoolean();

  private StickySessions() {}

  private static byte[] randomSecret() {
    byte[] b = new byte[32];
    new SecureRandom().nextBytes(b);
    return b;
  }

  /**
   * The signing key: {@code secrets.sticky} when configured, else a random key generated when this
   * process started (stickiness then holds only on this node; a warning is logged once).
   */
  static byte[] key(SecretsConfig secrets) {
    if (secrets.sticky() != null) {
      return secrets.sticky().getBytes(StandardCharsets.UTF_8);
    }
    if (WARNED.compareAndSet(false, true)) {
      log.warn(
          "secrets.sticky is not configured: sticky cookies are signed with a random key of this"
              + " node, so a session sticks only while it reaches this node");
    }
    return LOCAL_SECRET;
  }

  /** The truncated HMAC naming {@code server} of {@code upstream}. */
  static byte[] digest(byte[] key, String upstream, String server) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      byte[] full = mac.doFinal((upstream + "/" + server).getBytes(StandardCharsets.UTF_8));
      byte[] out = new byte[DIGEST_BYTES];
      System.arraycopy(full, 0, out, 0, DIGEST_BYTES);
      return out;
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }

  /** The cookie value naming {@code server} of {@code upstream}. */
  static String encode(byte[] key, String upstream, String server) {
    return ENCODER.encodeToString(digest(key, upstream, server));
  }

  /** Decodes a cookie value to its 16 digest bytes, or null when it cannot be one. */
  static byte @Nullable [] decode(String value) {
    if (value == null || value.length() != VALUE_LENGTH) {
      return null;
    }
    try {
      byte[] b = Base64.getUrlDecoder().decode(value);
      return b.length == DIGEST_BYTES ? b : null;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }

  /**
   * The sticky cookies of one upstream in one config snapshot: each server's cookie value,
   * precomputed. Immutable; shared by the requests of one event loop.
   */
  static final class Table {
    private final StickyConfig config;
    private final ServerState[] servers;
    private final byte[][] digests;
    private final String[] values;

    Table(StickyConfig config, String upstream, List<ServerState> all, byte[] key) {
      this.config = requireNonNull(config, "config");
      servers = all.toArray(new ServerState[0]);
      digests = new byte[servers.length][];
      values = new String[servers.length];
      for (int i = 0; i < servers.length; i++) {
        digests[i] = digest(key, upstream, servers[i].name());
        values[i] = ENCODER.encodeToString(digests[i]);
      }
    }

    /** The table of an upstream, or null when it is not sticky. */
    static @Nullable Table of(Upstream upstream, byte[] key) {
      UpstreamConfig c = upstream.config();
      if (c.sticky() == null) {
        return null;
      }
      List<ServerState> all = new ArrayList<>(upstream.primaries());
      all.addAll(upstream.backups());
      return new Table(c.sticky(), upstream.name(), all, key);
    }

    String cookieName() {
      return config.cookie();
    }

    /** The server the request's cookie names, or null (no cookie, or a forged one). */
    @Nullable ServerState pinned(RequestInfo req) {
      String value = Cookies.value(req.request().fields(), config.cookie());
      return value == null ? null : find(value);
    }

    /**
     * The server a cookie value names, or null for an absent or forged value. Compares with every
     * server's digest without stopping at the first match, so the time taken does not tell how much
     * of a forged value was right.
     */
    @Nullable ServerState find(String value) {
      byte[] d = decode(value);
      if (d == null) {
        return null;
      }
      ServerState found = null;
      for (int i = 0; i < digests.length; i++) {
        if (MessageDigest.isEqual(digests[i], d) && found == null) {
          found = servers[i];
        }
      }
      return found;
    }

    /** The Set-Cookie header value pinning a client to {@code server}. */
    @Nullable String setCookie(ServerState server, boolean tls) {
      String value = null;
      for (int i = 0; i < servers.length; i++) {
        if (servers[i] == server) {
          value = values[i];
          break;
        }
      }
      if (value == null) {
        return null;
      }
      StringBuilder b = new StringBuilder(96);
      b.append(config.cookie()).append('=').append(value);
      b.append("; Path=").append(config.path());
      if (config.maxAge() != null) {
        b.append("; Max-Age=").append(config.maxAge().toSeconds());
      }
      // Browsers drop SameSite=None cookies without Secure.
      if (config.secure() || tls || "None".equals(config.sameSite())) {
        b.append("; Secure");
      }
      if (config.httpOnly()) {
        b.append("; HttpOnly");
      }
      b.append("; SameSite=").append(config.sameSite());
      return b.toString();
    }
  }
}
