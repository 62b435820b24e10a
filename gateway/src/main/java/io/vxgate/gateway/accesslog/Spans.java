package io.vxgate.gateway.accesslog;

import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.common.Attributes;
import io.opentelemetry.api.trace.Span;
import io.opentelemetry.api.trace.SpanBuilder;
import io.opentelemetry.api.trace.SpanContext;
import io.opentelemetry.api.trace.SpanId;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.api.trace.StatusCode;
import io.opentelemetry.api.trace.TraceFlags;
import io.opentelemetry.api.trace.TraceId;
import io.opentelemetry.api.trace.TraceState;
import io.opentelemetry.api.trace.Tracer;
import io.opentelemetry.context.Context;
import io.opentelemetry.exporter.otlp.http.trace.OtlpHttpSpanExporter;
import io.opentelemetry.sdk.resources.Resource;
import io.opentelemetry.sdk.trace.IdGenerator;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.samplers.Sampler;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One span per sampled request, exported over OTLP/HTTP with the OpenTelemetry SDK ({@code
 * tracing.otlp}; docs/operations.md, "Tracing"). The {@link AccessLog}'s writer thread builds the
 * spans from finished records, off the event loops; the SDK's {@link BatchSpanProcessor} batches
 * them and its exporter sends them from a thread of its own. A span has the ids the request already
 * carries (its trace, the caller's span as parent, the gateway's span that the origin saw as its
 * parent): the SDK asks {@link RecordIds} for them.
 */
final class Spans {
  private static final AttributeKey<String> METHOD = AttributeKey.stringKey("http.request.method");
  private static final AttributeKey<String> PATH = AttributeKey.stringKey("url.path");
  private static final AttributeKey<String> QUERY = AttributeKey.stringKey("url.query");
  private static final AttributeKey<String> PROTOCOL =
      AttributeKey.stringKey("network.protocol.version");
  private static final AttributeKey<String> HOST = AttributeKey.stringKey("server.address");
  private static final AttributeKey<String> CLIENT = AttributeKey.stringKey("client.address");
  private static final AttributeKey<Long> STATUS =
      AttributeKey.longKey("http.response.status_code");
  private static final AttributeKey<String> USER_AGENT =
      AttributeKey.stringKey("user_agent.original");
  private static final AttributeKey<String> ROUTE = AttributeKey.stringKey("vxgate.route");
  private static final AttributeKey<String> UPSTREAM = AttributeKey.stringKey("vxgate.upstream");
  private static final AttributeKey<String> SERVER = AttributeKey.stringKey("vxgate.server");
  private static final AttributeKey<Long> RETRIES = AttributeKey.longKey("vxgate.retries");
  private static final AttributeKey<String> TERMINATION =
      AttributeKey.stringKey("vxgate.termination");
  private static final AttributeKey<String> REQUEST_ID =
      AttributeKey.stringKey("vxgate.request_id");
  private static final AttributeKey<String> LISTENER = AttributeKey.stringKey("vxgate.listener");

  private final SdkTracerProvider provider;
  private final Tracer tracer;
  private final RecordIds ids = new RecordIds();

  Spans(String endpoint, String node) {
    OtlpHttpSpanExporter exporter = OtlpHttpSpanExporter.builder().setEndpoint(endpoint).build();
    provider =
        SdkTracerProvider.builder()
            .setResource(
                Resource.getDefault()
                    .merge(
                        Resource.create(
                            Attributes.of(
                                AttributeKey.stringKey("service.name"),
                                "vxgate",
                                AttributeKey.stringKey("service.instance.id"),
                                node))))
            // the gateway decided on the event loop (TraceContext): every record here is sampled
            .setSampler(Sampler.alwaysOn())
            .setIdGenerator(ids)
            .addSpanProcessor(BatchSpanProcessor.builder(exporter).build())
            .build();
    tracer = provider.get("io.vxgate.gateway");
  }

  /** The span of {@code r} (the writer thread's). */
  void export(AccessRecord r) {
    ids.current = r;
    String name = r.method == null ? "HTTP" : r.route == null ? r.method : r.method + " " + r.route;
    long start = TimeUnit.MILLISECONDS.toNanos(r.startMillis);
    SpanBuilder b =
        tracer
            .spanBuilder(name)
            .setSpanKind(SpanKind.SERVER)
            .setStartTimestamp(start, TimeUnit.NANOSECONDS);
    if (r.parentSpan != 0) {
      b.setParent(
          Context.root()
              .with(
                  Span.wrap(
                      SpanContext.createFromRemoteParent(
                          r.traceId(),
                          hex(r.parentSpan),
                          TraceFlags.getSampled(),
                          TraceState.getDefault()))));
    } else {
      b.setNoParent();
    }
    Span s = b.startSpan();
    put(s, METHOD, r.method);
    put(s, PATH, Field.path(r.target));
    put(s, QUERY, Field.query(r.target));
    String protocol = Field.protocol(r.version);
    put(s, PROTOCOL, protocol == null ? null : protocol.substring(5));
    put(s, HOST, r.host);
    put(s, CLIENT, Field.client(r));
    put(s, USER_AGENT, r.userAgent);
    put(s, LISTENER, r.listener);
    put(s, ROUTE, r.route);
    put(s, UPSTREAM, r.upstream);
    put(s, SERVER, r.server);
    put(s, REQUEST_ID, r.requestId);
    put(s, TERMINATION, r.termination == null ? null : r.termination.word());
    if (r.status > 0) {
      s.setAttribute(STATUS, (long) r.status);
    }
    if (r.attempts > 0) {
      s.setAttribute(RETRIES, (long) (r.attempts - 1));
    }
    if (r.status == 0 || r.status >= 500) {
      s.setStatus(StatusCode.ERROR, r.termination == null ? "" : r.termination.word());
    }
    s.end(start + r.durationNanos(), TimeUnit.NANOSECONDS);
    ids.current = null;
  }

  private static void put(Span s, AttributeKey<String> key, @Nullable String value) {
    if (value != null) {
      s.setAttribute(key, value);
    }
  }

  private static String hex(long v) {
    char[] c = new char[16];
    Hex.write(v, c, 0);
    return new String(c);
  }

  /**
   * Sends what is batched and stops: waits at most 5 s with {@code wait}, else lets the SDK's
   * threads finish on their own (a reload that replaced the exporter goes on at once).
   */
  void close(boolean wait) {
    var done = provider.shutdown();
    if (wait) {
      done.join(5, TimeUnit.SECONDS);
    }
  }

  /** The ids of the record being exported, for the SDK. */
  private static final class RecordIds implements IdGenerator {
    /** The record being exported (null between exports: the SDK asks only while one is). */
    @Nullable AccessRecord current;

    @Override
    public String generateSpanId() {
      AccessRecord r = current;
      return r == null ? SpanId.getInvalid() : hex(r.span);
    }

    /** The record's trace id; the invalid one, which the SDK does not export, when it has none. */
    @Override
    public String generateTraceId() {
      AccessRecord r = current;
      String id = r == null ? null : r.traceId();
      return id == null ? TraceId.getInvalid() : id;
    }
  }
}
