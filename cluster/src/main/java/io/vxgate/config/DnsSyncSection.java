package io.vxgate.config;

import java.util.Base64;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reads {@code dns-sync:} (docs/configuration.md, section "dns-sync"). */
final class DnsSyncSection {
  static final List<String> TSIG_ALGORITHMS =
      List.of("hmac-md5", "hmac-sha1", "hmac-sha224", "hmac-sha256", "hmac-sha384", "hmac-sha512");

  private DnsSyncSection() {}

  /** The section, or null when absent or invalid. */
  static @Nullable DnsSyncConfig read(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("server", "zone", "name", "ttl", "tsig");
    Cursor sc = f.get("server");
    HostPort server =
        sc.require(Values.BIND) ? sc.scalar(Values.BIND, s -> Syntax.hostPort(s, 1)) : null;
    Cursor zc = f.get("zone");
    String zone =
        zc.require(Values.DNS_NAME) ? zc.scalar(Values.DNS_NAME, DnsSyncSection::dnsName) : null;
    Cursor nc = f.get("name");
    String name = null;
    if (nc.require(Values.DNS_NAME)) {
      String expected = zone == null ? Values.DNS_NAME : "a DNS name inside zone " + zone;
      String z = zone == null ? null : trimDot(zone).toLowerCase(Locale.ROOT);
      name =
          nc.scalar(
              expected,
              s -> {
                String n = dnsName(s);
                if (n == null || z == null) {
                  return n;
                }
                String l = trimDot(n).toLowerCase(Locale.ROOT);
                return l.equals(z) || l.endsWith("." + z) ? n : null;
              });
    }
    Integer ttl =
        f.get("ttl")
            .scalar(
                "an integer >= 0",
                s -> Values.integer(s, 0, Integer.MAX_VALUE),
                DnsSyncConfig.DEFAULT_TTL);
    DnsSyncConfig.TsigConfig tsig = tsig(f.get("tsig"));
    return server == null || zone == null || name == null
        ? null
        : new DnsSyncConfig(server, zone, name, ttl, tsig);
  }

  private static DnsSyncConfig.@Nullable TsigConfig tsig(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("name", "algorithm", "secret");
    Cursor nc = f.get("name");
    String keyName =
        nc.require(Values.DNS_NAME) ? nc.scalar(Values.DNS_NAME, DnsSyncSection::dnsName) : null;
    String algorithm =
        f.get("algorithm")
            .scalar(
                "one of: " + String.join(", ", TSIG_ALGORITHMS),
                s ->
                    TSIG_ALGORITHMS.contains(s.toLowerCase(Locale.ROOT))
                        ? s.toLowerCase(Locale.ROOT)
                        : null,
                DnsSyncConfig.TsigConfig.DEFAULT_ALGORITHM);
    Cursor sc = f.get("secret");
    String secret =
        sc.require("a base64 key") ? sc.scalar("a base64 key", DnsSyncSection::base64) : null;
    return keyName == null || secret == null
        ? null
        : new DnsSyncConfig.TsigConfig(keyName, algorithm, secret);
  }

  private static @Nullable String dnsName(String s) {
    return Syntax.dnsName(s) ? s : null;
  }

  private static String trimDot(String s) {
    return s.endsWith(".") ? s.substring(0, s.length() - 1) : s;
  }

  private static @Nullable String base64(String s) {
    if (s.isEmpty()) {
      return null;
    }
    try {
      Base64.getDecoder().decode(s);
      return s;
    } catch (IllegalArgumentException e) {
      return null;
    }
  }
}
