package io.vxgate.admin;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Future;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.AdminStates;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.cluster.HealthFlag;
import io.vxgate.cluster.HealthView;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.ServerId;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.cluster.Vote;
import io.vxgate.config.ConfigError;
import io.vxgate.config.ConfigException;
import io.vxgate.config.ConfigJson;
import io.vxgate.config.GatewayConfig;
import java.time.Clock;
import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.TreeMap;
import java.util.function.UnaryOperator;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The admin commands (docs/admin.md), shared by the event-bus consumers and the HTTP API. Every
 * change builds the new cluster-wide config, validates it together with this node's node-local
 * sections exactly like a config file ({@link ConfigJson#fromJson}), and writes it with {@link
 * ConfigStore#compareAndSet}; a write that lost a race is re-read, re-applied and retried once.
 * Replies are {@code {ok: true, version, ...}} or {@code {ok: false, code, errors: [...]}} with
 * {@code code} 400 (invalid), 401 (refused), 404 (no such thing) or 409 (stale version).
 */
public final class AdminCommands {
  private static final Logger log = LoggerFactory.getLogger(AdminCommands.class);

  public static final String CONFIG_GET = "vxgate.admin.config.get";
  public static final String CONFIG_PUT = "vxgate.admin.config.put";
  public static final String ROUTES_PUT = "vxgate.admin.routes.put";
  public static final String UPSTREAMS_PUT = "vxgate.admin.upstreams.put";
  public static final String UPSTREAMS_DELETE = "vxgate.admin.upstreams.delete";
  public static final String SERVERS_STATE = "vxgate.admin.servers.state";
  public static final String MEMBERS = "vxgate.admin.members";
  public static final String HEALTH = "vxgate.admin.health";

  /** Per server and node: health flags and why the server is out ({@code GET /api/upstreams}). */
  public static final String UPSTREAMS = "vxgate.admin.upstreams";

  /** Beyond the first admin API: the history and rollback of the HTTP API, on the event bus too. */
  public static final String CONFIG_HISTORY = "vxgate.admin.config.history";

  public static final String CONFIG_ROLLBACK = "vxgate.admin.config.rollback";

  /**
   * Access log reopening (logrotate; docs/operations.md, "Access logs"): each node consumes its own
   * address, {@code vxgate.admin.log.reopen.NODE_ID}, since it reopens that node's file.
   */
  public static final String LOG_REOPEN_PREFIX = "vxgate.admin.log.reopen.";

  /** Node {@code nodeId}'s log reopen address. */
  public static String logReopenAddress(String nodeId) {
    return LOG_REOPEN_PREFIX + nodeId;
  }

  /**
   * Reload (docs/operations.md, "Reloading"): each node consumes its own address, {@code
   * vxgate.admin.reload.NODE_ID}, since a reload re-reads that node's config file.
   */
  public static final String RELOAD_PREFIX = "vxgate.admin.reload.";

  /** This node's reload address. */
  static String reloadAddress(NodeContext ctx) {
    return RELOAD_PREFIX + ctx.cluster().membership().local().id();
  }

  /**
   * Every command address (each node's reload and log reopen addresses are apart: {@link
   * #RELOAD_PREFIX}, {@link #LOG_REOPEN_PREFIX}).
   */
  public static final List<String> ADDRESSES =
      List.of(
          CONFIG_GET,
          CONFIG_PUT,
          ROUTES_PUT,
          UPSTREAMS_PUT,
          UPSTREAMS_DELETE,
          SERVERS_STATE,
          MEMBERS,
          HEALTH,
          UPSTREAMS,
          CONFIG_HISTORY,
          CONFIG_ROLLBACK);

  /** The name errors give as their file. */
  static final String SOURCE = "json";

  private static final Set<String> NODE_LOCAL =
      Set.of("node", "cluster", "listeners", "admin", "dns-sync", "access-log", "tracing");

  private final NodeContext ctx;
  private final ServerViews views;

  public AdminCommands(NodeContext ctx) {
    this(ctx, new ServerViews(Clock.systemUTC()));
  }

  /**
   * @param views the other nodes' health flags, fed by their stats events
   */
  AdminCommands(NodeContext ctx, ServerViews views) {
    this.ctx = requireNonNull(ctx, "ctx");
    this.views = requireNonNull(views, "views");
  }

  /**
   * Runs the command of {@code address} with {@code body} (already authenticated); never fails:
   * refusals are replies.
   *
   * @param user who asks, for the author of a new version ({@code user@node})
   */
  public Future<JsonObject> handle(String address, JsonObject body, String user) {
    JsonObject b = body == null ? new JsonObject() : body;
    String author = (user == null || user.isBlank() ? "admin" : user) + "@" + nodeId();
    Future<JsonObject> f;
    try {
      f =
          address.equals(reloadAddress(ctx))
              ? reload(b)
              : address.equals(logReopenAddress(nodeId()))
                  ? logReopen()
                  : switch (address) {
                    case CONFIG_GET -> configGet();
                    case CONFIG_PUT -> configPut(b, author);
                    case ROUTES_PUT -> routesPut(b, author);
                    case UPSTREAMS_PUT -> upstreamsPut(b, author);
                    case UPSTREAMS_DELETE -> upstreamsDelete(b, author);
                    case SERVERS_STATE -> serverState(b, author);
                    case MEMBERS -> members();
                    case HEALTH -> health();
                    case UPSTREAMS -> upstreams();
                    case CONFIG_HISTORY -> history();
                    case CONFIG_ROLLBACK -> rollback(b, author);
                    default ->
                        throw new CommandException(
                            404, "address: " + address + " (expected: one of " + ADDRESSES + ")");
                  };
    } catch (CommandException e) {
      f = Future.failedFuture(e);
    }
    return f.recover(
        t -> {
          if (t instanceof CommandException c) {
            return Future.succeededFuture(refusal(c.code(), c.errors()));
          }
          log.warn("admin command {} failed", address, t);
          return Future.succeededFuture(
              refusal(500, List.of("internal: " + t.getMessage() + " (expected: success)")));
        });
  }

  /** {@code {ok: false, code, errors}}. */
  static JsonObject refusal(int code, List<String> errors) {
    return new JsonObject().put("ok", false).put("code", code).put("errors", new JsonArray(errors));
  }

  private String nodeId() {
    return ctx.cluster().membership().local().id();
  }

  private ConfigStore store() {
    return ctx.cluster().configStore();
  }

  // ---- reads

  private Future<JsonObject> configGet() {
    return store()
        .current()
        .map(
            cur -> {
              JsonObject r = ok(cur.map(ConfigStore.Entry::version).orElse(0L));
              if (cur.isPresent()) {
                r.put("author", cur.get().author())
                    .put("time", cur.get().time().toString())
                    .put("config", cur.get().config());
              } else {
                r.put("config", SharedConfig.of(ctx.localConfig()));
              }
              return r.put("applied", ctx.appliedVersion()).put("node", nodeId());
            });
  }

  private Future<JsonObject> members() {
    List<Member> members = ctx.cluster().membership().members();
    JsonArray out = new JsonArray();
    members.forEach(m -> out.add(memberJson(m)));
    return store()
        .current()
        .map(
            cur ->
                ok(cur.map(ConfigStore.Entry::version).orElse(0L))
                    .put("node", nodeId())
                    .put("clustered", ctx.cluster().clustered())
                    .put("members", out));
  }

  static JsonObject memberJson(Member m) {
    return new JsonObject()
        .put("id", m.id())
        .put("datacenter", m.datacenter())
        .put("admin", m.admin())
        .put("listeners", new JsonArray(m.listeners()));
  }

  /** A server of the cluster-wide config in force, in config order. */
  private record ConfiguredServer(ServerId id, String address, AdminState state) {}

  /** The servers of {@code config} by upstream, upstreams sorted by name. */
  private static Map<String, List<ConfiguredServer>> servers(JsonObject config) {
    Map<String, List<ConfiguredServer>> out = new TreeMap<>();
    JsonObject upstreams = config.getJsonObject("upstreams", new JsonObject());
    for (String u : upstreams.fieldNames()) {
      List<ConfiguredServer> list = out.computeIfAbsent(u, x -> new ArrayList<>());
      JsonArray ss = upstreams.getJsonObject(u).getJsonArray("servers", new JsonArray());
      for (int i = 0; i < ss.size(); i++) {
        JsonObject s = ss.getJsonObject(i);
        ServerId id = new ServerId(u, s.getString("name"));
        list.add(new ConfiguredServer(id, s.getString("address"), AdminStates.get(config, id)));
      }
    }
    return out;
  }

  /** The cluster-wide config in force (the store's, or before it has one this node's file's). */
  private JsonObject configOf(Optional<ConfigStore.Entry> cur) {
    JsonObject shared = cur.map(ConfigStore.Entry::config).orElse(null);
    return shared != null ? shared : SharedConfig.of(ctx.localConfig());
  }

  private Map<ServerId, NodeContext.ServerStatus> localServers() {
    Map<ServerId, NodeContext.ServerStatus> local = new LinkedHashMap<>();
    ctx.servers().forEach(s -> local.put(s.id(), s));
    return local;
  }

  private Future<JsonObject> health() {
    HealthView view = ctx.cluster().healthBoard().view();
    return store()
        .current()
        .map(
            cur -> {
              Map<ServerId, NodeContext.ServerStatus> local = localServers();
              JsonArray servers = new JsonArray();
              for (List<ConfiguredServer> list : servers(configOf(cur)).values()) {
                for (ConfiguredServer s : list) {
                  servers.add(
                      serverHealth(
                          s.id(), s.address(), s.state(), view.get(s.id()), local.get(s.id())));
                }
              }
              return ok(cur.map(ConfigStore.Entry::version).orElse(0L))
                  .put("node", nodeId())
                  .put("servers", servers);
            });
  }

  /**
   * Per upstream and server: the operator state, the cluster verdict and, per node (this one
   * first), its health flags and why the server is out there.
   */
  private Future<JsonObject> upstreams() {
    HealthView view = ctx.cluster().healthBoard().view();
    String me = nodeId();
    List<String> others =
        ctx.cluster().membership().members().stream()
            .map(Member::id)
            .filter(id -> !id.equals(me))
            .sorted()
            .toList();
    return store()
        .current()
        .map(
            cur -> {
              Map<ServerId, NodeContext.ServerStatus> local = localServers();
              Instant now = Instant.now();
              JsonArray out = new JsonArray();
              servers(configOf(cur))
                  .forEach(
                      (u, list) -> {
                        JsonArray servers = new JsonArray();
                        for (ConfiguredServer s : list) {
                          JsonArray nodes = new JsonArray();
                          NodeContext.ServerStatus mine = local.get(s.id());
                          if (mine != null) {
                            nodes.add(ServerViews.json(me, mine, now));
                          }
                          for (String node : others) {
                            JsonObject v = views.view(node, s.id());
                            if (v != null) {
                              nodes.add(v);
                            }
                          }
                          HealthView.ServerHealth h = view.get(s.id());
                          servers.add(
                              new JsonObject()
                                  .put("server", s.id().server())
                                  .put("address", s.address())
                                  .put("state", s.state().json())
                                  .put("verdict", h == null ? "unknown" : h.up() ? "up" : "down")
                                  .put("nodes", nodes));
                        }
                        out.add(new JsonObject().put("name", u).put("servers", servers));
                      });
              return ok(cur.map(ConfigStore.Entry::version).orElse(0L))
                  .put("node", me)
                  .put("upstreams", out);
            });
  }

  private static JsonObject serverHealth(
      ServerId id,
      String address,
      AdminState state,
      HealthView.@Nullable ServerHealth h,
      NodeContext.@Nullable ServerStatus local) {
    JsonObject o =
        new JsonObject()
            .put("upstream", id.upstream())
            .put("server", id.server())
            .put("address", address)
            .put("state", state.json());
    if (h == null) {
      o.put("verdict", "unknown").put("reason", "no reports").put("checkers", new JsonArray());
      o.put("votes", new JsonArray());
    } else {
      JsonArray votes = new JsonArray();
      for (Vote v : h.votes()) {
        votes.add(
            new JsonObject()
                .put("node", v.node())
                .put("kind", v.kind().name().toLowerCase(java.util.Locale.ROOT))
                .put("up", v.up())
                .put("reason", v.reason())
                .put("time", java.time.Instant.ofEpochMilli(v.timeMillis()).toString()));
      }
      o.put("verdict", h.up() ? "up" : "down")
          .put("reason", h.reason())
          .put("checkers", new JsonArray(h.checkers()))
          .put("votes", votes);
    }
    if (local != null) {
      o.put(
          "local",
          new JsonObject()
              .put("healthy", local.healthy())
              .put("state", local.state().json())
              .put("in-flight", local.inFlight())
              .put("available", local.available())
              .put("flags", new JsonArray(HealthFlag.names(local.flags())))
              .put("reason", local.reason()));
    }
    return o;
  }

  private Future<JsonObject> logReopen() {
    return Future.fromCompletionStage(ctx.accessLog().reopen())
        .map(
            file ->
                ok(ctx.appliedVersion())
                    .put("node", nodeId())
                    .put("reopened", Boolean.TRUE.equals(file)));
  }

  private Future<JsonObject> history() {
    return store()
        .history()
        .map(
            entries -> {
              JsonArray out = new JsonArray();
              JsonObject prev = null;
              for (ConfigStore.Entry e : entries) {
                out.add(
                    new JsonObject()
                        .put("version", e.version())
                        .put("author", e.author())
                        .put("time", e.time().toString())
                        .put(
                            "changes",
                            new JsonArray(
                                prev == null
                                    ? List.of("(first kept version)")
                                    : ConfigDiff.changes(prev, e.config()))));
                prev = e.config();
              }
              long v = entries.isEmpty() ? 0 : entries.get(entries.size() - 1).version();
              return ok(v).put("entries", out);
            });
  }

  // ---- changes

  private Future<JsonObject> reload(JsonObject b) {
    Object force = b.getValue("force", false);
    if (!(force instanceof Boolean f)) {
      throw new CommandException(400, error("force", String.valueOf(force), "true or false"));
    }
    return ctx.reload(f).map(r -> r.toJson(nodeId()));
  }

  private Future<JsonObject> configPut(JsonObject b, String author) {
    boolean wrapped = b.containsKey("config");
    Object c = wrapped ? b.getValue("config") : b;
    if (!(c instanceof JsonObject config)) {
      throw new CommandException(400, error("config", String.valueOf(c), "a config object"));
    }
    Long expected = expectedVersion(b, "version");
    List<String> errors = new ArrayList<>();
    for (String k : config.fieldNames()) {
      if (k.equals("auth") || (!wrapped && (k.equals("version") || k.equals("user")))) {
        continue;
      }
      if (!SharedConfig.KEYS.contains(k) && !NODE_LOCAL.contains(k) && !k.equals(AdminStates.KEY)) {
        errors.add(
            error(
                k,
                k,
                "one of "
                    + String.join(", ", SharedConfig.KEYS)
                    + " (node-local sections are ignored)"));
      }
    }
    if (!errors.isEmpty()) {
      throw new CommandException(400, errors);
    }
    return change(
        expected,
        author,
        cur -> {
          JsonObject next = new JsonObject();
          SharedConfig.KEYS.forEach(
              k -> {
                if (config.containsKey(k)) {
                  next.put(k, config.getValue(k));
                }
              });
          GatewayConfig valid = validate(next);
          Map<ServerId, AdminState> states =
              config.containsKey(AdminStates.KEY)
                  ? statesOf(config.getValue(AdminStates.KEY), valid)
                  : AdminStates.of(cur);
          return AdminStates.put(SharedConfig.of(valid), states);
        });
  }

  private Future<JsonObject> routesPut(JsonObject b, String author) {
    Object routes = b.getValue("routes");
    if (!(routes instanceof JsonArray)) {
      throw new CommandException(400, error("routes", String.valueOf(routes), "a list of routes"));
    }
    return change(
        expectedVersion(b, "version"), author, cur -> revise(cur, s -> s.put("routes", routes)));
  }

  private Future<JsonObject> upstreamsPut(JsonObject b, String author) {
    String name = requiredName(b, "name");
    Object upstream = b.getValue("upstream");
    if (!(upstream instanceof JsonObject)) {
      throw new CommandException(
          400, error("upstream", String.valueOf(upstream), "an upstream object"));
    }
    return change(
        expectedVersion(b, "version"),
        author,
        cur ->
            revise(
                cur,
                s -> {
                  JsonObject ups = s.getJsonObject("upstreams", new JsonObject()).copy();
                  ups.put(name, upstream);
                  return s.put("upstreams", ups);
                }));
  }

  private Future<JsonObject> upstreamsDelete(JsonObject b, String author) {
    String name = requiredName(b, "name");
    return change(
        expectedVersion(b, "version"),
        author,
        cur ->
            revise(
                cur,
                s -> {
                  JsonObject ups = s.getJsonObject("upstreams", new JsonObject()).copy();
                  if (ups.remove(name) == null) {
                    throw new CommandException(
                        404, error("name", name, "one of " + String.join(", ", ups.fieldNames())));
                  }
                  return s.put("upstreams", ups);
                }));
  }

  private Future<JsonObject> serverState(JsonObject b, String author) {
    String upstream = requiredName(b, "upstream");
    String server = requiredName(b, "server");
    Object given = b.getValue("state");
    AdminState state = given instanceof String s ? AdminState.fromJson(s) : null;
    if (state == null) {
      throw new CommandException(400, error("state", String.valueOf(given), AdminState.expected()));
    }
    return change(
        expectedVersion(b, "version"),
        author,
        cur -> {
          JsonObject base = cur != null ? cur : SharedConfig.of(ctx.localConfig());
          Object u = base.getJsonObject("upstreams", new JsonObject()).getValue(upstream);
          if (!(u instanceof JsonObject uo)) {
            throw new CommandException(
                404,
                error(
                    "upstream",
                    upstream,
                    "one of "
                        + String.join(
                            ", ", base.getJsonObject("upstreams", new JsonObject()).fieldNames())));
          }
          List<String> names = new ArrayList<>();
          uo.getJsonArray("servers", new JsonArray())
              .forEach(s -> names.add(s instanceof JsonObject j ? j.getString("name") : ""));
          if (!names.contains(server)) {
            throw new CommandException(
                404,
                error(
                    "server",
                    server,
                    "a server of upstream " + upstream + ": " + String.join(", ", names)));
          }
          return AdminStates.with(base, new ServerId(upstream, server), state);
        });
  }

  private Future<JsonObject> rollback(JsonObject b, String author) {
    Long version = expectedVersion(b, "version");
    if (version == null) {
      throw new CommandException(400, error("version", "(missing)", "a version from the history"));
    }
    return store()
        .history()
        .compose(
            entries -> {
              Optional<ConfigStore.Entry> target =
                  entries.stream().filter(e -> e.version() == version).findFirst();
              if (target.isEmpty()) {
                String kept =
                    entries.isEmpty()
                        ? "none kept"
                        : entries.get(0).version()
                            + ".."
                            + entries.get(entries.size() - 1).version();
                throw new CommandException(
                    404,
                    error(
                        "version",
                        String.valueOf(version),
                        "a version in the history (" + kept + ")"));
              }
              JsonObject old = target.get().config();
              return change(
                      null,
                      author,
                      cur -> {
                        JsonObject next = old.copy();
                        next.remove(AdminStates.KEY);
                        GatewayConfig valid = validate(next);
                        return AdminStates.put(SharedConfig.of(valid), AdminStates.of(cur));
                      })
                  .map(r -> r.put("restored", version));
            });
  }

  /** A copy of the current sections (or the file's), changed by {@code edit}, validated. */
  private JsonObject revise(JsonObject cur, UnaryOperator<JsonObject> edit) {
    JsonObject base = (cur != null ? cur : SharedConfig.of(ctx.localConfig())).copy();
    Map<ServerId, AdminState> states = AdminStates.of(base);
    base.remove(AdminStates.KEY);
    GatewayConfig valid = validate(edit.apply(base));
    return AdminStates.put(SharedConfig.of(valid), states);
  }

  /**
   * Validates {@code shared} with this node's node-local sections like a config file.
   *
   * @throws CommandException 400 with every error
   */
  GatewayConfig validate(JsonObject shared) {
    JsonObject all = ConfigJson.toJson(ctx.localConfig());
    SharedConfig.KEYS.forEach(all::remove);
    SharedConfig.KEYS.forEach(
        k -> {
          if (shared.containsKey(k)) {
            all.put(k, shared.getValue(k));
          }
        });
    try {
      return ConfigJson.fromJson(all, SOURCE);
    } catch (ConfigException e) {
      throw new CommandException(400, e.errors().stream().map(ConfigError::toString).toList());
    }
  }

  private static Map<ServerId, AdminState> statesOf(Object v, GatewayConfig valid) {
    if (!(v instanceof JsonObject o)) {
      throw new CommandException(
          400, error(AdminStates.KEY, String.valueOf(v), "{UPSTREAM: {SERVER: STATE}}"));
    }
    List<String> errors = new ArrayList<>();
    Map<ServerId, AdminState> out = new LinkedHashMap<>();
    for (String u : o.fieldNames()) {
      Object servers = o.getValue(u);
      var up = valid.upstreams().get(u);
      if (up == null || !(servers instanceof JsonObject so)) {
        errors.add(
            error(
                AdminStates.KEY + "." + u,
                String.valueOf(servers),
                up == null ? "an upstream of the config" : "{SERVER: STATE}"));
        continue;
      }
      for (String s : so.fieldNames()) {
        Object state = so.getValue(s);
        AdminState st = state instanceof String name ? AdminState.fromJson(name) : null;
        String path = AdminStates.KEY + "." + u + "." + s;
        if (up.servers().stream().noneMatch(x -> x.name().equals(s))) {
          errors.add(error(path, s, "a server of upstream " + u));
        } else if (st == null) {
          errors.add(error(path, String.valueOf(state), AdminState.expected()));
        } else {
          out.put(new ServerId(u, s), st);
        }
      }
    }
    if (!errors.isEmpty()) {
      throw new CommandException(400, errors);
    }
    return out;
  }

  /** Reads, edits, writes; retries once on a stale version unless the caller named one. */
  private Future<JsonObject> change(
      @Nullable Long expected, String author, UnaryOperator<JsonObject> edit) {
    return change(expected, author, edit, true);
  }

  private Future<JsonObject> change(
      @Nullable Long expected, String author, UnaryOperator<JsonObject> edit, boolean retry) {
    return store()
        .current()
        .compose(
            cur -> {
              long v = cur.map(ConfigStore.Entry::version).orElse(0L);
              if (expected != null && expected != v) {
                throw stale(expected, v);
              }
              JsonObject before = cur.map(ConfigStore.Entry::config).orElse(null);
              JsonObject next = edit.apply(before);
              List<String> changes = ConfigDiff.changes(before, next);
              if (before != null && changes.isEmpty() && before.equals(next)) {
                return Future.succeededFuture(
                    ok(v).put("changed", false).put("changes", new JsonArray()));
              }
              return store()
                  .compareAndSet(v, next, author)
                  .map(
                      e -> {
                        log.atInfo()
                            .addKeyValue("version", e.version())
                            .addKeyValue("author", author)
                            .addKeyValue("changes", changes)
                            .log("admin change written");
                        return ok(e.version())
                            .put("changed", true)
                            .put("changes", new JsonArray(changes));
                      })
                  .recover(
                      t -> {
                        if (t instanceof ConfigStore.StaleVersionException s) {
                          if (retry && expected == null) {
                            return change(null, author, edit, false);
                          }
                          return Future.failedFuture(stale(v, s.current()));
                        }
                        return Future.failedFuture(t);
                      });
            });
  }

  private static CommandException stale(long expected, long current) {
    return new CommandException(
        409,
        error(
            "version",
            String.valueOf(expected),
            "the current version " + current + "; re-read and retry"));
  }

  private static @Nullable Long expectedVersion(JsonObject b, String key) {
    Object v = b.getValue(key);
    if (v == null) {
      return null;
    }
    if (v instanceof Number n && n.longValue() >= 0) {
      return n.longValue();
    }
    if (v instanceof String s && s.matches("[0-9]{1,18}")) {
      return Long.parseLong(s);
    }
    throw new CommandException(400, error(key, String.valueOf(v), "a version number"));
  }

  private static String requiredName(JsonObject b, String key) {
    Object v = b.getValue(key);
    if (!(v instanceof String s) || s.isEmpty()) {
      throw new CommandException(
          400, error(key, v == null ? ConfigError.MISSING : String.valueOf(v), "a name"));
    }
    return s;
  }

  /** An error in the house form: {@code json: PATH: VALUE (expected: WHAT)}. */
  static String error(String path, String value, String expected) {
    return new ConfigError(SOURCE, path, value, expected).toString();
  }

  private static JsonObject ok(long version) {
    return new JsonObject().put("ok", true).put("version", version);
  }
}
