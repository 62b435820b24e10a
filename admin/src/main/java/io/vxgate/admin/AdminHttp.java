package io.vxgate.admin;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import io.vertx.core.json.DecodeException;
import io.vertx.core.json.Json;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vertx.ext.healthchecks.HealthChecks;
import io.vertx.ext.healthchecks.Status;
import io.vertx.ext.web.Router;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.handler.BodyHandler;
import io.vertx.ext.web.healthchecks.HealthCheckHandler;
import io.vertx.micrometer.PrometheusScrapingHandler;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.NodeContext;
import io.vxgate.config.HostPort;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.List;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin HTTP listener on {@code admin.bind}: the API over {@link AdminCommands} (Bearer token
 * when {@code admin.token} is set), every member's admin API under {@code /api/nodes/{id}} ({@link
 * NodesProxy}), {@code /metrics}, {@code /health/live}, {@code /health/ready} and the dashboard at
 * {@code /}. Routes and statuses are listed in {@code docs/admin.md}.
 */
final class AdminHttp {
  private static final Logger log = LoggerFactory.getLogger(AdminHttp.class);
  private static final long BODY_LIMIT = 16L * 1024 * 1024;

  private final Vertx vertx;
  private final NodeContext ctx;
  private final AdminCommands commands;
  private final PrometheusMeterRegistry registry;
  private final EventHub hub;
  private final StatsHistory history;
  private final NodesProxy nodes;

  /** The digest of the admin token in force and the token it was computed from. */
  private volatile TokenDigest token = new TokenDigest(null, null);

  private @Nullable HttpServer server;

  AdminHttp(
      Vertx vertx,
      NodeContext ctx,
      AdminCommands commands,
      PrometheusMeterRegistry registry,
      EventHub hub,
      StatsHistory history) {
    this.vertx = vertx;
    this.ctx = ctx;
    this.commands = commands;
    this.registry = registry;
    this.hub = hub;
    this.history = history;
    this.nodes = new NodesProxy(vertx, ctx.cluster().membership(), NodesProxy.ANSWER_TIMEOUT);
  }

  @SuppressWarnings("ArrayRecordComponent") // a cache of one value, never compared or hashed
  private record TokenDigest(@Nullable String token, byte @Nullable [] digest) {}

  /** The digest of {@code admin.token} as it is now (a reload may replace it); null: no token. */
  private byte @Nullable [] tokenDigest() {
    String now = ctx.localConfig().admin().token();
    TokenDigest t = token;
    if (!java.util.Objects.equals(t.token(), now)) {
      t = new TokenDigest(now, now == null || now.isEmpty() ? null : sha256(now));
      token = t;
    }
    return t.digest();
  }

  Future<Void> listen() {
    HostPort bind = ctx.localConfig().admin().bind();
    HttpServer server =
        vertx.createHttpServer(
            new HttpServerOptions()
                .setHost(bind.host())
                .setPort(bind.port())
                .setMetricsName("admin")
                .setIdleTimeout(300));
    this.server = server;
    return server
        .requestHandler(router())
        .listen()
        .map(
            s -> {
              log.atInfo()
                  .addKeyValue("bind", bind.host() + ":" + s.actualPort())
                  .addKeyValue("token", tokenDigest() != null)
                  .log("admin listening");
              return null;
            });
  }

  int port() {
    HttpServer s = server;
    return s == null ? 0 : s.actualPort();
  }

  Future<Void> close() {
    HttpServer s = server;
    return Future.join(s == null ? Future.succeededFuture() : s.close(), nodes.close()).mapEmpty();
  }

  private Router router() {
    Router r = Router.router(vertx);
    HealthChecks live = HealthChecks.create(vertx).register("alive", p -> p.complete(Status.OK()));
    HealthChecks ready =
        HealthChecks.create(vertx)
            .register(
                "node",
                p -> {
                  boolean ok = ctx.started() && !ctx.draining();
                  JsonObject data =
                      new JsonObject()
                          .put("started", ctx.started())
                          .put("draining", ctx.draining())
                          .put("clustered", ctx.cluster().clustered())
                          .put("version", ctx.appliedVersion());
                  p.complete(ok ? Status.OK(data) : Status.KO(data));
                });
    r.get("/health/live").handler(HealthCheckHandler.createWithHealthChecks(live));
    r.get("/health/ready").handler(HealthCheckHandler.createWithHealthChecks(ready));
    String page = resource("io/vxgate/admin/dashboard.html");
    r.get("/")
        .handler(
            rc ->
                rc.response()
                    .putHeader("Content-Type", "text/html; charset=utf-8")
                    .putHeader("Cache-Control", "no-cache")
                    .putHeader("X-Content-Type-Options", "nosniff")
                    .putHeader(
                        "Content-Security-Policy",
                        "default-src 'self'; script-src 'unsafe-inline'; style-src 'unsafe-inline'")
                    .end(page));
    r.route("/metrics").handler(this::auth);
    r.get("/metrics").handler(PrometheusScrapingHandler.create(registry));
    r.route("/api/*").handler(this::auth);
    // before the BodyHandler: the proxy streams the body (a read body makes ProxyHandler answer
    // 500)
    r.route(NodesProxy.PREFIX).handler(nodes);
    r.route(NodesProxy.PREFIX + "/*").handler(nodes);
    r.route("/api/*").handler(BodyHandler.create(false).setBodyLimit(BODY_LIMIT));
    r.get("/api/config").handler(rc -> run(rc, AdminCommands.CONFIG_GET, new JsonObject()));
    r.put("/api/config")
        .handler(
            rc ->
                body(rc)
                    .ifPresent(
                        b -> {
                          JsonObject cmd =
                              b instanceof JsonObject o
                                      && o.getValue("config") instanceof JsonObject
                                  ? o.copy()
                                  : new JsonObject().put("config", b);
                          version(rc, cmd);
                          run(rc, AdminCommands.CONFIG_PUT, cmd);
                        }));
    r.put("/api/routes")
        .handler(
            rc ->
                body(rc)
                    .ifPresent(
                        b -> {
                          JsonObject cmd =
                              b instanceof JsonObject o
                                  ? o.copy()
                                  : new JsonObject().put("routes", b);
                          version(rc, cmd);
                          run(rc, AdminCommands.ROUTES_PUT, cmd);
                        }));
    r.put("/api/upstreams/:name")
        .handler(
            rc ->
                body(rc)
                    .ifPresent(
                        b -> {
                          JsonObject cmd =
                              new JsonObject().put("name", rc.pathParam("name")).put("upstream", b);
                          version(rc, cmd);
                          run(rc, AdminCommands.UPSTREAMS_PUT, cmd);
                        }));
    r.delete("/api/upstreams/:name")
        .handler(
            rc -> {
              JsonObject cmd = new JsonObject().put("name", rc.pathParam("name"));
              version(rc, cmd);
              run(rc, AdminCommands.UPSTREAMS_DELETE, cmd);
            });
    r.post("/api/upstreams/:u/servers/:s/:action")
        .handler(
            rc -> {
              AdminState state = AdminState.ofAction(rc.pathParam("action"));
              if (state == null) {
                reply(
                    rc,
                    AdminCommands.refusal(
                        404,
                        List.of(
                            AdminCommands.error(
                                "action",
                                rc.pathParam("action"),
                                "one of enable, drain, disable"))));
                return;
              }
              JsonObject cmd =
                  new JsonObject()
                      .put("upstream", rc.pathParam("u"))
                      .put("server", rc.pathParam("s"))
                      .put("state", state.json());
              version(rc, cmd);
              run(rc, AdminCommands.SERVERS_STATE, cmd);
            });
    r.get("/api/cluster/members").handler(rc -> run(rc, AdminCommands.MEMBERS, new JsonObject()));
    r.get("/api/health").handler(rc -> run(rc, AdminCommands.HEALTH, new JsonObject()));
    r.get("/api/upstreams").handler(rc -> run(rc, AdminCommands.UPSTREAMS, new JsonObject()));
    r.get("/api/config/history")
        .handler(rc -> run(rc, AdminCommands.CONFIG_HISTORY, new JsonObject()));
    r.post("/api/config/rollback/:version")
        .handler(
            rc ->
                run(
                    rc,
                    AdminCommands.CONFIG_ROLLBACK,
                    new JsonObject().put("version", rc.pathParam("version"))));
    r.post("/api/reload")
        .handler(
            rc ->
                run(
                    rc,
                    AdminCommands.reloadAddress(ctx),
                    new JsonObject().put("force", "true".equals(rc.queryParams().get("force")))));
    r.post("/api/log/reopen")
        .handler(
            rc ->
                run(
                    rc,
                    AdminCommands.logReopenAddress(ctx.cluster().membership().local().id()),
                    new JsonObject()));
    r.post("/api/upgrade")
        .handler(
            rc ->
                ctx.upgrade()
                    .onComplete(
                        ar ->
                            reply(
                                rc,
                                ar.succeeded()
                                    ? new JsonObject()
                                        .put("ok", true)
                                        .put("node", ctx.cluster().membership().local().id())
                                        .put("pid", ar.result())
                                    : AdminCommands.refusal(
                                        409,
                                        List.of(
                                            AdminCommands.error(
                                                "upgrade",
                                                String.valueOf(ar.cause().getMessage()),
                                                "a node on epoll whose command line can be"
                                                    + " run again"))))));
    r.get("/api/events").handler(this::events);
    r.get("/api/stats")
        .handler(
            rc ->
                reply(
                    rc,
                    new JsonObject()
                        .put("ok", true)
                        .put("node", ctx.cluster().membership().local().id())
                        .put("period-ms", AdminVerticle.STATS_PERIOD_MS)
                        .put("samples", history.json())));
    r.route("/api/*")
        .handler(
            rc ->
                reply(
                    rc,
                    AdminCommands.refusal(
                        404,
                        List.of(
                            AdminCommands.error(
                                "path",
                                rc.request().method() + " " + rc.request().path(),
                                "an endpoint of the admin API (see docs/admin.md)")))));
    return r;
  }

  private void auth(RoutingContext rc) {
    byte[] tokenDigest = tokenDigest();
    if (tokenDigest == null) {
      rc.next();
      return;
    }
    String h = rc.request().getHeader("Authorization");
    String given =
        h != null && h.regionMatches(true, 0, "Bearer ", 0, 7) ? h.substring(7).trim() : null;
    if (given != null && MessageDigest.isEqual(tokenDigest, sha256(given))) {
      rc.next();
      return;
    }
    log.atWarn()
        .addKeyValue("remote", rc.request().remoteAddress())
        .addKeyValue("path", rc.request().path())
        .addKeyValue("reason", given == null ? "no bearer token" : "wrong token")
        .log("admin request refused");
    rc.response().putHeader("WWW-Authenticate", "Bearer realm=\"vxgate\"");
    reply(
        rc,
        AdminCommands.refusal(
            401,
            List.of(
                AdminCommands.error(
                    "Authorization",
                    given == null ? "(missing)" : "Bearer (invalid)",
                    "Bearer ADMIN_TOKEN"))));
  }

  private void run(RoutingContext rc, String address, JsonObject cmd) {
    commands.handle(address, cmd, "admin").onSuccess(reply -> reply(rc, reply));
  }

  private static void version(RoutingContext rc, JsonObject cmd) {
    String v = rc.queryParams().get("version");
    if (v != null) {
      cmd.put("version", v);
    }
  }

  /** The JSON body, or empty after answering 400. */
  private static java.util.Optional<Object> body(RoutingContext rc) {
    Buffer b = rc.body().buffer();
    try {
      Object v = b == null || b.length() == 0 ? null : Json.decodeValue(b);
      if (v instanceof JsonObject || v instanceof JsonArray) {
        return java.util.Optional.of(v);
      }
      reply(
          rc,
          AdminCommands.refusal(
              400,
              List.of(
                  AdminCommands.error(
                      "body",
                      v == null ? "(missing)" : String.valueOf(v),
                      "a JSON object or list"))));
    } catch (DecodeException e) {
      reply(
          rc,
          AdminCommands.refusal(
              400, List.of(AdminCommands.error("body", "(not JSON)", "JSON: " + e.getMessage()))));
    }
    return java.util.Optional.empty();
  }

  static void reply(RoutingContext rc, JsonObject reply) {
    int status = reply.getBoolean("ok", false) ? 200 : reply.getInteger("code", 400);
    rc.response()
        .setStatusCode(status)
        .putHeader("Content-Type", "application/json")
        .putHeader("Cache-Control", "no-store")
        .end(reply.encode());
  }

  private void events(RoutingContext rc) {
    var resp = rc.response();
    resp.setChunked(true)
        .putHeader("Content-Type", "text/event-stream")
        .putHeader("Cache-Control", "no-cache")
        .putHeader("X-Accel-Buffering", "no");
    JsonObject hello =
        new JsonObject()
            .put("node", ctx.cluster().membership().local().id())
            .put("version", ctx.appliedVersion());
    resp.write("retry: 3000\nevent: hello\ndata: " + hello.encode() + "\n\n");
    hub.add(resp);
  }

  private static byte[] sha256(String s) {
    try {
      return MessageDigest.getInstance("SHA-256").digest(s.getBytes(StandardCharsets.UTF_8));
    } catch (NoSuchAlgorithmException e) {
      throw new IllegalStateException(e);
    }
  }

  private static String resource(String name) {
    try (InputStream in = AdminHttp.class.getClassLoader().getResourceAsStream(name)) {
      if (in == null) {
        return "<!doctype html><title>vxgate</title><p>dashboard missing";
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
