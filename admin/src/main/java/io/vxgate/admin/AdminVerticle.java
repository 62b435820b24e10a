package io.vxgate.admin;

import static java.util.Objects.requireNonNull;

import io.micrometer.prometheusmetrics.PrometheusMeterRegistry;
import io.vertx.core.Future;
import io.vertx.core.VerticleBase;
import io.vertx.core.eventbus.Message;
import io.vertx.core.eventbus.MessageConsumer;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.Subscription;
import java.time.Clock;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin side of one node on one event loop: a clustered consumer per command address (so a
 * command sent from any member is answered by one node), the event publishers, the per-node stats
 * ticker and the admin HTTP listener.
 *
 * <p>Events: {@value #EVENTS_CONFIG} (each new config version) and {@value #EVENTS_MEMBERS} (joins
 * and leaves) are published by one node, the live member with the smallest id, so subscribers get
 * each event once; every node publishes its own {@value #EVENTS_STATS} every {@value
 * #STATS_PERIOD_MS} ms, with the servers that have health flags on it ({@link ServerViews}).
 */
final class AdminVerticle extends VerticleBase {
  private static final Logger log = LoggerFactory.getLogger(AdminVerticle.class);

  static final String EVENTS_CONFIG = "vxgate.events.config";
  static final String EVENTS_MEMBERS = "vxgate.events.members";
  static final String EVENTS_STATS = "vxgate.events.stats";
  static final long STATS_PERIOD_MS = 2000;

  /** The cluster-wide map of nonces seen in the last two signature windows. */
  static final String NONCES = "vxgate.admin.nonces";

  private final NodeContext ctx;
  private final PrometheusMeterRegistry registry;
  private final AdminCommands commands;
  private final ServerViews views = new ServerViews(Clock.systemUTC());
  private final Signatures signatures;
  private final AdminMetrics metrics;
  private final List<MessageConsumer<?>> consumers = new ArrayList<>();
  private final List<Subscription> subscriptions = new ArrayList<>();
  private final EventHub hub = new EventHub();
  private final Clock clock = Clock.systemUTC();
  private final StatsHistory history = new StatsHistory(Duration.ofMillis(STATS_PERIOD_MS));
  private @Nullable AdminHttp http;
  private volatile List<String> memberIds = List.of();
  private volatile @Nullable JsonObject lastConfig;
  private long lastRequests;
  private long lastErrors;

  AdminVerticle(NodeContext ctx, PrometheusMeterRegistry registry) {
    this.ctx = requireNonNull(ctx, "ctx");
    this.registry = registry;
    this.commands = new AdminCommands(ctx, views);
    this.signatures = new Signatures(clock, () -> ctx.localConfig().admin().token());
    this.metrics = new AdminMetrics(registry, ctx);
  }

  int port() {
    return http == null ? 0 : http.port();
  }

  @Override
  public Future<?> start() {
    ctx.metrics(metrics);
    List<Future<Void>> ready = new ArrayList<>();
    List<String> commandAddresses = new ArrayList<>(AdminCommands.ADDRESSES);
    commandAddresses.add(AdminCommands.reloadAddress(ctx));
    commandAddresses.add(AdminCommands.logReopenAddress(ctx.cluster().membership().local().id()));
    for (String address : commandAddresses) {
      MessageConsumer<Object> c = vertx.eventBus().consumer(address, m -> command(address, m));
      consumers.add(c);
      ready.add(c.completion());
    }
    for (String address : List.of(EVENTS_CONFIG, EVENTS_MEMBERS, EVENTS_STATS)) {
      String name = address.substring("vxgate.events.".length());
      MessageConsumer<Object> c =
          vertx
              .eventBus()
              .consumer(
                  address,
                  m -> {
                    if (address.equals(EVENTS_STATS) && m.body() instanceof JsonObject stats) {
                      views.accept(stats);
                    }
                    hub.send(name, String.valueOf(m.body()));
                  });
      consumers.add(c);
      ready.add(c.completion());
    }
    var cluster = ctx.cluster();
    memberIds = ids(cluster.membership().members());
    subscriptions.add(cluster.membership().listen(this::membersChanged));
    subscriptions.add(cluster.configStore().listen(this::configChanged));
    subscriptions.add(cluster.healthBoard().listen(metrics::healthView));
    vertx.setPeriodic(STATS_PERIOD_MS, id -> publishStats());
    AdminHttp http = new AdminHttp(vertx, ctx, commands, registry, hub, history);
    this.http = http;
    return Future.all(ready)
        .compose(v -> cluster.configStore().current())
        .compose(
            cur -> {
              lastConfig = cur.map(ConfigStore.Entry::config).orElse(null);
              return http.listen();
            });
  }

  @Override
  public Future<?> stop() {
    subscriptions.forEach(Subscription::cancel);
    hub.close();
    List<Future<Void>> f = new ArrayList<>();
    consumers.forEach(c -> f.add(c.unregister()));
    if (http != null) {
      f.add(http.close());
    }
    return Future.join(f);
  }

  private void command(String address, Message<Object> m) {
    if (!(m.body() instanceof JsonObject body)) {
      m.reply(
          AdminCommands.refusal(
              400,
              List.of(AdminCommands.error("body", String.valueOf(m.body()), "a JSON object"))));
      return;
    }
    try {
      signatures.verify(address, body);
    } catch (Signatures.Refused e) {
      log.atWarn()
          .addKeyValue("address", address)
          .addKeyValue("reason", e.getMessage())
          .log("admin command refused: bad signature");
      m.reply(AdminCommands.refusal(401, List.of(AdminCommands.SOURCE + ": " + e.getMessage())));
      return;
    }
    // a nonce is good once in the whole cluster: the next request may reach another node
    String nonce = body.getJsonObject("auth").getString("nonce");
    vertx
        .sharedData()
        .<String, Boolean>getAsyncMap(NONCES)
        .compose(map -> map.putIfAbsent(nonce, Boolean.TRUE, 2 * Signatures.WINDOW.toMillis()))
        .onComplete(
            ar -> {
              if (ar.failed() || ar.result() != null) {
                String reason =
                    ar.failed()
                        ? "auth.nonce: "
                            + nonce
                            + " (expected: a nonce the cluster can record: "
                            + ar.cause().getMessage()
                            + ")"
                        : "auth.nonce: " + nonce + " (expected: a nonce not used before)";
                log.atWarn()
                    .addKeyValue("address", address)
                    .addKeyValue("reason", reason)
                    .log("admin command refused: replayed or unrecorded nonce");
                m.reply(AdminCommands.refusal(401, List.of(AdminCommands.SOURCE + ": " + reason)));
                return;
              }
              String user = body.getValue("user") instanceof String s ? s : "eventbus";
              JsonObject args = body.copy();
              args.remove("auth");
              args.remove("user");
              commands.handle(address, args, user).onSuccess(m::reply);
            });
  }

  /** Whether this node publishes the cluster's events (the live member with the smallest id). */
  private boolean publisher(List<String> ids) {
    String me = ctx.cluster().membership().local().id();
    return ids.isEmpty() || ids.get(0).equals(me);
  }

  private void membersChanged(List<Member> members) {
    List<String> now = ids(members);
    List<String> before = memberIds;
    memberIds = now;
    views.retain(now);
    List<String> joined = now.stream().filter(id -> !before.contains(id)).toList();
    List<String> left = before.stream().filter(id -> !now.contains(id)).toList();
    if ((joined.isEmpty() && left.isEmpty()) || !publisher(now)) {
      return;
    }
    JsonArray list = new JsonArray();
    members.forEach(m -> list.add(AdminCommands.memberJson(m)));
    vertx
        .eventBus()
        .publish(
            EVENTS_MEMBERS,
            new JsonObject()
                .put("joined", new JsonArray(joined))
                .put("left", new JsonArray(left))
                .put("members", list));
  }

  private void configChanged(ConfigStore.Entry e) {
    JsonObject before = lastConfig;
    if (Objects.equals(before, e.config())) {
      return;
    }
    lastConfig = e.config();
    if (!publisher(memberIds)) {
      return;
    }
    vertx
        .eventBus()
        .publish(
            EVENTS_CONFIG,
            new JsonObject()
                .put("version", e.version())
                .put("author", e.author())
                .put("time", e.time().toString())
                .put("changes", new JsonArray(ConfigDiff.changes(before, e.config()))));
  }

  private void publishStats() {
    long req = metrics.requests.sum();
    long err = metrics.errors.sum();
    double secs = STATS_PERIOD_MS / 1000.0;
    List<NodeContext.ServerStatus> servers = ctx.servers();
    int inFlight = servers.stream().mapToInt(NodeContext.ServerStatus::inFlight).sum();
    long now = clock.millis();
    double rps = Math.round((req - lastRequests) / secs * 10) / 10.0;
    double eps = Math.round((err - lastErrors) / secs * 10) / 10.0;
    history.add(new StatsHistory.Sample(now, rps, eps));
    JsonObject stats =
        new JsonObject()
            .put("node", ctx.cluster().membership().local().id())
            .put("time", now)
            .put("datacenter", ctx.cluster().membership().local().datacenter())
            .put("requests", req)
            .put("errors", err)
            .put("rps", rps)
            .put("eps", eps)
            .put("in-flight", inFlight)
            .put("version", ctx.appliedVersion())
            .put("ready", ctx.started() && !ctx.draining())
            .put("servers", ServerViews.flagged(servers));
    lastRequests = req;
    lastErrors = err;
    vertx.eventBus().publish(EVENTS_STATS, stats);
  }

  private static List<String> ids(List<Member> members) {
    return members.stream().map(Member::id).sorted().toList();
  }
}
