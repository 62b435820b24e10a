package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One ordered route: when {@link #match} holds, the gateway does the route's {@link #action}:
 * forward the request to an upstream, answer with a redirect, or answer with a fixed response.
 *
 * @param match never null; an empty match matches every request
 * @param action what the route does with a request it matches
 * @param stripPrefix nullable; a path prefix removed before proxying (and before {@code keep-path}
 *     of a redirect)
 * @param requestHeaders changes to the request headers sent to the origin
 * @param responseHeaders changes to the response headers sent to the client
 * @param buffering what the route changes of its upstream's {@code buffering} ({@link
 *     BufferingConfig.RouteOverride#NONE} when nothing)
 */
public record RouteConfig(
    String name,
    MatchConfig match,
    Action action,
    String stripPrefix,
    HeaderActions requestHeaders,
    HeaderActions responseHeaders,
    BufferingConfig.RouteOverride buffering) {
  public RouteConfig {
    requireNonNull(name, "name");
    requireNonNull(match, "match");
    requireNonNull(action, "action");
    requestHeaders = requestHeaders == null ? HeaderActions.NONE : requestHeaders;
    responseHeaders = responseHeaders == null ? HeaderActions.NONE : responseHeaders;
    buffering = buffering == null ? BufferingConfig.RouteOverride.NONE : buffering;
  }

  /** A route that keeps its upstream's buffering. */
  public RouteConfig(
      String name,
      MatchConfig match,
      Action action,
      String stripPrefix,
      HeaderActions requestHeaders,
      HeaderActions responseHeaders) {
    this(name, match, action, stripPrefix, requestHeaders, responseHeaders, null);
  }

  /** A route that forwards to {@code upstream}, without header changes. */
  public RouteConfig(String name, MatchConfig match, String upstream, String stripPrefix) {
    this(name, match, new Forward(upstream), stripPrefix, null, null, null);
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
