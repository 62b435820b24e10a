package io.vxgate.gateway.proxy;

import static io.vxgate.config.RetryOn.CONNECT_FAILURE;
import static io.vxgate.config.RetryOn.HTTP_502;
import static io.vxgate.config.RetryOn.HTTP_503;
import static io.vxgate.config.RetryOn.RESET;
import static io.vxgate.config.RetryOn.TIMEOUT;
import static io.vxgate.gateway.proxy.RetryDecision.BODY_SENT;
import static io.vxgate.gateway.proxy.RetryDecision.BUDGET_SPENT;
import static io.vxgate.gateway.proxy.RetryDecision.NOT_LISTED;
import static io.vxgate.gateway.proxy.RetryDecision.RESPONSE_STARTED;
import static io.vxgate.gateway.proxy.RetryDecision.RETRY;
import static io.vxgate.gateway.proxy.RetryDecision.UNSAFE;
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
import java.util.stream.Stream;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every rule of {@code retries} and {@code retry-on}
 * (docs/configuration.md#upstreams-cluster-wide), one row each: the outcome of an attempt (a
 * failure or an origin status), the attempts made, the request (method, body, body bytes sent) and
 * whether the response started, against the decision.
 */
class RetryPolicyTest {
  /** The default {@code retry-on}. */
  private static final Set<RetryOn> DEFAULT = EnumSet.of(CONNECT_FAILURE, RESET, TIMEOUT);

  private static final Set<RetryOn> WITH_STATUS =
      EnumSet.of(CONNECT_FAILURE, RESET, TIMEOUT, HTTP_502, HTTP_503);

  /** One row: an outcome (a failure, or a status when failure is null) and its decision. */
  record Row(
      String rule,
      int retries,
      Set<RetryOn> retryOn,
      UpstreamFailure failure,
      int status,
      int attempts,
      String method,
      boolean hasBody,
      boolean bodySent,
      boolean responseStarted,
      RetryDecision expected) {
    @Override
    public String toString() {
      return rule + " -> " + expected;
    }

    RetryDecision decide() {
      RetryPolicy p = new RetryPolicy(retries, retryOn);
      return failure != null
          ? p.onFailure(failure, attempts, method, hasBody, bodySent, responseStarted)
          : p.onStatus(status, attempts, method, hasBody, bodySent, responseStarted);
    }
  }

  private static Row failure(
      String rule,
      UpstreamFailure f,
      int attempts,
      String method,
      boolean hasBody,
      RetryDecision d) {
    return new Row(rule, 2, DEFAULT, f, 0, attempts, method, hasBody, false, false, d);
  }

  static Stream<Arguments> rows() {
    return Stream.of(
            // retry-on membership
            failure(
                "GET, connect refused", UpstreamFailure.CONNECT_FAILURE, 1, "GET", false, RETRY),
            failure(
                "GET, connect timeout", UpstreamFailure.CONNECT_TIMEOUT, 1, "GET", false, RETRY),
            failure("GET, pool full", UpstreamFailure.POOL_FULL, 1, "GET", false, RETRY),
            failure(
                "GET, pool wait timed out", UpstreamFailure.POOL_TIMEOUT, 1, "GET", false, RETRY),
            failure("GET, reset", UpstreamFailure.RESET, 1, "GET", false, RETRY),
            failure("GET, response timeout", UpstreamFailure.TIMEOUT, 1, "GET", false, RETRY),
            failure(
                "no server is no condition",
                UpstreamFailure.NO_SERVER,
                1,
                "GET",
                false,
                NOT_LISTED),
            new Row(
                "reset not in retry-on",
                2,
                EnumSet.of(CONNECT_FAILURE),
                UpstreamFailure.RESET,
                0,
                1,
                "GET",
                false,
                false,
                false,
                NOT_LISTED),
            new Row(
                "timeout not in retry-on",
                2,
                EnumSet.of(CONNECT_FAILURE, RESET),
                UpstreamFailure.TIMEOUT,
                0,
                1,
                "GET",
                false,
                false,
                false,
                NOT_LISTED),
            new Row(
                "empty retry-on",
                2,
                EnumSet.noneOf(RetryOn.class),
                UpstreamFailure.CONNECT_FAILURE,
                0,
                1,
                "GET",
                false,
                false,
                false,
                NOT_LISTED),
            new Row(
                "status 200", 2, WITH_STATUS, null, 200, 1, "GET", false, false, false, NOT_LISTED),
            new Row(
                "status 500 not listed",
                2,
                WITH_STATUS,
                null,
                500,
                1,
                "GET",
                false,
                false,
                false,
                NOT_LISTED),
            new Row(
                "status 502 listed",
                2,
                WITH_STATUS,
                null,
                502,
                1,
                "GET",
                false,
                false,
                false,
                RETRY),
            new Row(
                "status 503 listed",
                2,
                WITH_STATUS,
                null,
                503,
                2,
                "HEAD",
                false,
                false,
                false,
                RETRY),
            new Row(
                "status 502, default retry-on",
                2,
                DEFAULT,
                null,
                502,
                1,
                "GET",
                false,
                false,
                false,
                NOT_LISTED),
            // budget: at most `retries` further attempts
            failure("first of 3 attempts", UpstreamFailure.RESET, 1, "GET", false, RETRY),
            failure("second of 3 attempts", UpstreamFailure.RESET, 2, "GET", false, RETRY),
            failure("third of 3 attempts", UpstreamFailure.RESET, 3, "GET", false, BUDGET_SPENT),
            new Row(
                "retries 0",
                0,
                DEFAULT,
                UpstreamFailure.CONNECT_FAILURE,
                0,
                1,
                "GET",
                false,
                false,
                false,
                BUDGET_SPENT),
            new Row(
                "status, budget spent",
                1,
                WITH_STATUS,
                null,
                503,
                2,
                "GET",
                false,
                false,
                false,
                BUDGET_SPENT),
            // non-idempotent requests are retried only on connect failure (nothing sent)
            failure(
                "POST, connect refused", UpstreamFailure.CONNECT_FAILURE, 1, "POST", true, RETRY),
            failure(
                "PATCH, connect timeout", UpstreamFailure.CONNECT_TIMEOUT, 1, "PATCH", true, RETRY),
            failure("POST, pool full", UpstreamFailure.POOL_FULL, 1, "POST", false, RETRY),
            failure("POST, reset", UpstreamFailure.RESET, 1, "POST", false, UNSAFE),
            failure("POST, timeout", UpstreamFailure.TIMEOUT, 1, "POST", true, UNSAFE),
            failure("PATCH, reset", UpstreamFailure.RESET, 1, "PATCH", true, UNSAFE),
            failure("CONNECT, reset", UpstreamFailure.RESET, 1, "CONNECT", false, UNSAFE),
            new Row(
                "POST, status 502",
                2,
                WITH_STATUS,
                null,
                502,
                1,
                "POST",
                false,
                false,
                false,
                UNSAFE),
            // idempotent methods (RFC 9110 9.2.2)
            failure("HEAD, reset", UpstreamFailure.RESET, 1, "HEAD", false, RETRY),
            failure("OPTIONS, reset", UpstreamFailure.RESET, 1, "OPTIONS", false, RETRY),
            failure("TRACE, reset", UpstreamFailure.RESET, 1, "TRACE", false, RETRY),
            failure("PUT without body, reset", UpstreamFailure.RESET, 1, "PUT", false, RETRY),
            failure("DELETE, timeout", UpstreamFailure.TIMEOUT, 1, "DELETE", false, RETRY),
            // a body that may have reached the origin is not sent twice, even for PUT
            failure("PUT with body, reset", UpstreamFailure.RESET, 1, "PUT", true, UNSAFE),
            failure(
                "PUT with body, connect refused",
                UpstreamFailure.CONNECT_FAILURE,
                1,
                "PUT",
                true,
                RETRY),
            new Row(
                "PUT, body bytes sent, then connect refused",
                2,
                DEFAULT,
                UpstreamFailure.CONNECT_FAILURE,
                0,
                2,
                "PUT",
                true,
                true,
                false,
                BODY_SENT),
            new Row(
                "POST, body bytes sent, then pool full",
                2,
                DEFAULT,
                UpstreamFailure.POOL_FULL,
                0,
                1,
                "POST",
                true,
                true,
                false,
                BODY_SENT),
            // no retry after response bytes reached the client
            new Row(
                "GET, reset after the response started",
                2,
                DEFAULT,
                UpstreamFailure.RESET,
                0,
                1,
                "GET",
                false,
                false,
                true,
                RESPONSE_STARTED),
            new Row(
                "GET, connect refused after the response started",
                2,
                DEFAULT,
                UpstreamFailure.CONNECT_FAILURE,
                0,
                1,
                "GET",
                false,
                false,
                true,
                RESPONSE_STARTED),
            new Row(
                "status after the response started",
                2,
                WITH_STATUS,
                null,
                503,
                1,
                "GET",
                false,
                false,
                true,
                RESPONSE_STARTED))
        .map(Arguments::of);
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("rows")
  void decides(Row row) {
    assertThat(row.decide()).isEqualTo(row.expected());
    assertThat(row.decide().retry()).isEqualTo(row.expected() == RETRY);
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
    assertThatThrownBy(() -> new RetryPolicy(-1, DEFAULT))
        .isInstanceOf(IllegalArgumentException.class)
        .hasMessageContaining("retries: -1");
  }
}
