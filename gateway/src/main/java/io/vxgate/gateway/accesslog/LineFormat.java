package io.vxgate.gateway.accesslog;

import static java.nio.charset.StandardCharsets.US_ASCII;

import io.vxgate.config.AccessLogConfig;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * How a record becomes a line (without its line end): nginx's {@code combined}, HAProxy's {@code
 * httplog} field order, JSON, or a {@code custom} template (docs/operations.md, "Access logs").
 */
abstract class LineFormat {
  final String node;

  LineFormat(String node) {
    this.node = node;
  }

  abstract void format(AccessRecord r, Line out);

  static LineFormat of(AccessLogConfig config, String node) {
    return switch (config.format()) {
      case COMBINED -> new Combined(node);
      case HAPROXY -> new Haproxy(node);
      case JSON -> new Json(node);
      case CUSTOM -> {
        String template = config.template();
        if (template == null) { // never: AccessLogConfig requires one with format custom
          throw new IllegalArgumentException("access-log.format custom without a template");
        }
        yield new Custom(node, AccessLogConfig.parts(template));
      }
    };
  }

  /**
   * nginx's {@code combined}: {@code $remote_addr - $remote_user [$time_local] "$request" $status
   * $body_bytes_sent "$http_referer" "$http_user_agent"}. A request that got no response shows
   * nginx's 499.
   */
  static final class Combined extends LineFormat {
    Combined(String node) {
      super(node);
    }

    @Override
    void format(AccessRecord r, Line out) {
      out.text(Field.client(r)).append(" - - [").localTime(r.startMillis).append("] \"");
      requestLine(r, out);
      out.append("\" ").append(r.status > 0 ? r.status : 499).append(' ').append(r.bytesOut);
      out.append(" \"").text(r.referer).append("\" \"").text(r.userAgent).append('"');
    }
  }

  /**
   * HAProxy's {@code option httplog} field order: {@code client_ip:port [accept_date] listener
   * upstream/server Tq/Tw/Tc/Tr/Ta status bytes - - termination -/-/-/-/retries -/- "request"},
   * with the termination state in words and the connection and queue counts it does not keep as
   * {@code -}. Timers are milliseconds, -1 for a phase that did not happen; status -1 for none.
   */
  static final class Haproxy extends LineFormat {
    Haproxy(String node) {
      super(node);
    }

    @Override
    void format(AccessRecord r, Line out) {
      if (r.peer != null && r.peer.getAddress() != null) {
        out.append(r.peer.getAddress().getHostAddress()).append(':').append(r.peer.getPort());
      } else {
        out.append('-');
      }
      out.append(" [").localTimeMillis(r.startMillis).append("] ").text(r.listener).append(' ');
      out.text(r.upstream).append('/').append(r.server == null ? "<NOSRV>" : r.server);
      out.append(' ').wholeMs(r.headNanos < 0 ? -1 : r.headNanos - r.startNanos);
      out.append('/').wholeMs(r.waitNanos).append('/').wholeMs(r.connectNanos);
      out.append('/').wholeMs(r.responseNanos).append('/').wholeMs(r.durationNanos());
      out.append(' ').append(r.status > 0 ? r.status : -1).append(' ').append(r.bytesOut);
      out.append(" - - ").append(r.termination == null ? "-" : r.termination.word());
      out.append(" -/-/-/-/").append(Math.max(0, r.attempts - 1)).append(" -/- \"");
      requestLine(r, out);
      out.append('"');
    }
  }

  /**
   * One JSON object with every key of {@link AccessLogConfig#FIELDS}, in that order. The text of
   * the facts that mostly repeat from line to line (the node, the listener, the route...: the same
   * string object each time) is escaped once and copied while it stays the same.
   */
  static final class Json extends LineFormat {
    private static final Field[] ALL = Field.values();

    /** What comes before each field's value: the brace or comma, the quoted key, the colon. */
    private static final byte[][] KEYS = new byte[ALL.length][];

    static {
      for (int i = 0; i < ALL.length; i++) {
        KEYS[i] = ((i == 0 ? "{" : ",") + '"' + ALL[i].key + "\":").getBytes(US_ASCII);
      }
    }

    /** Per field, the last repeating text written and its JSON bytes (the writer thread's). */
    private final @Nullable String[] seen = new String[ALL.length];

    private final byte[] @Nullable [] seenJson = new byte[ALL.length][];

    Json(String node) {
      super(node);
    }

    @Override
    // the same object: a check as cheap as can be; an equal string is merely escaped again
    @SuppressWarnings("ReferenceEquality")
    void format(AccessRecord r, Line out) {
      for (int i = 0; i < ALL.length; i++) {
        out.append(KEYS[i]);
        String v = repeating(ALL[i], r);
        if (v == null) {
          ALL[i].write(r, node, out, true);
        } else if (v == seen[i]) {
          out.append(seenJson[i]);
        } else {
          int at = out.length();
          out.json(v);
          seen[i] = v;
          seenJson[i] = out.bytes(at);
        }
      }
      out.append('}');
    }

    /** The text of a fact that mostly repeats from line to line, or null (written as usual). */
    private @Nullable String repeating(Field f, AccessRecord r) {
      return switch (f) {
        case NODE -> node;
        case LISTENER -> r.listener;
        case METHOD -> r.method;
        case PROTOCOL -> Field.protocol(r.version);
        case ROUTE -> r.route;
        case UPSTREAM -> r.upstream;
        case SERVER -> r.server;
        case TERMINATION -> r.termination == null ? null : r.termination.word();
        default -> null;
      };
    }
  }

  /** A {@code custom} template: its text as written, each {@code $field} as text. */
  static final class Custom extends LineFormat {
    private final String[] texts;
    private final Field[] fields;

    Custom(String node, List<AccessLogConfig.Part> parts) {
      super(node);
      texts = new String[parts.size()];
      fields = new Field[parts.size()];
      for (int i = 0; i < parts.size(); i++) {
        AccessLogConfig.Part p = parts.get(i);
        if (p.field()) {
          fields[i] = Field.of(p.text());
        } else {
          texts[i] = p.text();
        }
      }
    }

    @Override
    void format(AccessRecord r, Line out) {
      for (int i = 0; i < texts.length; i++) {
        if (fields[i] != null) {
          fields[i].write(r, node, out, false);
        } else {
          out.append(texts[i]);
        }
      }
    }
  }

  /** {@code METHOD TARGET PROTOCOL} as received, or {@code -} when the head was not read. */
  static void requestLine(AccessRecord r, Line out) {
    if (r.method == null) {
      out.append('-');
      return;
    }
    out.text(r.method).append(' ').text(r.target).append(' ').text(Field.protocol(r.version));
  }
}
