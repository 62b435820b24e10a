package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.LimitConfig;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.limit.Admission;

/**
 * What the client sees of a route's limits: a refused request gets 429 with {@code Retry-After} and
 * the {@code RateLimit-Policy} and {@code RateLimit} fields of draft-ietf-httpapi-ratelimit-
 * headers (revision 11: Structured Field lists of the policy's name with its quota {@code q},
 * window {@code w} or quota unit {@code qu}, and the quota left {@code r} with the seconds {@code
 * t} until more), counted per policy; a delayed one is counted too.
 */
final class LimitAnswers {
  static final String REFUSED = "refused";
  static final String DELAYED = "delayed";

  private LimitAnswers() {}

  /** Answers 429 for a request a policy refused (the limit's error page when there is one). */
  static void refuse(FrontConnection front, ProxySnapshot s, AccessRecord r, Admission a) {
    LimitConfig p = requireNonNull(a.refusedBy(), "refusedBy");
    long seconds = Math.max(1, (a.retryAfterMs() + 999) / 1000);
    HeaderFields h = new HeaderFields(3);
    h.add("Retry-After", Long.toString(seconds));
    h.add("RateLimit-Policy", policy(p, a.byConcurrency()));
    h.add("RateLimit", '"' + p.name() + "\";r=0;t=" + seconds);
    s.metrics().limited(p.name(), REFUSED);
    front.reject(s, r, 429, Termination.REFUSED_LIMIT, false, h);
  }

  /** Counts a request that waits for its limits. */
  static void delayed(ProxySnapshot s, Admission a) {
    s.metrics().limited(requireNonNull(a.delayedBy(), "delayedBy").name(), DELAYED);
  }

  /**
   * A policy as a quota policy item: {@code "api";q=10;w=1} for 10/s, {@code "api";q=300;w=60} for
   * 300/m, {@code "api";q=4;qu="concurrent-requests"} for a concurrency cap.
   */
  static String policy(LimitConfig p, boolean concurrency) {
    String name = '"' + p.name() + '"';
    if (concurrency) {
      return name + ";q=" + p.concurrency() + ";qu=\"concurrent-requests\"";
    }
    LimitConfig.Rate rate = requireNonNull(p.rate(), "rate");
    return name + ";q=" + rate.count() + ";w=" + rate.windowSeconds();
  }
}
