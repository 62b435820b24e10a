package io.vxgate.admin;

import static java.util.Objects.requireNonNull;

import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.time.Clock;
import java.time.Duration;
import java.util.HexFormat;
import java.util.Iterator;
import java.util.Map;
import java.util.TreeSet;
import java.util.concurrent.ConcurrentHashMap;
import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

/**
 * Signatures of admin commands on the event bus (see {@code docs/admin.md}).
 *
 * <p>A signed request carries {@code auth: {time, nonce, hmac}} next to its fields: {@code time} in
 * epoch seconds, {@code nonce} a fresh random string (1..128 characters), and {@code hmac} the
 * lowercase hex HMAC-SHA256, keyed with the admin token, of {@code address + "\n" + time + "\n" +
 * nonce + "\n" + canonical(body)}, where the body is the request without {@code auth} and its
 * canonical form is compact JSON with the keys of every object sorted. A verifier accepts a time
 * within {@link #WINDOW} of its own clock and each nonce once within twice that window.
 */
public final class Signatures {
  /** How far a request's time may be from the verifier's clock. */
  public static final Duration WINDOW = Duration.ofSeconds(60);

  private static final SecureRandom RANDOM = new SecureRandom();
  private static final int MAX_NONCES = 100_000;

  private final java.util.function.Supplier<String> token;
  private final Clock clock;
  private final Map<String, Long> seen = new ConcurrentHashMap<>();

  /**
   * @param token the admin token; null or empty: every request is refused
   */
  public Signatures(String token, Clock clock) {
    this(clock, () -> token);
  }

  /**
   * @param token the admin token in force, read for each request (a reload may replace it)
   */
  public Signatures(Clock clock, java.util.function.Supplier<String> token) {
    this.token = requireNonNull(token, "token");
    this.clock = requireNonNull(clock, "clock");
  }

  /** Why a request was refused. */
  public static final class Refused extends Exception {
    private static final long serialVersionUID = 1L;

    Refused(String message) {
      super(message, null, false, false);
    }
  }

  /** A copy of {@code body} signed for {@code address} with {@code token} at the clock's time. */
  public static JsonObject sign(String token, String address, JsonObject body, Clock clock) {
    byte[] nonceBytes = new byte[16];
    RANDOM.nextBytes(nonceBytes);
    String nonce = HexFormat.of().formatHex(nonceBytes);
    long time = clock.instant().getEpochSecond();
    JsonObject out = body.copy();
    out.remove("auth");
    String hmac = hmac(token.getBytes(StandardCharsets.UTF_8), message(address, time, nonce, out));
    return out.put(
        "auth", new JsonObject().put("time", time).put("nonce", nonce).put("hmac", hmac));
  }

  /**
   * Checks the signature of {@code request} sent to {@code address}.
   *
   * @throws Refused with the reason, in the house error form
   */
  public void verify(String address, JsonObject request) throws Refused {
    String t0 = token.get();
    byte[] key = t0 == null || t0.isEmpty() ? null : t0.getBytes(StandardCharsets.UTF_8);
    if (key == null) {
      throw new Refused(
          "auth: (refused) (expected: admin.token set on this node; without it event-bus admin"
              + " commands are refused)");
    }
    JsonObject auth = request == null ? null : request.getJsonObject("auth");
    if (auth == null) {
      throw new Refused("auth: " + "(missing)" + " (expected: {time, nonce, hmac})");
    }
    Object t = auth.getValue("time");
    String nonce = auth.getValue("nonce") instanceof String s ? s : null;
    String hmac = auth.getValue("hmac") instanceof String s ? s : null;
    if (!(t instanceof Number number)) {
      throw new Refused("auth.time: " + t + " (expected: epoch seconds)");
    }
    if (nonce == null || nonce.isEmpty() || nonce.length() > 128) {
      throw new Refused("auth.nonce: " + nonce + " (expected: 1..128 characters)");
    }
    if (hmac == null) {
      throw new Refused("auth.hmac: (missing) (expected: hex HMAC-SHA256)");
    }
    long time = number.longValue();
    long now = clock.instant().getEpochSecond();
    if (Math.abs(now - time) > WINDOW.toSeconds()) {
      throw new Refused(
          "auth.time: " + time + " (expected: within " + WINDOW.toSeconds() + "s of " + now + ")");
    }
    JsonObject body = request.copy();
    body.remove("auth");
    String expected = hmac(key, message(address, time, nonce, body));
    if (!MessageDigest.isEqual(
        expected.getBytes(StandardCharsets.US_ASCII),
        hmac.toLowerCase(java.util.Locale.ROOT).getBytes(StandardCharsets.US_ASCII))) {
      throw new Refused("auth.hmac: (invalid) (expected: signed with this cluster's admin token)");
    }
    long nowMillis = clock.millis();
    if (seen.size() > MAX_NONCES) {
      seen.values().removeIf(exp -> exp < nowMillis);
    }
    Long prev = seen.putIfAbsent(nonce, nowMillis + 2 * WINDOW.toMillis());
    if (prev != null && prev >= nowMillis) {
      throw new Refused("auth.nonce: " + nonce + " (expected: a nonce not used before)");
    }
    if (prev != null) {
      seen.put(nonce, nowMillis + 2 * WINDOW.toMillis());
    }
  }

  /** The signed text. */
  static String message(String address, long time, String nonce, JsonObject body) {
    return address + "\n" + time + "\n" + nonce + "\n" + canonical(body);
  }

  /** Compact JSON with sorted object keys. */
  public static String canonical(Object v) {
    StringBuilder sb = new StringBuilder();
    write(sb, v);
    return sb.toString();
  }

  private static void write(StringBuilder sb, Object v) {
    if (v instanceof Map<?, ?> m) {
      v = new JsonObject(castMap(m));
    } else if (v instanceof java.util.List<?> l) {
      v = new JsonArray(new java.util.ArrayList<>(l));
    }
    if (v instanceof JsonObject o) {
      sb.append('{');
      boolean first = true;
      for (String k : new TreeSet<>(o.fieldNames())) {
        if (!first) {
          sb.append(',');
        }
        first = false;
        sb.append(Json.encode(k)).append(':');
        write(sb, o.getValue(k));
      }
      sb.append('}');
    } else if (v instanceof JsonArray a) {
      sb.append('[');
      Iterator<Object> it = a.iterator();
      while (it.hasNext()) {
        write(sb, it.next());
        if (it.hasNext()) {
          sb.append(',');
        }
      }
      sb.append(']');
    } else if (v instanceof Number n && !(n instanceof Double || n instanceof Float)) {
      sb.append(n.longValue());
    } else {
      sb.append(Json.encode(v));
    }
  }

  @SuppressWarnings("unchecked")
  private static Map<String, Object> castMap(Map<?, ?> m) {
    return (Map<String, Object>) m;
  }

  private static String hmac(byte[] key, String message) {
    try {
      Mac mac = Mac.getInstance("HmacSHA256");
      mac.init(new SecretKeySpec(key, "HmacSHA256"));
      return HexFormat.of().formatHex(mac.doFinal(message.getBytes(StandardCharsets.UTF_8)));
    } catch (GeneralSecurityException e) {
      throw new IllegalStateException("HmacSHA256 unavailable", e);
    }
  }
}
