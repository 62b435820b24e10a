package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.util.List;
import java.util.Map;

/**
 * One ordered route: when {@link #match} holds, the request is proxied to {@link #upstream},
 * redirected ({@link #redirect}) or answered with a fixed response ({@link #fixedResponse});
 * exactly one of the three is set.
 *
 * @param match never null; an empty match matches every request
 * @param upstream nullable; set when the route proxies
 * @param stripPrefix nullable; a path prefix removed before proxying (and before {@code keep-path}
 *     of a redirect)
 * @param requestHeaders changes to the request headers sent to the origin
 * @param responseHeaders changes to the response headers sent to the client
 * @param redirect nullable; set when the route answers with a redirect
 * @param fixedResponse nullable; set when the route answers {@code return:}
 */
public record RouteConfig(
    String name,
    MatchConfig match,
    String upstream,
    String stripPrefix,
    HeaderActions requestHeaders,
    HeaderActions responseHeaders,
    RedirectConfig redirect,
    ReturnConfig fixedResponse) {
  public RouteConfig {
    requireNonNull(name, "name");
    requireNonNull(match, "match");
    requestHeaders = requestHeaders == null ? HeaderActions.NONE : requestHeaders;
    responseHeaders = responseHeaders == null ? HeaderActions.NONE : responseHeaders;
  }

  /** A proxying route without header changes. */
  public RouteConfig(String name, MatchConfig match, String upstream, String stripPrefix) {
    this(name, match, upstream, stripPrefix, null, null, null, null);
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

  /**
   * Answer with a redirect.
   *
   * @param location an absolute URL or a path
   * @param status 301, 302, 307 or 308
   * @param keepPath whether the request's path and query are appended to {@link #location}
   */
  public record RedirectConfig(String location, int status, boolean keepPath) {
    public RedirectConfig {
      requireNonNull(location, "location");
    }
  }

  /**
   * Answer with a fixed response.
   *
   * @param body may be empty
   */
  public record ReturnConfig(int status, String body, String contentType) {
    public ReturnConfig {
      requireNonNull(body, "body");
      requireNonNull(contentType, "contentType");
    }
  }
}
