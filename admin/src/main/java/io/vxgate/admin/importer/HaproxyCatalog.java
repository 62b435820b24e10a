package io.vxgate.admin.importer;

import java.util.HashMap;
import java.util.Map;

/** Why a HAProxy line that no translation step took is left out. */
final class HaproxyCatalog {
  private static final Map<String, String> IGNORED = new HashMap<>();
  private static final Map<String, String> UNSUPPORTED = new HashMap<>();

  private static void ignored(String why, String... keys) {
    for (String k : keys) {
      IGNORED.put(k, why);
    }
  }

  private static void unsupported(String why, String... keys) {
    for (String k : keys) {
      UNSUPPORTED.put(k, why);
    }
  }

  static {
    ignored(
        "HAProxy process setting (vxgate is one JVM process per node, see docs/operations.md)",
        "daemon",
        "user",
        "group",
        "uid",
        "gid",
        "chroot",
        "pidfile",
        "nbproc",
        "nbthread",
        "cpu-map",
        "master-worker",
        "hard-stop-after",
        "ulimit-n",
        "node",
        "description",
        "quiet",
        "zero-warning",
        "set-dumpable",
        "busy-polling",
        "expose-experimental-directives",
        "insecure-fork-wanted",
        "insecure-setuid-wanted",
        "setenv",
        "presetenv",
        "resetenv",
        "unsetenv",
        "localpeer",
        "server-state-file",
        "server-state-base",
        "load-server-state-from-file",
        "spread-checks",
        "grace",
        "maxconnrate",
        "maxsslrate",
        "maxsessrate",
        "maxsslconn",
        "ssl-dh-param-file",
        "ssl-server-verify",
        "ssl-load-extra-files",
        "ssl-mode-async",
        "ssl-default-server-options",
        "ssl-default-server-ciphers",
        "ssl-default-server-ciphersuites",
        "ca-base",
        "crt-base",
        "id",
        "fullconn",
        "hash-balance-factor",
        "http-reuse",
        "email-alert",
        "h1-case-adjust",
        "h1-case-adjust-file",
        "stats");
    ignored(
        "no translated frontend logs with it",
        "log",
        "log-format",
        "capture",
        "option httplog",
        "option httpslog",
        "option tcplog");
    ignored(
        "a logging detail vxgate does not have (its access log: docs/operations.md)",
        "log-format-sd",
        "error-log-format",
        "log-tag",
        "log-send-hostname",
        "option dontlognull",
        "option log-separate-errors",
        "option logasap",
        "option log-health-checks",
        "option dontlog-normal",
        "unique-id-format",
        "unique-id-header",
        "declare");
    ignored(
        "connection handling that vxgate does itself",
        "option http-server-close",
        "option httpclose",
        "option http-keep-alive",
        "option http-pretend-keepalive",
        "option http-no-delay",
        "option http-use-htx",
        "option abortonclose",
        "option splice-auto",
        "option splice-request",
        "option splice-response",
        "option tcpka",
        "option clitcpka",
        "option srvtcpka",
        "option contstats",
        "option independent-streams",
        "option socket-stats",
        "option nolinger",
        "option originalto",
        "option checkcache",
        "option http-ignore-probes",
        "timeout queue",
        "timeout client-fin",
        "timeout server-fin",
        "timeout tarpit",
        "mode",
        "maxconn");
    ignored("vxgate resolves server names with the system resolver", "resolvers");
    ignored("vxgate nodes share state through their cluster", "peers");
    ignored("no mail alerts (vxgate logs and exports metrics)", "mailers");
    unsupported("vxgate does not compress responses", "compression", "filter");
    unsupported(
        "vxgate does not cache responses",
        "cache",
        "http-request cache-use",
        "http-response cache-store");
    unsupported("authentication is the application's", "userlist");
    unsupported(
        "Lua has no vxgate equivalent", "lua-load", "lua-prepend-path", "lua-load-per-thread");
    unsupported(
        "stick tables and TCP rules have no vxgate equivalent (rate limits: docs/configuration.md once available)",
        "stick-table",
        "stick",
        "stick on",
        "stick match",
        "stick store-request",
        "tcp-request",
        "tcp-response",
        "tcp-check");
    unsupported(
        "http-errors sections: vxgate's error-pages are bodies of files",
        "http-errors",
        "errorfiles",
        "errorloc",
        "errorloc302",
        "errorloc303");
  }

  private HaproxyCatalog() {}

  static void report(Report report, HaproxyConf.Line l) {
    String key = HaproxyProxy.key(l);
    String why = IGNORED.getOrDefault(key, IGNORED.get(l.keyword()));
    if (why != null || l.keyword().startsWith("tune.")) {
      report.ignored(l.source(), l.text(), why != null ? why : "tuning that vxgate does itself");
      return;
    }
    why = UNSUPPORTED.getOrDefault(key, UNSUPPORTED.get(l.keyword()));
    report.unsupported(l.source(), l.text(), why != null ? why : "no vxgate equivalent");
  }
}
