package io.vxgate.config;

import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import java.util.function.Predicate;
import org.jspecify.annotations.Nullable;

/**
 * The TLS cipher suites a listener can be given ({@code tls.ciphers} for TLS 1.2, {@code
 * tls.ciphersuites} for TLS 1.3; docs/configuration.md#listeners-node-local), by their OpenSSL
 * names, with their IANA (JDK) names.
 *
 * <p>{@code ciphers} is read as OpenSSL reads a cipher list, over the suites of {@link #TLS12}: a
 * list of words separated by {@code :} (or commas or spaces), each a suite name or a keyword such
 * as {@code HIGH}, {@code ECDHE}, {@code AESGCM}, words joined by {@code +} meaning every suite
 * that all of them name; a word alone adds the suites it names (in the table's order), {@code -}
 * removes them, {@code !} removes them for good, {@code +} in front moves them to the end. Keywords
 * of suites that are never offered ({@code aNULL}, {@code MD5}, {@code RC4}, {@code 3DES}, ...)
 * name none, so that {@code HIGH:!aNULL:!MD5} (nginx's default) reads as it does in OpenSSL.
 */
public final class TlsCiphers {
  /** One TLS 1.2 suite: its names and what keywords see of it. */
  private record Suite(String openSsl, String iana, String kx, String au, String enc, String mac) {}

  /** The TLS 1.2 suites, in the order a keyword adds them (forward secrecy and AEAD first). */
  private static final List<Suite> TLS12 =
      List.of(
          new Suite(
              "ECDHE-ECDSA-AES128-GCM-SHA256",
              "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256",
              "ECDHE",
              "ECDSA",
              "AES128GCM",
              "AEAD"),
          new Suite(
              "ECDHE-RSA-AES128-GCM-SHA256",
              "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256",
              "ECDHE",
              "RSA",
              "AES128GCM",
              "AEAD"),
          new Suite(
              "ECDHE-ECDSA-AES256-GCM-SHA384",
              "TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384",
              "ECDHE",
              "ECDSA",
              "AES256GCM",
              "AEAD"),
          new Suite(
              "ECDHE-RSA-AES256-GCM-SHA384",
              "TLS_ECDHE_RSA_WITH_AES_256_GCM_SHA384",
              "ECDHE",
              "RSA",
              "AES256GCM",
              "AEAD"),
          new Suite(
              "ECDHE-ECDSA-CHACHA20-POLY1305",
              "TLS_ECDHE_ECDSA_WITH_CHACHA20_POLY1305_SHA256",
              "ECDHE",
              "ECDSA",
              "CHACHA20",
              "AEAD"),
          new Suite(
              "ECDHE-RSA-CHACHA20-POLY1305",
              "TLS_ECDHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
              "ECDHE",
              "RSA",
              "CHACHA20",
              "AEAD"),
          new Suite(
              "DHE-RSA-AES128-GCM-SHA256",
              "TLS_DHE_RSA_WITH_AES_128_GCM_SHA256",
              "DHE",
              "RSA",
              "AES128GCM",
              "AEAD"),
          new Suite(
              "DHE-RSA-AES256-GCM-SHA384",
              "TLS_DHE_RSA_WITH_AES_256_GCM_SHA384",
              "DHE",
              "RSA",
              "AES256GCM",
              "AEAD"),
          new Suite(
              "DHE-RSA-CHACHA20-POLY1305",
              "TLS_DHE_RSA_WITH_CHACHA20_POLY1305_SHA256",
              "DHE",
              "RSA",
              "CHACHA20",
              "AEAD"),
          new Suite(
              "ECDHE-ECDSA-AES128-SHA256",
              "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA256",
              "ECDHE",
              "ECDSA",
              "AES128",
              "SHA256"),
          new Suite(
              "ECDHE-RSA-AES128-SHA256",
              "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA256",
              "ECDHE",
              "RSA",
              "AES128",
              "SHA256"),
          new Suite(
              "ECDHE-ECDSA-AES256-SHA384",
              "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA384",
              "ECDHE",
              "ECDSA",
              "AES256",
              "SHA384"),
          new Suite(
              "ECDHE-RSA-AES256-SHA384",
              "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA384",
              "ECDHE",
              "RSA",
              "AES256",
              "SHA384"),
          new Suite(
              "ECDHE-ECDSA-AES128-SHA",
              "TLS_ECDHE_ECDSA_WITH_AES_128_CBC_SHA",
              "ECDHE",
              "ECDSA",
              "AES128",
              "SHA1"),
          new Suite(
              "ECDHE-RSA-AES128-SHA",
              "TLS_ECDHE_RSA_WITH_AES_128_CBC_SHA",
              "ECDHE",
              "RSA",
              "AES128",
              "SHA1"),
          new Suite(
              "ECDHE-ECDSA-AES256-SHA",
              "TLS_ECDHE_ECDSA_WITH_AES_256_CBC_SHA",
              "ECDHE",
              "ECDSA",
              "AES256",
              "SHA1"),
          new Suite(
              "ECDHE-RSA-AES256-SHA",
              "TLS_ECDHE_RSA_WITH_AES_256_CBC_SHA",
              "ECDHE",
              "RSA",
              "AES256",
              "SHA1"),
          new Suite(
              "AES128-GCM-SHA256",
              "TLS_RSA_WITH_AES_128_GCM_SHA256",
              "RSA",
              "RSA",
              "AES128GCM",
              "AEAD"),
          new Suite(
              "AES256-GCM-SHA384",
              "TLS_RSA_WITH_AES_256_GCM_SHA384",
              "RSA",
              "RSA",
              "AES256GCM",
              "AEAD"),
          new Suite(
              "AES128-SHA256", "TLS_RSA_WITH_AES_128_CBC_SHA256", "RSA", "RSA", "AES128", "SHA256"),
          new Suite(
              "AES256-SHA256", "TLS_RSA_WITH_AES_256_CBC_SHA256", "RSA", "RSA", "AES256", "SHA256"),
          new Suite("AES128-SHA", "TLS_RSA_WITH_AES_128_CBC_SHA", "RSA", "RSA", "AES128", "SHA1"),
          new Suite("AES256-SHA", "TLS_RSA_WITH_AES_256_CBC_SHA", "RSA", "RSA", "AES256", "SHA1"));

  /**
   * The TLS 1.2 suites offered when {@code ciphers} is not set: forward secret and AEAD only (what
   * HTTP/2 allows, RFC 9113 section 9.2.2).
   */
  public static final List<String> DEFAULT_TLS12 =
      List.of(
          "ECDHE-ECDSA-AES128-GCM-SHA256",
          "ECDHE-RSA-AES128-GCM-SHA256",
          "ECDHE-ECDSA-AES256-GCM-SHA384",
          "ECDHE-RSA-AES256-GCM-SHA384",
          "ECDHE-ECDSA-CHACHA20-POLY1305",
          "ECDHE-RSA-CHACHA20-POLY1305");

  /** The TLS 1.3 suites (their OpenSSL and IANA names are the same), all offered by default. */
  public static final List<String> TLS13 =
      List.of("TLS_AES_128_GCM_SHA256", "TLS_AES_256_GCM_SHA384", "TLS_CHACHA20_POLY1305_SHA256");

  /** Keywords and what they name. */
  private static final Map<String, Predicate<Suite>> KEYWORDS =
      Map.ofEntries(
          Map.entry("ALL", s -> true),
          Map.entry("DEFAULT", s -> true),
          Map.entry("HIGH", s -> true),
          Map.entry("FIPS", s -> true),
          Map.entry("ECDHE", s -> s.kx().equals("ECDHE")),
          Map.entry("EECDH", s -> s.kx().equals("ECDHE")),
          Map.entry("KECDHE", s -> s.kx().equals("ECDHE")),
          Map.entry("ECDH", s -> s.kx().equals("ECDHE")),
          Map.entry("DHE", s -> s.kx().equals("DHE")),
          Map.entry("EDH", s -> s.kx().equals("DHE")),
          Map.entry("KDHE", s -> s.kx().equals("DHE")),
          Map.entry("KEDH", s -> s.kx().equals("DHE")),
          Map.entry("DH", s -> s.kx().equals("DHE")),
          Map.entry("RSA", s -> s.kx().equals("RSA")),
          Map.entry("KRSA", s -> s.kx().equals("RSA")),
          Map.entry("ARSA", s -> s.au().equals("RSA")),
          Map.entry("ECDSA", s -> s.au().equals("ECDSA")),
          Map.entry("AECDSA", s -> s.au().equals("ECDSA")),
          Map.entry("AES", s -> s.enc().startsWith("AES")),
          Map.entry("AESGCM", s -> s.enc().endsWith("GCM")),
          Map.entry("AES128", s -> s.enc().startsWith("AES128")),
          Map.entry("AES256", s -> s.enc().startsWith("AES256")),
          Map.entry("CHACHA20", s -> s.enc().equals("CHACHA20")),
          Map.entry("SHA1", s -> s.mac().equals("SHA1")),
          Map.entry("SHA", s -> s.mac().equals("SHA1")),
          Map.entry("SHA256", s -> s.mac().equals("SHA256")),
          Map.entry("SHA384", s -> s.mac().equals("SHA384")),
          Map.entry("TLSV1.2", s -> !s.mac().equals("SHA1")),
          Map.entry("TLSV1", s -> s.mac().equals("SHA1")),
          Map.entry("SSLV3", s -> s.mac().equals("SHA1")));

  /** Keywords of suites that are never offered: they name none. */
  private static final Set<String> NEVER =
      Set.of(
          "ANULL",
          "ENULL",
          "NULL",
          "MD5",
          "RC4",
          "DES",
          "3DES",
          "IDEA",
          "SEED",
          "CAMELLIA",
          "CAMELLIA128",
          "CAMELLIA256",
          "ARIA",
          "ARIA128",
          "ARIA256",
          "DSS",
          "ADSS",
          "PSK",
          "KPSK",
          "ECDHEPSK",
          "DHEPSK",
          "RSAPSK",
          "KRSAPSK",
          "SRP",
          "KSRP",
          "ASRP",
          "EXPORT",
          "EXP",
          "LOW",
          "MEDIUM",
          "ADH",
          "AECDH",
          "KDH",
          "COMPLEMENTOFALL",
          "COMPLEMENTOFDEFAULT",
          "CCM",
          "CCM8",
          "AESCCM",
          "AESCCM8",
          "GOST",
          "KGOST",
          "AGOST",
          "SHA224");

  private TlsCiphers() {}

  /** The IANA (JDK) name of a TLS 1.2 suite's OpenSSL name, or of a TLS 1.3 name; else null. */
  public static @Nullable String iana(String name) {
    if (TLS13.contains(name)) {
      return name;
    }
    for (Suite s : TLS12) {
      if (s.openSsl().equals(name)) {
        return s.iana();
      }
    }
    return null;
  }

  /** Every TLS 1.2 suite name, in the table's order. */
  static List<String> tls12Names() {
    List<String> out = new ArrayList<>();
    TLS12.forEach(s -> out.add(s.openSsl()));
    return out;
  }

  /**
   * The TLS 1.2 suites (OpenSSL names) a cipher list names, in order.
   *
   * @param unknown receives each word that is neither a suite nor a keyword (then the result is not
   *     meaningful)
   */
  static List<String> tls12(String list, java.util.function.Consumer<String> unknown) {
    LinkedHashSet<Suite> out = new LinkedHashSet<>();
    Set<Suite> banned = new java.util.HashSet<>();
    for (String word : list.trim().split("[:, ]+", -1)) {
      if (word.isEmpty() || word.startsWith("@")) {
        continue; // @STRENGTH, @SECLEVEL=N: ordering and levels, nothing to select
      }
      char op = word.charAt(0);
      String rest = op == '!' || op == '-' || op == '+' ? word.substring(1) : word;
      Predicate<Suite> names = names(rest, unknown);
      if (names == null) {
        continue;
      }
      List<Suite> named = new ArrayList<>();
      TLS12.forEach(
          s -> {
            if (names.test(s)) {
              named.add(s);
            }
          });
      switch (op) {
        case '!' -> {
          named.forEach(out::remove);
          banned.addAll(named);
        }
        case '-' -> named.forEach(out::remove);
        case '+' ->
            named.forEach(
                s -> {
                  if (out.remove(s)) {
                    out.add(s);
                  }
                });
        default ->
            named.forEach(
                s -> {
                  if (!banned.contains(s)) {
                    out.add(s);
                  }
                });
      }
    }
    List<String> names = new ArrayList<>(out.size());
    out.forEach(s -> names.add(s.openSsl()));
    return names;
  }

  /** What a word ({@code A} or {@code A+B+...}) names, or null when a part is unknown. */
  // String.split drops trailing empty parts: A+ names what A names
  @SuppressWarnings("StringSplitter")
  private static @Nullable Predicate<Suite> names(
      String word, java.util.function.Consumer<String> unknown) {
    Predicate<Suite> all = s -> true;
    for (String part : word.split("\\+")) {
      Predicate<Suite> p = part(part);
      if (p == null) {
        unknown.accept(part.isEmpty() ? word : part);
        return null;
      }
      all = all.and(p);
    }
    return all;
  }

  private static @Nullable Predicate<Suite> part(String part) {
    for (Suite s : TLS12) {
      if (s.openSsl().equalsIgnoreCase(part) || s.iana().equalsIgnoreCase(part)) {
        return s::equals;
      }
    }
    String k = part.toUpperCase(Locale.ROOT);
    Predicate<Suite> keyword = KEYWORDS.get(k);
    if (keyword != null) {
      return keyword;
    }
    return NEVER.contains(k) ? s -> false : null;
  }
}
