package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * Where the translated access log goes: one of the {@code access-log} destination keys ({@code
 * stdout}, {@code file}, {@code syslog}; docs/configuration.md, "access-log") and its value.
 */
record LogDestination(String key, Object value) {
  /** The syslog port when an address has none, as in nginx and HAProxy. */
  static final int SYSLOG_PORT = 514;

  LogDestination {
    requireNonNull(key, "key");
    requireNonNull(value, "value");
  }

  static LogDestination stdout() {
    return new LogDestination("stdout", true);
  }

  /**
   * Standard output for a name of the standard output or error ({@code stdout}, {@code fd@2},
   * {@code /dev/stderr}...), with how the latter differs in {@code how}; null for another name.
   */
  static @Nullable LogDestination standardStream(String name, List<String> how) {
    switch (name) {
      case "stdout", "fd@1", "/dev/stdout", "/proc/self/fd/1" -> {
        return stdout();
      }
      case "stderr", "fd@2", "/dev/stderr", "/proc/self/fd/2" -> {
        how.add("to standard output (the node's own logs go to standard error)");
        return stdout();
      }
      default -> {
        return null;
      }
    }
  }

  static LogDestination file(String path) {
    return new LogDestination("file", path);
  }

  /** A syslog server, {@code HOST:PORT} as vxgate writes it. */
  static LogDestination syslog(String hostPort) {
    return new LogDestination("syslog", hostPort);
  }

  /** The {@code access-log} key of this destination. */
  void write(Yaml.YMap accessLog) {
    accessLog.put(key, value);
  }

  /**
   * {@code HOST[:PORT]} (an IPv6 address in brackets, or bare with the port after its last colon,
   * as HAProxy reads it) as vxgate's {@code HOST:PORT}, port 514 when absent; null when it is not
   * one.
   */
  static @Nullable String syslogAddress(String s) {
    String host;
    String port = String.valueOf(SYSLOG_PORT);
    if (s.startsWith("[")) {
      int close = s.indexOf(']');
      if (close < 0) {
        return null;
      }
      host = s.substring(1, close);
      String rest = s.substring(close + 1);
      if (rest.startsWith(":")) {
        port = rest.substring(1);
      } else if (!rest.isEmpty()) {
        return null;
      }
    } else {
      int colon = s.lastIndexOf(':');
      host = colon < 0 ? s : s.substring(0, colon);
      if (colon >= 0) {
        port = s.substring(colon + 1);
      }
    }
    boolean v6 = host.contains(":");
    if (host.isEmpty()
        || !host.matches(v6 ? "[0-9A-Fa-f:.]+" : "[A-Za-z0-9._-]+")
        || !port.matches("[0-9]{1,5}")
        || Integer.parseInt(port) < 1
        || Integer.parseInt(port) > 65535) {
      return null;
    }
    return (v6 ? "[" + host + "]" : host) + ":" + port;
  }
}
