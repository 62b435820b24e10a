package io.vxgate.config;

import io.vxgate.config.UpstreamConfig.KeepaliveConfig;
import io.vxgate.config.UpstreamConfig.LocalityConfig;
import io.vxgate.config.UpstreamConfig.PassiveConfig;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code upstreams:} (docs/configuration.md, section "upstreams"): each upstream's own keys
 * and its small sub-sections ({@code passive}, {@code timeouts}, {@code keepalive}, {@code
 * locality}) here, {@code servers} in {@link ServersSection}, {@code health-check} in {@link
 * HealthCheckSection}, {@code sticky} in {@link StickySection}. The defaults are the records'
 * ({@code DEFAULT} instances and {@code DEFAULT_*} constants).
 */
final class UpstreamsSection {
  static final String BALANCE =
      "one of: roundrobin, leastconn, source, uri, header:NAME, cookie:NAME, random";
  static final String PEM_CA = "a PEM file of CA certificates";

  private UpstreamsSection() {}

  /**
   * @param names receives every upstream name written, valid or not, so that routes naming one are
   *     not also reported
   */
  static Map<String, UpstreamConfig> read(Cursor c, ConfigFiles files, Set<String> names) {
    Map<String, UpstreamConfig> out = new LinkedHashMap<>();
    for (Map.Entry<String, Cursor> e :
        c.entries("a mapping of upstream names to upstreams").entrySet()) {
      String name = e.getKey();
      names.add(name);
      if (Syntax.name(name) == null) {
        c.error(name.isEmpty() ? "\"\"" : name, Values.NAME);
      }
      UpstreamConfig u = upstream(name, e.getValue(), files);
      if (u != null) {
        out.put(name, u);
      }
    }
    return out;
  }

  private static @Nullable UpstreamConfig upstream(String name, Cursor c, ConfigFiles files) {
    Cursor.Fields f =
        c.fields(
            "balance",
            "hash-query",
            "servers",
            "health-check",
            "passive",
            "sticky",
            "retries",
            "retry-on",
            "timeouts",
            "keepalive",
            "slow-start",
            "locality",
            "tls-verify",
            "tls-ca",
            "buffering");
    if (!c.present()) {
      c.missing("an upstream with servers");
      return null;
    }
    if (c.notMapping()) {
      return null;
    }
    BalanceConfig balance = balance(f.get("balance"));
    Cursor hq = f.get("hash-query");
    if (hq.scalar(Values.BOOL, Syntax::bool, BalanceConfig.DEFAULT_HASH_QUERY)) {
      if (balance.kind() == BalanceConfig.Kind.URI) {
        balance = new BalanceConfig(balance.kind(), balance.argument(), true);
      } else {
        hq.error("true", "only with balance: uri");
      }
    }
    List<ServerConfig> servers = ServersSection.read(f.get("servers"));
    HealthCheckConfig hc = HealthCheckSection.read(f.get("health-check"));
    PassiveConfig passive = passive(f.get("passive"));
    UpstreamConfig.StickyConfig sticky = StickySection.read(f.get("sticky"));
    Integer r = retries(f.get("retries"));
    int retries = r != null ? r : UpstreamConfig.DEFAULT_RETRIES;
    Set<RetryOn> on = retryOn(f.get("retry-on"));
    Set<RetryOn> retryOn = on != null ? on : UpstreamConfig.DEFAULT_RETRY_ON;
    TimeoutsConfig timeouts = timeouts(f.get("timeouts")).over(TimeoutsConfig.DEFAULT);
    KeepaliveConfig keepalive = keepalive(f.get("keepalive"));
    Duration slowStart =
        f.get("slow-start")
            .scalar(Values.DURATION, Syntax::duration, UpstreamConfig.DEFAULT_SLOW_START);
    LocalityConfig locality = locality(f.get("locality"));
    boolean tlsVerify =
        f.get("tls-verify").scalar(Values.BOOL, Syntax::bool, UpstreamConfig.DEFAULT_TLS_VERIFY);
    String tlsCa = tlsCa(f.get("tls-ca"), files);
    BufferingConfig buffering = BufferingSection.upstream(f.get("buffering"));
    return new UpstreamConfig(
        name, balance, servers, hc, passive, sticky, retries, retryOn, timeouts, keepalive,
        slowStart, locality, tlsVerify, tlsCa, buffering);
  }

  private static BalanceConfig balance(Cursor c) {
    String s = c.text(BALANCE);
    if (s == null) {
      return BalanceConfig.DEFAULT;
    }
    int colon = s.indexOf(':');
    String kind = (colon < 0 ? s : s.substring(0, colon)).trim().toLowerCase(Locale.ROOT);
    String arg = colon < 0 ? null : s.substring(colon + 1).trim();
    List<String> kinds =
        List.of("roundrobin", "leastconn", "source", "uri", "header", "cookie", "random");
    if (!kinds.contains(kind)) {
      c.error(s, BALANCE + Suggestions.hint(kind, kinds));
      return BalanceConfig.DEFAULT;
    }
    BalanceConfig.Kind k = BalanceConfig.Kind.valueOf(kind.toUpperCase(Locale.ROOT));
    if (k == BalanceConfig.Kind.HEADER || k == BalanceConfig.Kind.COOKIE) {
      if (arg == null || Syntax.token(arg) == null) {
        c.error(s, kind + ":NAME with a " + kind + " name");
        return BalanceConfig.DEFAULT;
      }
      return new BalanceConfig(k, arg);
    }
    if (arg != null) {
      c.error(s, BALANCE);
    }
    return new BalanceConfig(k, null);
  }

  private static PassiveConfig passive(Cursor c) {
    PassiveConfig d = PassiveConfig.DEFAULT;
    Cursor.Fields f = c.fields("max-fails", "fail-timeout");
    return new PassiveConfig(
        f.get("max-fails")
            .scalar("an integer >= 0", s -> Values.integer(s, 0, Integer.MAX_VALUE), d.maxFails()),
        f.get("fail-timeout").scalar(Values.POSITIVE_DURATION, Values::positive, d.failTimeout()));
  }

  /** A {@code retries:} value; null when the key is not given (or is invalid, reported). */
  static @Nullable Integer retries(Cursor c) {
    return c.scalar("0..100", s -> Values.integer(s, 0, 100));
  }

  /**
   * A {@code timeouts:} mapping: the timeouts it gives (an invalid one is reported and not given).
   */
  static RouteConfig.Timeouts timeouts(Cursor c) {
    Cursor.Fields f = c.fields("connect", "response", "idle");
    return new RouteConfig.Timeouts(
        f.get("connect").scalar(Values.POSITIVE_DURATION, Values::positive),
        f.get("response").scalar(Values.POSITIVE_DURATION, Values::positive),
        f.get("idle").scalar(Values.POSITIVE_DURATION, Values::positive));
  }

  private static KeepaliveConfig keepalive(Cursor c) {
    KeepaliveConfig d = KeepaliveConfig.DEFAULT;
    Cursor.Fields f = c.fields("max-connections", "idle-timeout");
    return new KeepaliveConfig(
        f.get("max-connections")
            .scalar(
                "an integer >= 1",
                s -> Values.integer(s, 1, Integer.MAX_VALUE),
                d.maxConnections()),
        f.get("idle-timeout").scalar(Values.POSITIVE_DURATION, Values::positive, d.idleTimeout()));
  }

  private static LocalityConfig locality(Cursor c) {
    LocalityConfig d = LocalityConfig.DEFAULT;
    Cursor.Fields f = c.fields("prefer-datacenter", "min-healthy-percent");
    return new LocalityConfig(
        f.get("prefer-datacenter").scalar(Values.BOOL, Syntax::bool, d.preferDatacenter()),
        f.get("min-healthy-percent")
            .scalar("0..100", s -> Values.integer(s, 0, 100), d.minHealthyPercent()));
  }

  /** A {@code retry-on:} list; null when the key is not given. */
  static @Nullable Set<RetryOn> retryOn(Cursor c) {
    if (!c.present()) {
      return null;
    }
    List<String> names = new ArrayList<>();
    for (RetryOn r : RetryOn.values()) {
      names.add(r.configName());
    }
    String expected = "one of: " + String.join(", ", names);
    Set<RetryOn> out = EnumSet.noneOf(RetryOn.class);
    for (Cursor item : c.items("a list of retry conditions")) {
      String s = item.text(expected);
      if (s == null) {
        if (!item.present()) {
          item.missing(expected);
        }
        continue;
      }
      RetryOn r = RetryOn.of(s.trim());
      if (r == null) {
        item.error(s, expected + Suggestions.hint(s, names));
      } else {
        out.add(r);
      }
    }
    return out;
  }

  /** CA certificates: read from a file, or the PEM content itself in the JSON form. */
  private static @Nullable String tlsCa(Cursor c, ConfigFiles files) {
    String expected = files.json() ? "PEM CA certificates" : PEM_CA;
    String v = c.text(expected);
    if (v == null) {
      return null;
    }
    String pem = files.json() ? v : files.read(c, v);
    if (pem == null) {
      return null;
    }
    if (!Pem.isCertificates(pem)) {
      c.error(files.json() ? Cursor.render(v) : v, expected);
      return null;
    }
    return pem;
  }
}
