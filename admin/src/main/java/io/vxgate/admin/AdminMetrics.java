package io.vxgate.admin;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Timer;
import io.vxgate.cluster.HealthView;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.cluster.ServerId;
import java.time.Duration;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongSupplier;
import org.jspecify.annotations.Nullable;

/**
 * The gateway's own meters (names in {@code docs/admin.md}), and the {@link ProxyMetrics} sink the
 * request path reports to. Meters are created once per upstream, server, status class and failure
 * tag and then looked up in two-level maps without allocation.
 */
final class AdminMetrics implements ProxyMetrics {
  private static final String[] CLASSES = {"none", "1xx", "2xx", "3xx", "4xx", "5xx"};
  private static final Duration[] BUCKETS = {
    Duration.ofMillis(5), Duration.ofMillis(10), Duration.ofMillis(25), Duration.ofMillis(50),
    Duration.ofMillis(100), Duration.ofMillis(250), Duration.ofMillis(500), Duration.ofSeconds(1),
    Duration.ofMillis(2500), Duration.ofSeconds(5), Duration.ofSeconds(10), Duration.ofSeconds(30)
  };

  private final MeterRegistry registry;
  private final Map<String, Map<String, ServerMeters>> servers = new ConcurrentHashMap<>();
  private final Map<String, UpstreamMeters> upstreams = new ConcurrentHashMap<>();
  private final Map<ServerId, Boolean> lastUp = new ConcurrentHashMap<>();
  private final Map<String, Counter> limits = new ConcurrentHashMap<>();

  /** This node's totals for the dashboard: requests and 5xx/failed ones. */
  final LongAdder requests = new LongAdder();

  final LongAdder errors = new LongAdder();

  AdminMetrics(MeterRegistry registry, NodeContext ctx) {
    this.registry = registry;
    Gauge.builder("vxgate.cluster.members", ctx, c -> c.cluster().membership().members().size())
        .description("Live gateway members of the cluster as this node sees them")
        .register(registry);
    Gauge.builder("vxgate.config.version", ctx, NodeContext::appliedVersion)
        .description("The cluster config version this node runs")
        .register(registry);
    Gauge.builder("vxgate.node.ready", ctx, c -> c.started() && !c.draining() ? 1 : 0)
        .description("1 when this node is ready")
        .register(registry);
    FunctionCounter.builder("vxgate.access.log.lines", ctx, c -> c.accessLog().written())
        .description("Access log lines written")
        .register(registry);
    FunctionCounter.builder("vxgate.access.log.dropped", ctx, c -> c.accessLog().dropped())
        .description(
            "Access log lines lost: the writer's queue was full, or the destination failed")
        .tag("reason", "queue_full")
        .register(registry);
    FunctionCounter.builder("vxgate.access.log.dropped", ctx, c -> c.accessLog().failed())
        .description(
            "Access log lines lost: the writer's queue was full, or the destination failed")
        .tag("reason", "write_error")
        .register(registry);
  }

  MeterRegistry registry() {
    return registry;
  }

  // ---- ProxyMetrics

  @Override
  public void request(
      @Nullable String upstream,
      int status,
      long durationNanos,
      long requestBytes,
      long responseBytes) {
    String u = upstream == null ? "" : upstream;
    UpstreamMeters m = upstreams.get(u);
    if (m == null) {
      m = upstreams.computeIfAbsent(u, UpstreamMeters::new);
    }
    int cls = statusClass(status);
    m.requests[cls].increment();
    m.latency.record(durationNanos, TimeUnit.NANOSECONDS);
    if (requestBytes > 0) {
      m.bytesIn.increment((double) requestBytes);
    }
    if (responseBytes > 0) {
      m.bytesOut.increment((double) responseBytes);
    }
    requests.increment();
    if (cls == 0 || cls == 5) {
      errors.increment();
    }
  }

  @Override
  public void attempt(
      String upstream, String server, int status, @Nullable String failure, long nanos) {
    ServerMeters m = server(upstream, server);
    m.attempts(statusClass(status), failure == null ? "none" : failure).increment();
    m.latency.record(nanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void retry(String upstream, String server, String reason) {
    server(upstream, server).retries(reason == null ? "unknown" : reason).increment();
  }

  @Override
  public void buffers(LongSupplier memoryBytes, LongSupplier diskBytes, LongSupplier spills) {
    Gauge.builder("vxgate.buffer.memory", memoryBytes, LongSupplier::getAsLong)
        .baseUnit("bytes")
        .description("Request and response body bytes buffered in memory now")
        .register(registry);
    Gauge.builder("vxgate.buffer.disk", diskBytes, LongSupplier::getAsLong)
        .baseUnit("bytes")
        .description("Request and response body bytes buffered in temp files now")
        .register(registry);
    FunctionCounter.builder("vxgate.buffer.spills", spills, LongSupplier::getAsLong)
        .description("Bodies that went (partly) to a temp file")
        .register(registry);
  }

  @Override
  public void originFreedEarly(String upstream, long aheadNanos) {
    UpstreamMeters m = upstreams.get(upstream);
    if (m == null) {
      m = upstreams.computeIfAbsent(upstream, UpstreamMeters::new);
    }
    m.freedAhead.record(aheadNanos, TimeUnit.NANOSECONDS);
  }

  @Override
  public void limited(String policy, String outcome) {
    String key = policy + '|' + outcome;
    Counter c = limits.get(key);
    if (c == null) {
      c =
          limits.computeIfAbsent(
              key,
              k ->
                  Counter.builder("vxgate.limit.requests")
                      .description("Requests a limit policy refused (429) or made wait")
                      .tag("policy", policy)
                      .tag("outcome", outcome)
                      .register(registry));
    }
    c.increment();
  }

  private ServerMeters server(String upstream, String server) {
    // Looked up before computeIfAbsent: its capturing lambda would be allocated on every request.
    Map<String, ServerMeters> byServer = servers.get(upstream);
    if (byServer == null) {
      byServer = servers.computeIfAbsent(upstream, u -> new ConcurrentHashMap<>());
    }
    ServerMeters m = byServer.get(server);
    return m != null ? m : byServer.computeIfAbsent(server, s -> new ServerMeters(upstream, s));
  }

  private static int statusClass(int status) {
    return status < 100 || status > 599 ? 0 : status / 100;
  }

  /** Counts health transitions of the cluster verdict (called with every new view). */
  void healthView(HealthView view) {
    view.servers()
        .forEach(
            (key, h) -> {
              Boolean was = lastUp.put(key, h.up());
              if (was != null && was != h.up()) {
                Counter.builder("vxgate.health.transitions")
                    .description("Changes of the cluster's health verdict on a server")
                    .tag("upstream", h.server().upstream())
                    .tag("server", h.server().server())
                    .tag("to", h.up() ? "up" : "down")
                    .register(registry)
                    .increment();
              }
            });
  }

  private final class UpstreamMeters {
    final Counter[] requests = new Counter[CLASSES.length];
    final Timer latency;
    final Counter bytesIn;
    final Counter bytesOut;
    final Timer freedAhead;

    UpstreamMeters(String upstream) {
      for (int i = 0; i < CLASSES.length; i++) {
        requests[i] =
            Counter.builder("vxgate.requests")
                .description("Client requests by upstream and status class (none: no response)")
                .tag("upstream", upstream)
                .tag("status_class", CLASSES[i])
                .register(registry);
      }
      latency =
          Timer.builder("vxgate.request.duration")
              .description("Client request duration, arrival to end of response")
              .tag("upstream", upstream)
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
      bytesIn =
          Counter.builder("vxgate.request.body")
              .baseUnit("bytes")
              .description("Request body bytes read from clients")
              .tag("upstream", upstream)
              .register(registry);
      bytesOut =
          Counter.builder("vxgate.response.body")
              .baseUnit("bytes")
              .description("Response body bytes written to clients")
              .tag("upstream", upstream)
              .register(registry);
      freedAhead =
          Timer.builder("vxgate.buffer.origin.freed.ahead")
              .description(
                  "How long before its client had the whole response an origin connection was"
                      + " free (response buffering)")
              .tag("upstream", upstream)
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
    }
  }

  private final class ServerMeters {
    final String upstream;
    final String server;
    final Timer latency;
    final Map<String, Counter[]> attempts = new ConcurrentHashMap<>();
    final Map<String, Counter> retries = new ConcurrentHashMap<>();

    ServerMeters(String upstream, String server) {
      this.upstream = upstream;
      this.server = server;
      latency =
          Timer.builder("vxgate.upstream.attempt.duration")
              .description("Attempt duration per server, server picked to end")
              .tag("upstream", upstream)
              .tag("server", server)
              .serviceLevelObjectives(BUCKETS)
              .register(registry);
    }

    Counter attempts(int cls, String failure) {
      Counter[] byClass = attempts.computeIfAbsent(failure, f -> new Counter[CLASSES.length]);
      Counter c = byClass[cls];
      if (c == null) {
        c =
            Counter.builder("vxgate.upstream.attempts")
                .description("Attempts per server by status class and failure tag")
                .tag("upstream", upstream)
                .tag("server", server)
                .tag("status_class", CLASSES[cls])
                .tag("failure", failure)
                .register(registry);
        byClass[cls] = c;
      }
      return c;
    }

    Counter retries(String reason) {
      return retries.computeIfAbsent(
          reason,
          r ->
              Counter.builder("vxgate.upstream.retries")
                  .description("Retries after a failed attempt to a server")
                  .tag("upstream", upstream)
                  .tag("server", server)
                  .tag("reason", r)
                  .register(registry));
    }
  }
}
