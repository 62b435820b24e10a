package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import com.google.protobuf.ByteString;
import io.opentelemetry.proto.common.v1.KeyValue;
import io.opentelemetry.proto.trace.v1.ResourceSpans;
import io.vertx.core.MultiMap;
import io.vertx.core.json.JsonObject;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * W3C Trace Context through a real node to a real origin (kept, replaced when invalid, new when
 * absent; tracestate passed), in the access log and on generated errors; and the OTLP export of one
 * span per request, decoded by a receiver in the test.
 */
class TracingIT {
  private static final String TRACE = "4bf92f3577b34da6a3ce929d0e0e4736";
  private static final String PARENT = "00f067aa0ba902b7";

  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;
  private TestOrigin origin;
  private Path log;

  private void start(String tracing) {
    origin = h.origin("o");
    log = dir.resolve("access.log");
    h.gateway(
        """
        %LISTENER%
        node: {id: gw-t}
        access-log: {format: json, file: LOG}
        tracing: TRACING
        upstreams:
          app: {servers: [{name: o1, address: ORIGIN}], retries: 0}
          dead: {servers: [{name: d1, address: 127.0.0.1:1}], retries: 0}
        routes:
          - {name: dead, match: {path-prefix: /dead}, upstream: dead}
          - {name: app, match: {path-prefix: /app}, upstream: app}
        """
            .replace("LOG", log.toString())
            .replace("TRACING", tracing)
            .replace("ORIGIN", origin.address()));
  }

  private List<JsonObject> lines(int n) {
    List<JsonObject> out = new CopyOnWriteArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              out.clear();
              Files.readAllLines(log).forEach(l -> out.add(new JsonObject(l)));
              assertThat(out).hasSize(n);
            });
    return out;
  }

  @Test
  void theOriginGetsTheTraceUnderTheGatewaysSpan() {
    start("{}");
    // valid: kept, with tracestate
    assertThat(
            h.get(
                    "/app/1",
                    "traceparent",
                    "00-" + TRACE + "-" + PARENT + "-01",
                    "tracestate",
                    "congo=t61rcWkgMzE,rojo=00f067aa0ba902b7")
                .statusCode())
        .isEqualTo(200);
    MultiMap seen = origin.lastHeaders.get();
    assertThat(seen.getAll("traceparent")).hasSize(1);
    String kept = seen.get("traceparent");
    assertThat(kept).matches("00-" + TRACE + "-[0-9a-f]{16}-01");
    assertThat(kept.substring(36, 52)).isNotEqualTo(PARENT);
    assertThat(seen.get("tracestate")).isEqualTo("congo=t61rcWkgMzE,rojo=00f067aa0ba902b7");

    // invalid (upper case): replaced by a new trace, tracestate dropped
    h.get(
        "/app/2",
        "traceparent",
        "00-" + TRACE.toUpperCase() + "-" + PARENT + "-01",
        "tracestate",
        "congo=t61rcWkgMzE");
    seen = origin.lastHeaders.get();
    String replaced = seen.get("traceparent");
    assertThat(replaced).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00").doesNotContain(TRACE);
    assertThat(replaced.toUpperCase()).doesNotContain(TRACE.toUpperCase());
    assertThat(seen.get("tracestate")).isNull();

    // absent: a new trace
    h.get("/app/3");
    String fresh = origin.lastHeaders.get().get("traceparent");
    assertThat(fresh).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    assertThat(fresh.substring(3, 35)).isNotEqualTo(replaced.substring(3, 35));

    List<JsonObject> lines = lines(3);
    assertThat(lines.get(0).getString("trace_id")).isEqualTo(TRACE);
    assertThat(lines.get(1).getString("trace_id")).isEqualTo(replaced.substring(3, 35));
    assertThat(lines.get(2).getString("trace_id")).isEqualTo(fresh.substring(3, 35));
  }

  @Test
  void generatedErrorsCarryTheTrace() {
    start("{}");
    HttpResponse<String> none =
        h.get("/nowhere", "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
    assertThat(none.statusCode()).isEqualTo(404);
    assertThat(none.headers().firstValue("traceparent").orElseThrow())
        .matches("00-" + TRACE + "-[0-9a-f]{16}-01");
    HttpResponse<String> bad = h.get("/dead");
    assertThat(bad.statusCode()).isEqualTo(502);
    String t = bad.headers().firstValue("traceparent").orElseThrow();
    assertThat(t).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    List<JsonObject> lines = lines(2);
    assertThat(lines.get(0).getString("trace_id")).isEqualTo(TRACE);
    assertThat(lines.get(1).getString("trace_id")).isEqualTo(t.substring(3, 35));
  }

  @Test
  void oneSpanPerRequestIsExportedOverOtlp() {
    OtlpReceiver receiver = new OtlpReceiver(h.vertx);
    start("{otlp: \"" + receiver.url() + "\", sample: 1}");
    h.get("/app/x?q=1", "traceparent", "00-" + TRACE + "-" + PARENT + "-01");
    String sentToOrigin = origin.lastHeaders.get().get("traceparent");
    h.get("/dead");

    await().atMost(Duration.ofSeconds(30)).until(() -> receiver.spans().size() >= 2);
    assertThat(receiver.contentTypes).allMatch(c -> c.equals("/v1/traces application/x-protobuf"));
    ResourceSpans rs = receiver.received.get(0).getResourceSpans(0);
    assertThat(attributes(rs.getResource().getAttributesList()))
        .containsEntry("service.name", "vxgate")
        .containsEntry("service.instance.id", "gw-t");
    List<io.opentelemetry.proto.trace.v1.Span> spans = receiver.spans();
    assertThat(spans).hasSize(2);
    io.opentelemetry.proto.trace.v1.Span ok = spans.get(0);
    assertThat(hex(ok.getTraceId())).isEqualTo(TRACE);
    assertThat(hex(ok.getParentSpanId())).isEqualTo(PARENT);
    // the origin saw the gateway's span as its parent
    assertThat(hex(ok.getSpanId())).isEqualTo(sentToOrigin.substring(36, 52));
    assertThat(ok.getName()).isEqualTo("GET app");
    assertThat(ok.getKind())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Span.SpanKind.SPAN_KIND_SERVER);
    assertThat(ok.getEndTimeUnixNano()).isGreaterThanOrEqualTo(ok.getStartTimeUnixNano());
    assertThat(attributes(ok.getAttributesList()))
        .containsEntry("http.request.method", "GET")
        .containsEntry("url.path", "/app/x")
        .containsEntry("url.query", "q=1")
        .containsEntry("http.response.status_code", "200")
        .containsEntry("vxgate.route", "app")
        .containsEntry("vxgate.upstream", "app")
        .containsEntry("vxgate.server", "o1")
        .containsEntry("vxgate.termination", "ok");

    io.opentelemetry.proto.trace.v1.Span failed = spans.get(1);
    assertThat(failed.getParentSpanId().isEmpty()).isTrue();
    assertThat(hex(failed.getTraceId())).isEqualTo(lines(2).get(1).getString("trace_id"));
    assertThat(failed.getStatus().getCode())
        .isEqualTo(io.opentelemetry.proto.trace.v1.Status.StatusCode.STATUS_CODE_ERROR);
    assertThat(attributes(failed.getAttributesList()))
        .containsEntry("http.response.status_code", "502")
        .containsEntry("vxgate.termination", "origin-connect-failed");
  }

  private static Map<String, String> attributes(List<KeyValue> kvs) {
    return kvs.stream()
        .collect(
            Collectors.toMap(
                KeyValue::getKey,
                kv ->
                    kv.getValue().hasIntValue()
                        ? Long.toString(kv.getValue().getIntValue())
                        : kv.getValue().getStringValue()));
  }

  private static String hex(ByteString b) {
    return HexFormat.of().formatHex(b.toByteArray());
  }
}
