package io.vxgate.gateway.it;

import io.opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest;
import io.opentelemetry.proto.trace.v1.Span;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * An OpenTelemetry collector's OTLP/HTTP traces endpoint, in the test: it decodes every export
 * (protobuf) it gets and keeps it, with the path and content type it came with.
 */
final class OtlpReceiver {
  final List<ExportTraceServiceRequest> received = new CopyOnWriteArrayList<>();

  /** {@code PATH CONTENT-TYPE} of each export. */
  final List<String> contentTypes = new CopyOnWriteArrayList<>();

  private final HttpServer server;

  /** Listens on an ephemeral port of 127.0.0.1 (closed with {@code vertx}). */
  OtlpReceiver(Vertx vertx) {
    server =
        vertx
            .createHttpServer()
            .requestHandler(
                req ->
                    req.body()
                        .onSuccess(
                            body -> {
                              contentTypes.add(req.path() + " " + req.getHeader("Content-Type"));
                              try {
                                received.add(ExportTraceServiceRequest.parseFrom(body.getBytes()));
                                req.response().putHeader("Content-Type", "application/x-protobuf");
                                req.response().end();
                              } catch (Exception e) {
                                req.response().setStatusCode(400).end();
                              }
                            }))
            .listen(0, "127.0.0.1")
            .await();
  }

  /** Its URL without a path ({@code http://127.0.0.1:PORT}). */
  String url() {
    return "http://127.0.0.1:" + server.actualPort();
  }

  /** Every span received, in order. */
  List<Span> spans() {
    return received.stream()
        .flatMap(r -> r.getResourceSpansList().stream())
        .flatMap(r -> r.getScopeSpansList().stream())
        .flatMap(s -> s.getSpansList().stream())
        .toList();
  }

  /** The {@code vxgate.request_id} of every span received. */
  List<String> requestIds() {
    return spans().stream()
        .flatMap(span -> span.getAttributesList().stream())
        .filter(a -> a.getKey().equals("vxgate.request_id"))
        .map(a -> a.getValue().getStringValue())
        .toList();
  }
}
