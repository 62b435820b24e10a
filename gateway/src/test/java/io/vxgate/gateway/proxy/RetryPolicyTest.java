package io.vxgate.gateway.proxy;

import static io.vxgate.gateway.proxy.RetryDecision.BUDGET_SPENT;
import static io.vxgate.gateway.proxy.RetryDecision.NOT_LISTED;
import static io.vxgate.gateway.proxy.RetryDecision.RETRY;
import static java.util.Objects.requireNonNull;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vxgate.config.ConfigLoader;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.RetryOn;
import io.vxgate.config.UpstreamConfig.TimeoutsConfig;
import io.vxgate.gateway.route.Router;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

/**
 * Every rule of {@code retries} and {@code retry-on}
 * (docs/configuration.md#upstreams-cluster-wide), one row each: the outcome of an attempt (a
 * failure or an origin status), the attempts made, the request (method, where its body stands:
 * none, kept whole by request buffering, streamed and unsent, streamed and partly sent) and whether
 * the response started, against the decision.
 */
class RetryPolicyTest {
  /**
   * One row per rule. {@code retry-on} is a space-separated list of config names; the outcome is a
   * failure ({@link UpstreamFailure}) or an origin status.
   */
  @ParameterizedTest(name = "{0}")
  @CsvSource(
      delimiter = '|',
      textBlock =
          """
          # rule                                      | retries | retry-on                                | outcome         | attempts | method  | body   | response started | decision
          # retry-on membership (defaults: connect-failure reset timeout)
          GET, connect refused                        | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | GET     | NONE   | false | RETRY
          GET, connect timeout                        | 2 | connect-failure reset timeout           | CONNECT_TIMEOUT | 1 | GET     | NONE   | false | RETRY
          GET, pool full                              | 2 | connect-failure reset timeout           | POOL_FULL       | 1 | GET     | NONE   | false | RETRY
          GET, pool wait timed out                    | 2 | connect-failure reset timeout           | POOL_TIMEOUT    | 1 | GET     | NONE   | false | RETRY
          GET, reset                                  | 2 | connect-failure reset timeout           | RESET           | 1 | GET     | NONE   | false | RETRY
          GET, response timeout                       | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | GET     | NONE   | false | RETRY
          no server is no condition                   | 2 | connect-failure reset timeout           | NO_SERVER       | 1 | GET     | NONE   | false | NOT_LISTED
          reset, not in retry-on                      | 2 | connect-failure                         | RESET           | 1 | GET     | NONE   | false | NOT_LISTED
          timeout, not in retry-on                    | 2 | connect-failure reset                   | TIMEOUT         | 1 | GET     | NONE   | false | NOT_LISTED
          empty retry-on                              | 2 |                                         | CONNECT_FAILURE | 1 | GET     | NONE   | false | NOT_LISTED
          status 200                                  | 2 | connect-failure reset timeout 502 503   | 200             | 1 | GET     | NONE   | false | NOT_LISTED
          status 500, not listed                      | 2 | connect-failure reset timeout 502 503   | 500             | 1 | GET     | NONE   | false | NOT_LISTED
          status 502, listed                          | 2 | connect-failure reset timeout 502 503   | 502             | 1 | GET     | NONE   | false | RETRY
          status 503, listed                          | 2 | connect-failure reset timeout 502 503   | 503             | 2 | HEAD    | NONE   | false | RETRY
          status 502, default retry-on                | 2 | connect-failure reset timeout           | 502             | 1 | GET     | NONE   | false | NOT_LISTED
          # the budget: at most `retries` further attempts
          first of 3 attempts                         | 2 | connect-failure reset timeout           | RESET           | 1 | GET     | NONE   | false | RETRY
          second of 3 attempts                        | 2 | connect-failure reset timeout           | RESET           | 2 | GET     | NONE   | false | RETRY
          third of 3 attempts                         | 2 | connect-failure reset timeout           | RESET           | 3 | GET     | NONE   | false | BUDGET_SPENT
          retries 0                                   | 0 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | GET     | NONE   | false | BUDGET_SPENT
          status, budget spent                        | 1 | connect-failure reset timeout 502 503   | 503             | 2 | GET     | NONE   | false | BUDGET_SPENT
          # non-idempotent requests are retried only on connect failure (nothing sent)
          POST, connect refused                       | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | POST    | UNSENT | false | RETRY
          PATCH, connect timeout                      | 2 | connect-failure reset timeout           | CONNECT_TIMEOUT | 1 | PATCH   | UNSENT | false | RETRY
          POST, pool full                             | 2 | connect-failure reset timeout           | POOL_FULL       | 1 | POST    | NONE   | false | RETRY
          POST, reset                                 | 2 | connect-failure reset timeout           | RESET           | 1 | POST    | NONE   | false | UNSAFE
          POST, timeout                               | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | POST    | UNSENT | false | UNSAFE
          PATCH, reset                                | 2 | connect-failure reset timeout           | RESET           | 1 | PATCH   | UNSENT | false | UNSAFE
          CONNECT, reset                              | 2 | connect-failure reset timeout           | RESET           | 1 | CONNECT | NONE   | false | UNSAFE
          POST, status 502                            | 2 | connect-failure reset timeout 502 503   | 502             | 1 | POST    | NONE   | false | UNSAFE
          # idempotent methods (RFC 9110 9.2.2)
          HEAD, reset                                 | 2 | connect-failure reset timeout           | RESET           | 1 | HEAD    | NONE   | false | RETRY
          OPTIONS, reset                              | 2 | connect-failure reset timeout           | RESET           | 1 | OPTIONS | NONE   | false | RETRY
          TRACE, reset                                | 2 | connect-failure reset timeout           | RESET           | 1 | TRACE   | NONE   | false | RETRY
          PUT without a body, reset                   | 2 | connect-failure reset timeout           | RESET           | 1 | PUT     | NONE   | false | RETRY
          DELETE, timeout                             | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | DELETE  | NONE   | false | RETRY
          # a streamed body that may have reached the origin is not sent twice, even for PUT
          PUT with a body, reset                      | 2 | connect-failure reset timeout           | RESET           | 1 | PUT     | UNSENT | false | UNSAFE
          PUT with a body, connect refused            | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | PUT     | UNSENT | false | RETRY
          PUT, body bytes sent, then connect refused  | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 2 | PUT     | SENT   | false | BODY_SENT
          POST, body bytes sent, then pool full       | 2 | connect-failure reset timeout           | POOL_FULL       | 1 | POST    | SENT   | false | BODY_SENT
          # a buffered body is kept whole: sent again for an idempotent method, whatever reached the origin
          PUT, kept body, reset                       | 2 | connect-failure reset timeout           | RESET           | 1 | PUT     | KEPT   | false | RETRY
          PUT, kept body, timeout                     | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | PUT     | KEPT   | false | RETRY
          PUT, kept body, status 503                  | 2 | connect-failure reset timeout 502 503   | 503             | 2 | PUT     | KEPT   | false | RETRY
          PUT, kept body, budget spent                | 1 | connect-failure reset timeout           | RESET           | 2 | PUT     | KEPT   | false | BUDGET_SPENT
          POST, kept body, reset                      | 2 | connect-failure reset timeout           | RESET           | 1 | POST    | KEPT   | false | UNSAFE
          POST, kept body, connect refused            | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | POST    | KEPT   | false | RETRY
          PUT, kept body, response started            | 2 | connect-failure reset timeout           | RESET           | 1 | PUT     | KEPT   | true  | RESPONSE_STARTED
          # no retry after response bytes reached the client
          GET, reset after the response started       | 2 | connect-failure reset timeout           | RESET           | 1 | GET     | NONE   | true  | RESPONSE_STARTED
          GET, connect refused after it started       | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | GET     | NONE   | true  | RESPONSE_STARTED
          status after the response started           | 2 | connect-failure reset timeout 502 503   | 503             | 1 | GET     | NONE   | true  | RESPONSE_STARTED
          """)
  void decides(
      String rule,
      int retries,
      String retryOn,
      String outcome,
      int attempts,
      String method,
      RetryPolicy.Body body,
      boolean responseStarted,
      RetryDecision expected) {
    Set<RetryOn> conditions = EnumSet.noneOf(RetryOn.class);
    if (retryOn != null) {
      for (String name : retryOn.split(" +")) {
        conditions.add(requireNonNull(RetryOn.of(name), name));
      }
    }
    RetryPolicy p = new RetryPolicy(retries, conditions);
    RetryDecision d =
        Character.isDigit(outcome.charAt(0))
            ? p.onStatus(Integer.parseInt(outcome), attempts, method, body, responseStarted)
            : p.onFailure(
                UpstreamFailure.valueOf(outcome), attempts, method, body, responseStarted);
    assertThat(d).isEqualTo(expected);
    assertThat(d.retry()).isEqualTo(expected == RETRY);
  }

  @Test
  void eachProxyingRouteGetsItsPolicyAndTimeoutsOncePerSnapshot() {
    GatewayConfig config =
        ConfigLoader.parse(
            """
            upstreams:
              api:
                servers: [{name: a, address: 127.0.0.1:1}]
                retries: 1
                retry-on: [reset]
              web:
                servers: [{name: w, address: 127.0.0.1:2}]
            routes:
              - {name: one, match: {path-prefix: /a}, upstream: api}
              - {name: two, match: {path-prefix: /b}, upstream: api}
              - {name: own, match: {path-prefix: /c}, upstream: api, retries: 0,
                 timeouts: {response: 2m}}
              - {name: onstatus, match: {path-prefix: /d}, upstream: api, retry-on: [503]}
              - {name: moved, match: {path-prefix: /old}, redirect: {location: "https://example.com"}}
              - {name: rest, upstream: web}
            """,
            "test.yaml",
            null,
            null,
            ConfigLoader.Environment.of(Map.of(), "h"));
    ProxySnapshot snapshot =
        new ProxySnapshot(
            1,
            config,
            Router.compile(config.routes()),
            Map.of(),
            Map.of(),
            new ErrorPages(Map.of()),
            new ForwardedHeaders(List.of()),
            null,
            null,
            Map.of());
    Map<String, RetryPolicy> policies = snapshot.retryPolicies();
    assertThat(policies).containsOnlyKeys("one", "two", "own", "onstatus", "rest");
    assertThat(policies.get("one")).isSameAs(policies.get("two"));
    RetryPolicy api = policies.get("one");
    assertThat(api.onFailure(UpstreamFailure.RESET, 1, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(RETRY);
    assertThat(api.onFailure(UpstreamFailure.RESET, 2, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(BUDGET_SPENT);
    assertThat(api.onFailure(UpstreamFailure.TIMEOUT, 1, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(NOT_LISTED);
    // a route's own retries and retry-on replace its upstream's, each on its own
    assertThat(
            policies
                .get("own")
                .onFailure(UpstreamFailure.RESET, 1, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(BUDGET_SPENT);
    RetryPolicy onStatus = policies.get("onstatus");
    assertThat(onStatus.onStatus(503, 1, "GET", RetryPolicy.Body.NONE, false)).isEqualTo(RETRY);
    assertThat(onStatus.onFailure(UpstreamFailure.RESET, 1, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(NOT_LISTED);
    assertThat(snapshot.timeouts().keySet()).isEqualTo(policies.keySet());
    assertThat(snapshot.timeouts().get("own"))
        .isEqualTo(
            new TimeoutsConfig(
                Duration.ofSeconds(5), Duration.ofMinutes(2), Duration.ofSeconds(60)));
    assertThat(snapshot.timeouts().get("one")).isEqualTo(TimeoutsConfig.DEFAULT);
    // web has the defaults: retries 2, retry-on [connect-failure, reset, timeout]
    RetryPolicy web = policies.get("rest");
    assertThat(web.onFailure(UpstreamFailure.TIMEOUT, 3, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(BUDGET_SPENT);
    assertThat(web.onFailure(UpstreamFailure.TIMEOUT, 2, "GET", RetryPolicy.Body.NONE, false))
        .isEqualTo(RETRY);
  }

  @Test
  void refusesANegativeBudget() {
    assertThatThrownBy(() -> new RetryPolicy(-1, EnumSet.of(RetryOn.RESET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retries: -1");
  }
}
