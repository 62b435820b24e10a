package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Active health checks (HAProxy semantics): every {@code interval}, a check that must finish within
 * {@code timeout}; {@code fall} consecutive failures mark a server down and {@code rise}
 * consecutive successes mark it up.
 *
 * @param path the HTTP path requested ({@link Type#HTTP} only)
 * @param expect what a healthy answer is ({@link Type#HTTP} only)
 * @param method the HTTP method of the check ({@code GET}, {@code HEAD} as in HAProxy's {@code
 *     option httpchk HEAD}, ...)
 * @param host the {@code Host} sent (and the TLS server name), null: the server's address
 * @param headers more header fields sent with each check, in order
 */
public record HealthCheckConfig(
    Type type,
    String path,
    Duration interval,
    Duration timeout,
    int rise,
    int fall,
    Expect expect,
    String method,
    @Nullable String host,
    Map<String, String> headers) {
  /** The default {@link #method}. */
  public static final String DEFAULT_METHOD = "GET";

  /**
   * The defaults: an HTTP {@code GET /} every 2 s, answered within 1 s (or the interval, when
   * shorter) with a status in 200..399; down after 3 failures, up after 2 successes.
   */
  public static final HealthCheckConfig DEFAULT =
      new HealthCheckConfig(
          Type.HTTP, "/", Duration.ofSeconds(2), Duration.ofSeconds(1), 2, 3, 200, 399);

  public HealthCheckConfig {
    requireNonNull(type, "type");
    requireNonNull(interval, "interval");
    requireNonNull(timeout, "timeout");
    requireNonNull(expect, "expect");
    requireNonNull(method, "method");
    headers = Collections.unmodifiableMap(new LinkedHashMap<>(headers));
  }

  /** A {@code GET} check with no extra fields that expects a status in {@code min..max}. */
  public HealthCheckConfig(
      Type type,
      String path,
      Duration interval,
      Duration timeout,
      int rise,
      int fall,
      int expectMin,
      int expectMax) {
    this(
        type,
        path,
        interval,
        timeout,
        rise,
        fall,
        Expect.range(expectMin, expectMax),
        DEFAULT_METHOD,
        null,
        Map.of());
  }

  /** Check types. */
  public enum Type {
    HTTP,
    TCP
  }

  /** Whether an HTTP status counts as healthy. */
  public boolean accepts(int status) {
    return expect.accepts(status);
  }

  /**
   * What a healthy answer is ({@code expect:}): a status among {@link #statuses} and, when {@link
   * #body} is set, a body that contains that text, or matches the regular expression written after
   * a leading {@code ~} (HAProxy's {@code http-check expect string} and {@code rstring}).
   *
   * @param statuses at least one range; a single status is a range of one
   * @param body the text or {@code ~REGEX} the body must hold, null: any body
   */
  public record Expect(List<StatusRange> statuses, @Nullable String body) {
    /** The default: a status in 200..399, any body. */
    public static final Expect DEFAULT = range(200, 399);

    public Expect {
      statuses = List.copyOf(statuses);
      if (statuses.isEmpty()) {
        throw new IllegalArgumentException("statuses: [] (expected: at least one)");
      }
    }

    /** A status in {@code min..max}, any body. */
    public static Expect range(int min, int max) {
      return new Expect(List.of(new StatusRange(min, max)), null);
    }

    /** Whether the status is one of {@link #statuses}. */
    public boolean accepts(int status) {
      for (StatusRange r : statuses) {
        if (status >= r.min() && status <= r.max()) {
          return true;
        }
      }
      return false;
    }

    /** The statuses as written: {@code 200,204,300-399}. */
    public String statusText() {
      List<String> parts = new ArrayList<>(statuses.size());
      statuses.forEach(r -> parts.add(r.toString()));
      return String.join(",", parts);
    }
  }

  /** HTTP statuses {@code min..max} (inclusive). */
  public record StatusRange(int min, int max) {
    @Override
    public String toString() {
      return min == max ? Integer.toString(min) : min + "-" + max;
    }
  }
}
