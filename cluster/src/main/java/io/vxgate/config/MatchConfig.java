package io.vxgate.config;

import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * The conditions of a route; all set conditions must hold. Unset scalar conditions are null, unset
 * list/map conditions are empty.
 *
 * @param host lower-cased; exact, or {@code *.suffix} for any subdomain of {@code suffix}
 * @param methods upper-case method tokens
 * @param headers header name to exact value, or {@code ~REGEX}
 * @param source CIDRs or addresses as written, each valid for {@link Cidr#parse}
 * @param country upper-case ISO 3166-1 alpha-2 codes
 * @param websocket when set, the request must (or must not) be a WebSocket upgrade
 */
public record MatchConfig(
    @Nullable String pathPrefix,
    @Nullable String path,
    @Nullable String pathRegex,
    @Nullable String host,
    List<String> methods,
    Map<String, String> headers,
    Map<String, String> query,
    List<String> source,
    @Nullable Boolean websocket,
    List<String> country) {
  public MatchConfig {
    methods = List.copyOf(methods);
    headers = Map.copyOf(headers);
    query = Map.copyOf(query);
    source = List.copyOf(source);
    country = List.copyOf(country);
  }

  /** A match that holds for every request. */
  public static MatchConfig any() {
    return new MatchConfig(
        null, null, null, null, List.of(), Map.of(), Map.of(), List.of(), null, List.of());
  }
}
