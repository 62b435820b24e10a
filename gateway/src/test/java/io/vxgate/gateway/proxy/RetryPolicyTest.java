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
import io.vxgate.gateway.route.Router;
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
 * failure or an origin status), the attempts made, the request (method, body, body bytes sent) and
 * whether the response started, against the decision.
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
          # rule                                      | retries | retry-on                                | outcome         | attempts | method  | body  | body sent | response started | decision
          # retry-on membership (defaults: connect-failure reset timeout)
          GET, connect refused                        | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | GET     | false | false | false | RETRY
          GET, connect timeout                        | 2 | connect-failure reset timeout           | CONNECT_TIMEOUT | 1 | GET     | false | false | false | RETRY
          GET, pool full                              | 2 | connect-failure reset timeout           | POOL_FULL       | 1 | GET     | false | false | false | RETRY
          GET, pool wait timed out                    | 2 | connect-failure reset timeout           | POOL_TIMEOUT    | 1 | GET     | false | false | false | RETRY
          GET, reset                                  | 2 | connect-failure reset timeout           | RESET           | 1 | GET     | false | false | false | RETRY
          GET, response timeout                       | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | GET     | false | false | false | RETRY
          no server is no condition                   | 2 | connect-failure reset timeout           | NO_SERVER       | 1 | GET     | false | false | false | NOT_LISTED
          reset, not in retry-on                      | 2 | connect-failure                         | RESET           | 1 | GET     | false | false | false | NOT_LISTED
          timeout, not in retry-on                    | 2 | connect-failure reset                   | TIMEOUT         | 1 | GET     | false | false | false | NOT_LISTED
          empty retry-on                              | 2 |                                         | CONNECT_FAILURE | 1 | GET     | false | false | false | NOT_LISTED
          status 200                                  | 2 | connect-failure reset timeout 502 503   | 200             | 1 | GET     | false | false | false | NOT_LISTED
          status 500, not listed                      | 2 | connect-failure reset timeout 502 503   | 500             | 1 | GET     | false | false | false | NOT_LISTED
          status 502, listed                          | 2 | connect-failure reset timeout 502 503   | 502             | 1 | GET     | false | false | false | RETRY
          status 503, listed                          | 2 | connect-failure reset timeout 502 503   | 503             | 2 | HEAD    | false | false | false | RETRY
          status 502, default retry-on                | 2 | connect-failure reset timeout           | 502             | 1 | GET     | false | false | false | NOT_LISTED
          # the budget: at most `retries` further attempts
          first of 3 attempts                         | 2 | connect-failure reset timeout           | RESET           | 1 | GET     | false | false | false | RETRY
          second of 3 attempts                        | 2 | connect-failure reset timeout           | RESET           | 2 | GET     | false | false | false | RETRY
          third of 3 attempts                         | 2 | connect-failure reset timeout           | RESET           | 3 | GET     | false | false | false | BUDGET_SPENT
          retries 0                                   | 0 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | GET     | false | false | false | BUDGET_SPENT
          status, budget spent                        | 1 | connect-failure reset timeout 502 503   | 503             | 2 | GET     | false | false | false | BUDGET_SPENT
          # non-idempotent requests are retried only on connect failure (nothing sent)
          POST, connect refused                       | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | POST    | true  | false | false | RETRY
          PATCH, connect timeout                      | 2 | connect-failure reset timeout           | CONNECT_TIMEOUT | 1 | PATCH   | true  | false | false | RETRY
          POST, pool full                             | 2 | connect-failure reset timeout           | POOL_FULL       | 1 | POST    | false | false | false | RETRY
          POST, reset                                 | 2 | connect-failure reset timeout           | RESET           | 1 | POST    | false | false | false | UNSAFE
          POST, timeout                               | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | POST    | true  | false | false | UNSAFE
          PATCH, reset                                | 2 | connect-failure reset timeout           | RESET           | 1 | PATCH   | true  | false | false | UNSAFE
          CONNECT, reset                              | 2 | connect-failure reset timeout           | RESET           | 1 | CONNECT | false | false | false | UNSAFE
          POST, status 502                            | 2 | connect-failure reset timeout 502 503   | 502             | 1 | POST    | false | false | false | UNSAFE
          # idempotent methods (RFC 9110 9.2.2)
          HEAD, reset                                 | 2 | connect-failure reset timeout           | RESET           | 1 | HEAD    | false | false | false | RETRY
          OPTIONS, reset                              | 2 | connect-failure reset timeout           | RESET           | 1 | OPTIONS | false | false | false | RETRY
          TRACE, reset                                | 2 | connect-failure reset timeout           | RESET           | 1 | TRACE   | false | false | false | RETRY
          PUT without a body, reset                   | 2 | connect-failure reset timeout           | RESET           | 1 | PUT     | false | false | false | RETRY
          DELETE, timeout                             | 2 | connect-failure reset timeout           | TIMEOUT         | 1 | DELETE  | false | false | false | RETRY
          # a body that may have reached the origin is not sent twice, even for PUT
          PUT with a body, reset                      | 2 | connect-failure reset timeout           | RESET           | 1 | PUT     | true  | false | false | UNSAFE
          PUT with a body, connect refused            | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | PUT     | true  | false | false | RETRY
          PUT, body bytes sent, then connect refused  | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 2 | PUT     | true  | true  | false | BODY_SENT
          POST, body bytes sent, then pool full       | 2 | connect-failure reset timeout           | POOL_FULL       | 1 | POST    | true  | true  | false | BODY_SENT
          # no retry after response bytes reached the client
          GET, reset after the response started       | 2 | connect-failure reset timeout           | RESET           | 1 | GET     | false | false | true  | RESPONSE_STARTED
          GET, connect refused after it started       | 2 | connect-failure reset timeout           | CONNECT_FAILURE | 1 | GET     | false | false | true  | RESPONSE_STARTED
          status after the response started           | 2 | connect-failure reset timeout 502 503   | 503             | 1 | GET     | false | false | true  | RESPONSE_STARTED
          """)
  void decides(
      String rule,
      int retries,
      String retryOn,
      String outcome,
      int attempts,
      String method,
      boolean hasBody,
      boolean bodySent,
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
            ? p.onStatus(
                Integer.parseInt(outcome), attempts, method, hasBody, bodySent, responseStarted)
            : p.onFailure(
                UpstreamFailure.valueOf(outcome),
                attempts,
                method,
                hasBody,
                bodySent,
                responseStarted);
    assertThat(d).isEqualTo(expected);
    assertThat(d.retry()).isEqualTo(expected == RETRY);
  }

  @Test
  void eachProxyingRouteGetsItsUpstreamsPolicyOncePerSnapshot() {
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
              - {name: moved, match: {path-prefix: /old}, redirect: {location: "https://example.com"}}
              - {name: rest, upstream: web}
            """,
            "test.yaml",
            null,
            null,
            ConfigLoader.Environment.of(Map.of(), "h"));
    Map<String, RetryPolicy> policies =
        new ProxySnapshot(
                1,
                config,
                Router.compile(config.routes()),
                Map.of(),
                Map.of(),
                new ErrorPages(Map.of()),
                new ForwardedHeaders(List.of()),
                null)
            .retryPolicies();
    assertThat(policies).containsOnlyKeys("one", "two", "rest");
    assertThat(policies.get("one")).isSameAs(policies.get("two"));
    RetryPolicy api = policies.get("one");
    assertThat(api.onFailure(UpstreamFailure.RESET, 1, "GET", false, false, false))
        .isEqualTo(RETRY);
    assertThat(api.onFailure(UpstreamFailure.RESET, 2, "GET", false, false, false))
        .isEqualTo(BUDGET_SPENT);
    assertThat(api.onFailure(UpstreamFailure.TIMEOUT, 1, "GET", false, false, false))
        .isEqualTo(NOT_LISTED);
    // web has the defaults: retries 2, retry-on [connect-failure, reset, timeout]
    RetryPolicy web = policies.get("rest");
    assertThat(web.onFailure(UpstreamFailure.TIMEOUT, 3, "GET", false, false, false))
        .isEqualTo(BUDGET_SPENT);
    assertThat(web.onFailure(UpstreamFailure.TIMEOUT, 2, "GET", false, false, false))
        .isEqualTo(RETRY);
  }

  @Test
  void refusesANegativeBudget() {
    assertThatThrownBy(() -> new RetryPolicy(-1, EnumSet.of(RetryOn.RESET)))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retries: -1");
  }
}
