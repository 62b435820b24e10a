package io.vxgate.gateway.trace;

import io.vxgate.config.TracingConfig;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.http1.HeaderFields;
import java.util.concurrent.ThreadLocalRandom;

/**
 * W3C Trace Context on the request path (docs/operations.md, "Tracing"): a request with a valid
 * {@code traceparent} keeps its trace id, its caller's span becomes the parent and its flags pass
 * on; any other request starts a new trace, sampled for export at {@code tracing.sample} when an
 * OTLP endpoint is set. Either way the request gets a span id of the gateway's own, which the
 * origin receives as the parent in its {@code traceparent}. Ids come from the event loop's {@link
 * ThreadLocalRandom}; nothing is allocated here but the record's fields.
 */
public final class TraceContext {
  public static final String TRACEPARENT = "traceparent";
  public static final String TRACESTATE = "tracestate";

  /** The length of a version 00 {@code traceparent}. */
  static final int LENGTH = 55;

  private final boolean export;
  private final long threshold;

  /**
   * @param config the node's {@code tracing} section: new traces are sampled only when spans are
   *     exported
   */
  public TraceContext(TracingConfig config) {
    this.export = config.otlp() != null;
    double s = config.sample();
    this.threshold = s >= 1 ? Long.MAX_VALUE : (long) (s * Long.MAX_VALUE);
  }

  /** Reads the request's trace context from {@code fields} into {@code r}, or starts a trace. */
  public void begin(HeaderFields fields, AccessRecord r) {
    ThreadLocalRandom random = ThreadLocalRandom.current();
    long span = nonZero(random);
    String v = fields.get(TRACEPARENT);
    if (v != null && fields.count(TRACEPARENT) == 1 && valid(v)) {
      r.trace(hex(v, 3), hex(v, 19), hex(v, 36), span, (int) hex2(v, 53));
      return;
    }
    long hi = nonZero(random);
    long lo = random.nextLong();
    boolean sampled = export && (lo & Long.MAX_VALUE) < threshold;
    r.trace(hi, lo, 0, span, sampled ? 1 : 0);
  }

  private static long nonZero(ThreadLocalRandom random) {
    long v;
    do {
      v = random.nextLong();
    } while (v == 0);
    return v;
  }

  /**
   * Whether {@code v} is a {@code traceparent} this gateway continues: version 00 of exactly 55
   * characters, or a later version (not ff) that starts like one and goes on after a dash;
   * lowercase hex; neither the trace id nor the parent id all zeros.
   */
  static boolean valid(String v) {
    int n = v.length();
    if (n < LENGTH
        || !hexDigits(v, 0, 2)
        || v.startsWith("ff")
        || (v.startsWith("00") ? n != LENGTH : n > LENGTH && v.charAt(LENGTH) != '-')
        || v.charAt(2) != '-'
        || v.charAt(35) != '-'
        || v.charAt(52) != '-'
        || !hexDigits(v, 3, 35)
        || !hexDigits(v, 36, 52)
        || !hexDigits(v, 53, 55)) {
      return false;
    }
    return (hex(v, 3) | hex(v, 19)) != 0 && hex(v, 36) != 0;
  }

  private static boolean hexDigits(String s, int from, int to) {
    for (int i = from; i < to; i++) {
      if (digit(s.charAt(i)) < 0) {
        return false;
      }
    }
    return true;
  }

  /** The 16 hex digits at {@code at} (checked before). */
  static long hex(String s, int at) {
    long v = 0;
    for (int i = at; i < at + 16; i++) {
      v = v << 4 | digit(s.charAt(i));
    }
    return v;
  }

  /** The 2 hex digits at {@code at} (checked before). */
  static long hex2(String s, int at) {
    return ((long) digit(s.charAt(at)) << 4) | digit(s.charAt(at + 1));
  }

  private static int digit(char c) {
    if (c >= '0' && c <= '9') {
      return c - '0';
    }
    return c >= 'a' && c <= 'f' ? c - 'a' + 10 : -1;
  }
}
