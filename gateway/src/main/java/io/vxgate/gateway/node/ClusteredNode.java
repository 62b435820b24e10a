package io.vxgate.gateway.node;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Context;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.AccessLogControl;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.AdminStates;
import io.vxgate.cluster.ClusterBootstrap;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.ConfigStore;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.NodeExtension;
import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.cluster.ReloadReport;
import io.vxgate.cluster.ServerId;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.cluster.Subscription;
import io.vxgate.cluster.dns.DnsSync;
import io.vxgate.config.ConfigException;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.GatewayNode;
import io.vxgate.gateway.accesslog.AccessLog;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.util.Ticker;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A gateway node with its cluster side: joins the cluster (or makes a local one for a standalone
 * node), seeds or reads the cluster-wide config, starts the {@link GatewayNode} on it, and applies
 * every newer version from the {@link ConfigStore} atomically (one snapshot swap; requests in
 * flight finish on the old one). A version that does not validate with this node's local sections
 * is logged and skipped; the node keeps serving the previous one.
 *
 * <p>Seeding (docs/cluster.md, "Seeding rule"): with {@code seed}, this node's cluster-wide
 * sections are written only when the cluster has no config yet, or over the current one with {@code
 * force} ({@code --force-config}). Otherwise the node takes the cluster's config; when the cluster
 * has none either, it starts on its own file's sections and applies the first version that arrives.
 *
 * <p>Server operator states ({@link AdminStates}) travel with the config versions and are applied
 * with them. {@link NodeExtension}s found on the class path (the admin API) configure the Vert.x
 * options in {@link #join}, start before the gateway and stop after it; this node is their {@link
 * NodeContext}.
 *
 * <p>DNS sync ({@code dns-sync}, optional): once the gateway serves, the node is published as ready
 * ({@link DnsSync#ready()}); {@link #stop} withdraws it before draining.
 */
public final class ClusteredNode implements NodeContext {
  private static final Logger log = LoggerFactory.getLogger(ClusteredNode.class);

  private final ClusterNode cluster;
  private volatile GatewayConfig local;
  private final Context control;
  private final FileSections fileSections = new FileSections();
  private @Nullable ConfigFile configFile;
  private Future<ReloadReport> reloading = Future.succeededFuture();
  private Map<String, List<io.netty.channel.ServerChannel>> adopted = Map.of();
  private java.util.concurrent.@Nullable Callable<Long> successor;
  private @Nullable Subscription subscription;
  private @Nullable Subscription membersSubscription;
  private java.util.Set<String> knownMembers = java.util.Set.of();
  private volatile @Nullable GatewayNode node;
  private volatile long appliedVersion;
  private volatile ConfigStore.@Nullable Entry appliedEntry;
  private final List<NodeExtension> extensions;
  private final List<NodeExtension> started = new ArrayList<>();
  private volatile boolean draining;
  private volatile ProxyMetrics metrics = ProxyMetrics.NOOP;
  private volatile @Nullable DnsSync dns;

  private ClusteredNode(ClusterNode cluster, GatewayConfig local, List<NodeExtension> extensions) {
    this.cluster = cluster;
    this.local = local;
    this.control = cluster.vertx().getOrCreateContext();
    this.extensions = extensions;
  }

  /**
   * The config file a reload re-reads.
   *
   * @param path the file as given on the command line (the author of versions a reload writes)
   * @param loader reads and validates it (with the same overrides as at start); throws {@link
   *     ConfigException}
   */
  public record ConfigFile(String path, java.util.function.Supplier<GatewayConfig> loader) {
    public ConfigFile {
      requireNonNull(path, "path");
      requireNonNull(loader, "loader");
    }
  }

  /** Joins the cluster described by {@code local}'s node-local sections (step one of two). */
  public static Future<ClusteredNode> join(GatewayConfig local, VertxOptions options) {
    requireNonNull(local, "local");
    List<NodeExtension> extensions = NodeExtension.load();
    VertxOptions o = options;
    for (NodeExtension e : extensions) {
      o = e.configure(o, local);
    }
    return ClusterBootstrap.start(local, o).map(c -> new ClusteredNode(c, local, extensions));
  }

  /** Joins an existing cluster node (tests). */
  public static ClusteredNode of(ClusterNode cluster, GatewayConfig local) {
    return new ClusteredNode(
        requireNonNull(cluster, "cluster"), requireNonNull(local, "local"), NodeExtension.load());
  }

  /**
   * Seeds or reads the cluster config and starts the gateway on it (step two).
   *
   * @param seed whether this node's file may seed the cluster
   * @param force {@code --force-config}: seed even over an existing cluster config
   */
  public Future<ClusteredNode> start(boolean seed, boolean force, Ticker ticker, int instances) {
    ConfigStore store = cluster.configStore();
    subscription = store.listen(e -> control.runOnContext(v -> apply(e)));
    knownMembers = memberIds(cluster.membership().members());
    membersSubscription =
        cluster.membership().listen(m -> control.runOnContext(v -> membersChanged(m)));
    String author = cluster.membership().local().id();
    JsonObject[] states = {null};
    return startExtensions()
        .compose(
            x ->
                seed
                    ? store.seed(SharedConfig.of(local), author, force).map(Optional::of)
                    : store.current())
        .compose(
            e -> {
              GatewayConfig effective = local;
              if (e.isPresent()) {
                try {
                  effective = SharedConfig.apply(local, e.get().config());
                  appliedVersion = e.get().version();
                  appliedEntry = e.get();
                  states[0] = e.get().config();
                } catch (ConfigException ex) {
                  log.atError()
                      .addKeyValue("version", e.get().version())
                      .log(
                          "cluster config invalid here, starting on the file's: {}",
                          ex.getMessage());
                }
              }
              fileSections.started(local, e);
              log.atInfo()
                  .addKeyValue("version", appliedVersion)
                  .addKeyValue("seeded", e.isPresent() && e.get().author().equals(author))
                  .addKeyValue("clustered", cluster.clustered())
                  .log("cluster config loaded");
              return GatewayNode.start(
                  cluster.vertx(), effective, ticker, instances, cluster, metrics, adopted);
            })
        .compose(
            n -> {
              node = n;
              applyAdminStates(n, states[0]);
              // a version written while we started: the listener saw it before node was set
              return store
                  .current()
                  .onSuccess(c -> c.ifPresent(x -> control.runOnContext(v -> apply(x))));
            })
        .compose(v -> startDnsSync())
        .map(this);
  }

  /** Joins DNS sync when configured, and publishes this node as ready (it serves now). */
  private Future<Void> startDnsSync() {
    GatewayConfig local = this.local;
    if (local.dnsSync() == null) {
      return Future.succeededFuture();
    }
    String advertise;
    try {
      advertise = DnsSync.advertised(local);
    } catch (IllegalArgumentException e) {
      return Future.failedFuture(e);
    }
    return DnsSync.start(cluster.vertx(), cluster.membership(), local.dnsSync(), advertise)
        .compose(
            d -> {
              dns = d;
              return d.ready();
            });
  }

  /** Applies {@code e} when it is newer than the applied version (on the control context). */
  private static java.util.Set<String> memberIds(java.util.List<io.vxgate.cluster.Member> members) {
    java.util.Set<String> ids = new java.util.TreeSet<>();
    members.forEach(m -> ids.add(m.id()));
    return ids;
  }

  /** Logs joins and departures: operators read membership changes in the log. */
  private void membersChanged(java.util.List<io.vxgate.cluster.Member> members) {
    java.util.Set<String> now = memberIds(members);
    for (String id : now) {
      if (!knownMembers.contains(id)) {
        log.atInfo()
            .addKeyValue("member", id)
            .addKeyValue("members", now.size())
            .log("member joined");
      }
    }
    for (String id : knownMembers) {
      if (!now.contains(id)) {
        log.atWarn()
            .addKeyValue("member", id)
            .addKeyValue("members", now.size())
            .log("member left");
      }
    }
    knownMembers = now;
  }

  private void apply(ConfigStore.Entry e) {
    GatewayNode n = node;
    if (n == null || !ConfigStore.Entry.supersedes(e, appliedEntry)) {
      return;
    }
    try {
      n.apply(SharedConfig.apply(local, e.config()));
      applyAdminStates(n, e.config());
      appliedVersion = e.version();
      appliedEntry = e;
      log.atInfo()
          .addKeyValue("version", e.version())
          .addKeyValue("author", e.author())
          .log("cluster config version applied");
    } catch (ConfigException ex) {
      log.atError()
          .addKeyValue("version", e.version())
          .addKeyValue("author", e.author())
          .log("cluster config version rejected, keeping the previous: {}", ex.getMessage());
      appliedVersion = e.version();
      appliedEntry = e;
    } catch (RuntimeException ex) {
      log.error("cluster config version {} failed to apply", e.version(), ex);
    }
  }

  /** Sets every server's operator state from a config entry (absent: enabled). */
  private static void applyAdminStates(GatewayNode n, JsonObject entryConfig) {
    Map<ServerId, AdminState> states = AdminStates.of(entryConfig);
    for (ServerState s : n.health().states()) {
      AdminState next = states.getOrDefault(s.id(), AdminState.ENABLED);
      if (s.adminState() != next) {
        s.adminState(next);
        log.atInfo()
            .addKeyValue("upstream", s.upstream())
            .addKeyValue("server", s.name())
            .addKeyValue("state", next.json())
            .log("server operator state changed");
      }
    }
  }

  private Future<Void> startExtensions() {
    Future<Void> chain = Future.succeededFuture();
    for (NodeExtension e : extensions) {
      chain = chain.compose(v -> e.start(this).onSuccess(x -> started.add(e)));
    }
    return chain;
  }

  private Future<Void> stopExtensions() {
    List<Future<Void>> stopping = new ArrayList<>();
    for (NodeExtension e : started) {
      stopping.add(e.stop());
    }
    started.clear();
    return Future.join(stopping).otherwiseEmpty().mapEmpty();
  }

  // ---- takeover (docs/operations.md, "Upgrading without downtime")

  /**
   * Serve these listening sockets (by listener name), taken over from the process this one
   * replaces, instead of binding those listeners. Before {@link #start}.
   */
  public void adopt(Map<String, List<io.netty.channel.ServerChannel>> sockets) {
    this.adopted = Map.copyOf(sockets);
  }

  /**
   * Makes {@link #upgrade} start a new process with {@code start} (blocking; returns its pid):
   * where the node can take over its own sockets (epoll).
   */
  public void successor(java.util.concurrent.Callable<Long> start) {
    this.successor = requireNonNull(start, "start");
  }

  @Override
  public Future<Long> upgrade() {
    java.util.concurrent.Callable<Long> start = successor;
    if (start == null) {
      return Future.failedFuture(
          new UnsupportedOperationException(
              "this node cannot be taken over (it runs without the epoll transport)"));
    }
    return cluster.vertx().executeBlocking(start);
  }

  /**
   * The running side of a takeover, once the new process has the sockets: stops following the
   * cluster, leaves DNS sync without withdrawing (the new process publishes the same address),
   * stops the extensions (the admin listener frees its address), stops the active health checks and
   * leaves the cluster (the member port is free for the new process). The data plane keeps serving
   * with the config it has until {@link #drainAfterHandOver}.
   */
  public Future<Void> handOver() {
    if (subscription != null) {
      subscription.cancel();
    }
    if (membersSubscription != null) {
      membersSubscription.cancel();
    }
    DnsSync d = dns;
    dns = null;
    GatewayNode n = node;
    return (d == null ? Future.<Void>succeededFuture() : d.close())
        .otherwiseEmpty()
        .eventually(this::stopExtensions)
        .eventually(
            () -> {
              if (n != null) {
                n.health().close();
              }
              return cluster.leave();
            })
        .onSuccess(v -> log.atInfo().log("takeover: this process left the cluster"));
  }

  /**
   * After {@link #handOver}: stops accepting (the sockets stay open in the new process), drains.
   */
  public Future<Void> drainAfterHandOver(Duration grace) {
    draining = true;
    GatewayNode n = node;
    return n == null ? Future.succeededFuture() : n.stop(grace);
  }

  // ---- reload (docs/operations.md, "Reloading")

  /**
   * Makes {@link #reload} re-read {@code file} (without it, a reload reports that there is none).
   */
  public void configFile(ConfigFile file) {
    this.configFile = requireNonNull(file, "file");
  }

  @Override
  public Future<ReloadReport> reload(boolean force) {
    io.vertx.core.Promise<ReloadReport> done = io.vertx.core.Promise.promise();
    control.runOnContext(
        v -> {
          // one reload at a time, on the context that applies cluster versions too
          Future<ReloadReport> f =
              reloading.transform(x -> reloadNow(force)).recover(this::internalError);
          reloading = f;
          f.onComplete(done);
        });
    return done.future();
  }

  private Future<ReloadReport> internalError(Throwable t) {
    log.error("reload failed", t);
    return Future.succeededFuture(ReloadReport.invalid(List.of("reload failed: " + t)));
  }

  private Future<ReloadReport> reloadNow(boolean force) {
    ConfigFile file = configFile;
    GatewayNode n = node;
    if (file == null || n == null) {
      return Future.succeededFuture(
          ReloadReport.invalid(
              List.of(
                  file == null
                      ? "this node runs without --config: nothing to reload"
                      : "this node has not started yet")));
    }
    log.atInfo().addKeyValue("file", file.path()).addKeyValue("force", force).log("reloading");
    return cluster
        .vertx()
        .executeBlocking(() -> file.loader().get())
        .transform(
            ar -> {
              if (ar.failed()) {
                return Future.succeededFuture(refused(errorsOf(ar.cause())));
              }
              return reloadWith(file, n, ar.result(), force);
            });
  }

  private static List<String> errorsOf(Throwable t) {
    if (t instanceof ConfigException e) {
      return e.errors().stream().map(io.vxgate.config.ConfigError::toString).toList();
    }
    return List.of(t.getMessage() == null ? t.toString() : t.getMessage());
  }

  /** Nothing changed: every error logged. */
  private static ReloadReport refused(List<String> errors) {
    errors.forEach(e -> log.atError().log("reload refused, nothing changed: {}", e));
    return ReloadReport.invalid(errors);
  }

  private Future<ReloadReport> reloadWith(
      ConfigFile file, GatewayNode n, GatewayConfig next, boolean force) {
    GatewayConfig before = local;
    ConfigStore.Entry entry = appliedEntry;
    GatewayConfig effective;
    try {
      effective = entry == null ? next : SharedConfig.apply(next, entry.config());
    } catch (ConfigException e) {
      List<String> errors = new ArrayList<>();
      errors.add(
          "the cluster's config version "
              + entry.version()
              + " does not validate with this file's node-local sections:");
      errors.addAll(errorsOf(e));
      return Future.succeededFuture(refused(errors));
    }
    List<LocalApplier> appliers = appliers(n, file.path());
    List<LocalApplier.Change> prepared = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (LocalApplier a : appliers) {
      chain = chain.compose(v -> a.prepare(before, next).map(c -> prepared.add(c)).mapEmpty());
    }
    return chain.transform(
        ar -> {
          if (ar.failed()) {
            prepared.forEach(LocalApplier.Change::abort);
            return Future.succeededFuture(refused(errorsOf(ar.cause())));
          }
          local = next;
          n.apply(effective);
          if (entry != null) {
            applyAdminStates(n, entry.config());
          }
          List<String> changes = new ArrayList<>();
          prepared.forEach(c -> changes.addAll(c.commit()));
          changes.addAll(LocalSections.otherChanges(before, next));
          List<String> restart = LocalSections.restartNeeded(before, next);
          String author = file.path() + "@" + cluster.membership().local().id();
          return fileSections
              .reload(cluster.configStore(), next, force, author)
              .map(shared -> reported(new ReloadReport(List.of(), changes, restart, shared)));
        });
  }

  private static ReloadReport reported(ReloadReport r) {
    var line =
        log.atInfo()
            .addKeyValue("local", r.local())
            .addKeyValue("cluster_wide", r.shared().status())
            .addKeyValue("version", r.shared().version());
    if (!r.restart().isEmpty()) {
      line = line.addKeyValue("restart_needed", r.restart());
    }
    line.log("reloaded: {}", r.shared().message());
    if (r.shared().status() == ReloadReport.SharedStatus.REFUSED) {
      log.atWarn().log("reload: {}", r.shared().message());
    }
    return r;
  }

  /**
   * The node-local sections a reload applies in place, one applier each.
   *
   * @param file the config file (in errors)
   */
  private List<LocalApplier> appliers(GatewayNode n, String file) {
    return List.of(
        (before, after) ->
            // certificates are read and checked on a worker thread, not on an event loop
            cluster
                .vertx()
                .executeBlocking(() -> n.prepareListeners(after.listeners()))
                .compose(f -> f)
                .map(
                    lc ->
                        new LocalApplier.Change() {
                          @Override
                          public List<String> commit() {
                            lc.commit(after.node().shutdownGrace());
                            return lc.changes();
                          }

                          @Override
                          public void abort() {
                            lc.abort();
                          }
                        }),
        (before, after) ->
            Future.succeededFuture(
                java.util.Objects.equals(before.admin().token(), after.admin().token())
                    ? LocalApplier.Change.NONE
                    : LocalApplier.Change.report(List.of("admin.token: replaced"))),
        this::prepareDnsSync,
        (before, after) -> prepareAccessLog(n.accessLog(), file, before, after));
  }

  /**
   * access-log, tracing: a changed section opens its new destination and exporter (on a worker
   * thread; one that cannot be opened refuses the reload), and the access log switches to them
   * between two lines (docs/operations.md, "Reloading"). {@code tracing.sample} takes effect with
   * the snapshot.
   */
  private Future<LocalApplier.Change> prepareAccessLog(
      AccessLog accessLog, String file, GatewayConfig before, GatewayConfig after) {
    List<String> what = AccessLogChanges.of(before, after);
    if (!AccessLogChanges.reopens(before, after)) {
      return Future.succeededFuture(LocalApplier.Change.report(what));
    }
    return cluster
        .vertx()
        .executeBlocking(
            () -> {
              AccessLog.Setup s = accessLog.prepare(after.accessLog(), after.tracing());
              List<io.vxgate.config.ConfigError> errors = s.errors(file);
              if (!errors.isEmpty()) {
                s.abandon();
                throw new ConfigException(errors);
              }
              return s;
            })
        .map(
            s ->
                new LocalApplier.Change() {
                  @Override
                  public List<String> commit() {
                    accessLog.switchTo(s);
                    return what;
                  }

                  @Override
                  public void abort() {
                    s.abandon();
                  }
                });
  }

  /** dns-sync: a changed section restarts DNS sync with it (a removed one withdraws this node). */
  private Future<LocalApplier.Change> prepareDnsSync(GatewayConfig before, GatewayConfig after) {
    if (java.util.Objects.equals(before.dnsSync(), after.dnsSync())
        && java.util.Objects.equals(before.node().advertise(), after.node().advertise())) {
      return Future.succeededFuture(LocalApplier.Change.NONE);
    }
    if (after.dnsSync() != null) {
      try {
        DnsSync.advertised(after);
      } catch (IllegalArgumentException e) {
        return Future.failedFuture(e);
      }
    }
    return Future.succeededFuture(
        () -> {
          DnsSync old = dns;
          dns = null;
          Future<Void> stopped =
              old == null
                  ? Future.succeededFuture()
                  : (after.dnsSync() == null ? old.withdraw() : Future.<Void>succeededFuture())
                      .otherwiseEmpty()
                      .eventually(old::close);
          stopped
              .compose(v -> startDnsSync())
              .onFailure(
                  t -> log.error("dns-sync: not restarted after the reload: {}", t.toString()));
          return List.of(
              after.dnsSync() == null
                  ? "dns-sync: stopped (this node is withdrawn)"
                  : before.dnsSync() == null
                      ? "dns-sync: started"
                      : "dns-sync: restarted with the new settings");
        });
  }

  // ---- NodeContext

  @Override
  public GatewayConfig localConfig() {
    return local;
  }

  @Override
  public boolean started() {
    return node != null;
  }

  @Override
  public boolean draining() {
    return draining;
  }

  /** Marks the node draining: readiness goes false (SIGTERM; {@link #stop} sets it too). */
  public void setDraining(boolean draining) {
    this.draining = draining;
  }

  @Override
  public List<NodeContext.ServerStatus> servers() {
    GatewayNode n = node;
    if (n == null) {
      return List.of();
    }
    List<NodeContext.ServerStatus> out = new ArrayList<>();
    for (ServerState s : n.health().states()) {
      out.add(s.status());
    }
    out.sort(java.util.Comparator.comparing(NodeContext.ServerStatus::id));
    return out;
  }

  @Override
  public AccessLogControl accessLog() {
    GatewayNode n = node;
    return n == null ? AccessLogControl.NONE : n.accessLog();
  }

  @Override
  public void metrics(ProxyMetrics metrics) {
    this.metrics = requireNonNull(metrics, "metrics");
  }

  /** The request-path metrics sink installed by an extension ({@link ProxyMetrics#NOOP}: none). */
  public ProxyMetrics metrics() {
    return metrics;
  }

  /** The gateway (null before {@link #start}). */
  public @Nullable GatewayNode gateway() {
    return node;
  }

  /** The cluster side. */
  @Override
  public ClusterNode cluster() {
    return cluster;
  }

  @Override
  public Vertx vertx() {
    return cluster.vertx();
  }

  /** The config version this node runs (0: none from the cluster). */
  @Override
  public long appliedVersion() {
    return appliedVersion;
  }

  /**
   * Withdraws the node from DNS (when DNS sync runs; waits up to 3s for the update), drains the
   * gateway, leaves the cluster and closes Vert.x.
   */
  public Future<Void> stop(Duration grace) {
    draining = true;
    if (subscription != null) {
      subscription.cancel();
    }
    if (membersSubscription != null) {
      membersSubscription.cancel();
    }
    DnsSync d = dns;
    Future<Void> withdrawn =
        d == null
            ? Future.succeededFuture()
            : d.withdraw()
                .timeout(3, TimeUnit.SECONDS)
                .onFailure(e -> log.warn("dns-sync: withdraw not confirmed: {}", e.toString()))
                .otherwiseEmpty();
    return withdrawn
        .compose(v -> node == null ? Future.<Void>succeededFuture() : node.stop(grace))
        .eventually(this::stopExtensions)
        .eventually(() -> d == null ? Future.succeededFuture() : d.close())
        .eventually(() -> cluster.close())
        .eventually(() -> cluster.clustered() ? Future.succeededFuture() : cluster.vertx().close());
  }
}
