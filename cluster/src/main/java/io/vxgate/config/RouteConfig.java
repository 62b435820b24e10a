package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * One ordered route: when {@link #match} holds, the gateway does the route's {@link #action}:
 * forward the request to an upstream, answer with a redirect, or answer with a fixed response.
 *
 * @param match never null; an empty match matches every request
 * @param action what the route does with a request it matches
 * @param stripPrefix a path prefix removed before proxying (and before {@code keep-path} of a
 *     redirect)
 * @param requestHeaders changes to the request headers sent to the origin
 * @param responseHeaders changes to the response headers sent to the client
 * @param buffering what the route changes of its upstream's {@code buffering} ({@link
 *     BufferingConfig.RouteOverride#NONE} when nothing)
 * @param retries the route's own {@code retries}, null: its upstream's
 * @param retryOn the route's own {@code retry-on}, null: its upstream's
 * @param timeouts the route's own {@code timeouts}: each null component is its upstream's ({@link
 *     Timeouts#NONE} when the route sets none)
 * @param limits the names of the {@code limits:} policies the route's requests are held to, in
 *     order (empty: none)
 */
public record RouteConfig(
    String name,
    MatchConfig match,
    Action action,
    @Nullable String stripPrefix,
    HeaderActions requestHeaders,
    HeaderActions responseHeaders,
    BufferingConfig.RouteOverride buffering,
    @Nullable Integer retries,
    @Nullable Set<RetryOn> retryOn,
    Timeouts timeouts,
    List<String> limits) {
  public RouteConfig {
    requireNonNull(name, "name");
    requireNonNull(match, "match");
    requireNonNull(action, "action");
    requireNonNull(requestHeaders, "requestHeaders");
    requireNonNull(responseHeaders, "responseHeaders");
    requireNonNull(buffering, "buffering");
    retryOn = retryOn == null ? null : Set.copyOf(retryOn);
    requireNonNull(timeouts, "timeouts");
    limits = List.copyOf(limits);
  }

  /** A route with its upstream's buffering, retries and timeouts, without limits. */
  public RouteConfig(
      String name,
      MatchConfig match,
      Action action,
      @Nullable String stripPrefix,
      HeaderActions requestHeaders,
      HeaderActions responseHeaders) {
    this(
        name,
        match,
        action,
        stripPrefix,
        requestHeaders,
        responseHeaders,
        BufferingConfig.RouteOverride.NONE,
        null,
        null,
        Timeouts.NONE,
        List.of());
  }

  /** A route that forwards to {@code upstream}, without header changes. */
  public RouteConfig(
      String name, MatchConfig match, String upstream, @Nullable String stripPrefix) {
    this(name, match, new Forward(upstream), stripPrefix, HeaderActions.NONE, HeaderActions.NONE);
  }

  /** The {@code retries} that apply to this route's requests to {@code upstream}. */
  public int retries(UpstreamConfig upstream) {
    return retries != null ? retries : upstream.retries();
  }

  /** The {@code retry-on} that applies to this route's requests to {@code upstream}. */
  public Set<RetryOn> retryOn(UpstreamConfig upstream) {
    return retryOn != null ? retryOn : upstream.retryOn();
  }

  /**
   * A route's own timeouts ({@code routes[].timeouts}): each one that is null is its upstream's.
   */
  public record Timeouts(
      @Nullable Duration connect, @Nullable Duration response, @Nullable Duration idle) {
    /** A route that sets no timeout: every one is its upstream's. */
    public static final Timeouts NONE = new Timeouts(null, null, null);

    /** These timeouts, each one that is null taken from {@code upstream}. */
    public TimeoutsConfig over(TimeoutsConfig upstream) {
      return new TimeoutsConfig(
          connect != null ? connect : upstream.connect(),
          response != null ? response : upstream.response(),
          idle != null ? idle : upstream.idle());
    }
  }

  /**
   * What a route does with a request: exactly one of {@code upstream:}, {@code redirect:} and
   * {@code return:} in the file.
   */
  public sealed interface Action permits Forward, Redirect, Return {}

  /** Proxy the request to the upstream of that name ({@code upstream: NAME}). */
  public record Forward(String upstream) implements Action {
    public Forward {
      requireNonNull(upstream, "upstream");
    }
  }

  /**
   * Answer with a redirect ({@code redirect:}).
   *
   * @param location an absolute URL or a path
   * @param status 301, 302, 307 or 308
   * @param keepPath whether the request's path and query are appended to {@link #location}
   */
  public record Redirect(String location, int status, boolean keepPath) implements Action {
    /** The {@code status} when none is given. */
    public static final int DEFAULT_STATUS = 302;

    public Redirect {
      requireNonNull(location, "location");
    }
  }

  /**
   * Answer with a fixed response ({@code return:}).
   *
   * @param body may be empty
   */
  public record Return(int status, String body, String contentType) implements Action {
    /** The {@code content-type} when none is given. */
    public static final String DEFAULT_CONTENT_TYPE = "text/plain; charset=utf-8";

    public Return {
      requireNonNull(body, "body");
      requireNonNull(contentType, "contentType");
    }
  }

  /**
   * Header changes: {@link #remove} first, then {@link #set} (which replaces every value of the
   * header).
   *
   * @param set header name to value, in order
   * @param remove header names
   */
  public record HeaderActions(Map<String, String> set, List<String> remove) {
    public static final HeaderActions NONE = new HeaderActions(Map.of(), List.of());

    public HeaderActions {
      set = java.util.Collections.unmodifiableMap(new java.util.LinkedHashMap<>(set));
      remove = List.copyOf(remove);
    }

    public boolean isEmpty() {
      return set.isEmpty() && remove.isEmpty();
    }
  }
}
