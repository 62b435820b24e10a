package io.vxgate.gateway.accesslog;

import io.vxgate.config.AccessLogConfig;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/**
 * The facts a line can show (docs/operations.md, "Access logs"), in the order of {@link
 * AccessLogConfig#FIELDS}: the keys of {@code format: json} and the names of a {@code custom}
 * template. Each writes its value as JSON (strings quoted, {@code null} where unknown) or as text
 * (escaped as nginx does, {@code -} where unknown).
 */
enum Field {
  TIME,
  NODE,
  LISTENER,
  CLIENT,
  METHOD,
  PATH,
  QUERY,
  PROTOCOL,
  HOST,
  STATUS,
  BYTES_IN,
  BYTES_OUT,
  DURATION_MS,
  ROUTE,
  UPSTREAM,
  SERVER,
  UPSTREAM_STATUS,
  UPSTREAM_CONNECT_MS,
  UPSTREAM_RESPONSE_MS,
  RETRIES,
  REQUEST_ID,
  TRACE_ID,
  TERMINATION,
  USER_AGENT,
  REFERER,
  TLS;

  /** The name in the config and the JSON key. */
  final String key = name().toLowerCase(Locale.ROOT);

  static Field of(String key) {
    return valueOf(key.toUpperCase(Locale.ROOT));
  }

  /** Writes this fact of {@code r}. */
  void write(AccessRecord r, String node, Line out, boolean json) {
    switch (this) {
      case TIME -> {
        if (json) {
          out.append('"').rfc3339(r.startMillis).append('"');
        } else {
          out.rfc3339(r.startMillis);
        }
      }
      case NODE -> string(node, out, json);
      case LISTENER -> string(r.listener, out, json);
      case CLIENT -> string(client(r), out, json);
      case METHOD -> string(r.method, out, json);
      case PATH -> string(path(r.target), out, json);
      case QUERY -> string(query(r.target), out, json);
      case PROTOCOL -> string(protocol(r.version), out, json);
      case HOST -> string(r.host, out, json);
      case STATUS -> number(r.status, r.status > 0, out, json);
      case BYTES_IN -> out.append(r.bytesIn);
      case BYTES_OUT -> out.append(r.bytesOut);
      case DURATION_MS -> out.ms(r.durationNanos());
      case ROUTE -> string(r.route, out, json);
      case UPSTREAM -> string(r.upstream, out, json);
      case SERVER -> string(r.server, out, json);
      case UPSTREAM_STATUS -> number(r.upstreamStatus, r.upstreamStatus > 0, out, json);
      case UPSTREAM_CONNECT_MS ->
          ms(r.connectNanos < 0 ? -1 : r.waitNanos + r.connectNanos, out, json);
      case UPSTREAM_RESPONSE_MS -> ms(r.responseNanos, out, json);
      case RETRIES -> number(r.attempts - 1, r.attempts > 0, out, json);
      case REQUEST_ID -> string(r.requestId, out, json);
      case TRACE_ID -> traceId(r, out, json);
      case TERMINATION -> string(r.termination == null ? null : r.termination.word(), out, json);
      case USER_AGENT -> string(r.userAgent, out, json);
      case REFERER -> string(r.referer, out, json);
      case TLS -> string(r.tls, out, json);
    }
  }

  private static void string(@Nullable String s, Line out, boolean json) {
    if (json) {
      out.json(s);
    } else {
      out.text(s);
    }
  }

  /** The trace id's 32 hex digits, or null / {@code -} when the request has none. */
  private static void traceId(AccessRecord r, Line out, boolean json) {
    if (r.traceHi == 0 && r.traceLo == 0) {
      out.append(json ? "null" : "-");
    } else if (json) {
      out.append('"').hex(r.traceHi).hex(r.traceLo).append('"');
    } else {
      out.hex(r.traceHi).hex(r.traceLo);
    }
  }

  private static void number(long v, boolean known, Line out, boolean json) {
    if (known) {
      out.append(v);
    } else {
      out.append(json ? "null" : "-");
    }
  }

  private static void ms(long nanos, Line out, boolean json) {
    if (nanos >= 0) {
      out.ms(nanos);
    } else {
      out.append(json ? "null" : "-");
    }
  }

  /** The client as the gateway believes it, else the TCP peer's address. */
  static @Nullable String client(AccessRecord r) {
    if (r.client != null) {
      return r.client;
    }
    return r.peer == null || r.peer.getAddress() == null
        ? null
        : r.peer.getAddress().getHostAddress();
  }

  /** The path of a request target as sent (origin-form, or that of an absolute-form target). */
  static @Nullable String path(@Nullable String target) {
    if (target == null) {
      return null;
    }
    int q = target.indexOf('?');
    String t = q < 0 ? target : target.substring(0, q);
    if (!t.startsWith("/")) {
      int scheme = t.indexOf("://");
      if (scheme > 0) {
        int slash = t.indexOf('/', scheme + 3);
        return slash < 0 ? "/" : t.substring(slash);
      }
    }
    return t;
  }

  /** The query of a request target, without its {@code ?}; null when it has none. */
  static @Nullable String query(@Nullable String target) {
    if (target == null) {
      return null;
    }
    int q = target.indexOf('?');
    return q < 0 ? null : target.substring(q + 1);
  }

  static @Nullable String protocol(int version) {
    return switch (version) {
      case 10 -> "HTTP/1.0";
      case 11 -> "HTTP/1.1";
      case 20 -> "HTTP/2.0";
      default -> null;
    };
  }
}
