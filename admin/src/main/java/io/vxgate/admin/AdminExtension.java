package io.vxgate.admin;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.prometheusmetrics.PrometheusConfig;
import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VertxOptions;
import io.vertx.micrometer.Label;
import io.vertx.micrometer.MetricsDomain;
import io.vertx.micrometer.MicrometerMetricsOptions;
import io.vertx.micrometer.VertxPrometheusOptions;
import io.vertx.micrometer.backends.BackendRegistries;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.NodeExtension;
import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.GatewayConfig;
import java.util.UUID;
import org.jspecify.annotations.Nullable;

/**
 * The admin side of a node, registered as a {@link NodeExtension}: turns on Vert.x's Micrometer
 * metrics with a Prometheus registry of its own, then deploys the {@link AdminVerticle} (event-bus
 * commands, events, admin HTTP API, dashboard, {@code /metrics}, health endpoints).
 */
public final class AdminExtension implements NodeExtension {
  private @Nullable String registryName;
  private @Nullable String deployment;
  private @Nullable NodeContext ctx;
  private @Nullable AdminVerticle verticle;

  @Override
  public VertxOptions configure(VertxOptions options, GatewayConfig local) {
    registryName = "vxgate-" + local.node().id() + "-" + UUID.randomUUID();
    MicrometerMetricsOptions metrics =
        new MicrometerMetricsOptions()
            .setEnabled(true)
            .setRegistryName(registryName)
            .setJvmMetricsEnabled(true)

            // the admin listener, client listeners and per-upstream clients apart
            .addLabels(Label.SERVER_NAME, Label.CLIENT_NAME)
            .setPrometheusOptions(new VertxPrometheusOptions().setEnabled(true));
    if (!local.admin().vertxHttpMetrics()) {
      // Vert.x's per-request HTTP meters are opt-in (admin.vertx-http-metrics); they see only the
      // admin listener and the active health checks (the proxy path is plain Netty)
      metrics
          .addDisabledMetricsCategory(MetricsDomain.HTTP_SERVER)
          .addDisabledMetricsCategory(MetricsDomain.HTTP_CLIENT);
    }
    return new VertxOptions(options).setMetricsOptions(metrics);
  }

  @Override
  public Future<Void> start(NodeContext context) {
    this.ctx = context;
    MeterRegistry found = registryName == null ? null : BackendRegistries.getNow(registryName);
    PrometheusMeterRegistry registry =
        found instanceof PrometheusMeterRegistry p
            ? p
            : new PrometheusMeterRegistry(PrometheusConfig.DEFAULT);
    AdminVerticle v = new AdminVerticle(context, registry);
    verticle = v;
    return context
        .vertx()
        .deployVerticle(v)
        .map(
            id -> {
              deployment = id;
              return null;
            });
  }

  /** The bound port of the admin listener (tests; 0 before start). */
  public int port() {
    return verticle == null ? 0 : verticle.port();
  }

  @Override
  public Future<Void> stop() {
    NodeContext c = ctx;
    String id = deployment;
    if (c != null) {
      c.metrics(ProxyMetrics.NOOP);
    }
    if (c == null || id == null) {
      return Future.succeededFuture();
    }
    deployment = null;
    return c.vertx().undeploy(id).otherwiseEmpty().mapEmpty();
  }
}
