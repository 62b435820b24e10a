package io.vxgate.gateway;

import static java.util.Objects.requireNonNull;

import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vxgate.cluster.ClusterNode;
import io.vxgate.cluster.ProxyMetrics;
import io.vxgate.config.BufferingConfig;
import io.vxgate.config.Cidr;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.HostPort;
import io.vxgate.config.ListenerConfig;
import io.vxgate.config.UpstreamConfig;
import io.vxgate.gateway.accesslog.AccessLog;
import io.vxgate.gateway.buffer.NodeBuffers;
import io.vxgate.gateway.geoip.CountryResolver;
import io.vxgate.gateway.limit.Limits;
import io.vxgate.gateway.proxy.CertificateWatcher;
import io.vxgate.gateway.proxy.ErrorPages;
import io.vxgate.gateway.proxy.ForwardedHeaders;
import io.vxgate.gateway.proxy.Listener;
import io.vxgate.gateway.proxy.ProxySnapshot;
import io.vxgate.gateway.proxy.UpstreamClients;
import io.vxgate.gateway.route.Router;
import io.vxgate.gateway.upstream.HealthRegistry;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.Upstream;
import io.vxgate.gateway.upstream.UpstreamPool;
import io.vxgate.gateway.upstream.UpstreamSelector;
import io.vxgate.gateway.vertx.VertxNetty;
import io.vxgate.util.Ticker;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.SplittableRandom;
import java.util.concurrent.atomic.AtomicInteger;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * One gateway node's data plane: its listeners (a server socket per event loop each), the live
 * server states and connection pools, and the current {@link ProxySnapshot}. A new config is
 * compiled into a new snapshot and swapped in with one volatile write; requests in flight finish on
 * the snapshot they started with.
 */
public final class GatewayNode {
  private static final Logger log = LoggerFactory.getLogger(GatewayNode.class);

  private final Vertx vertx;
  private final Ticker ticker;
  private final int instances;
  private final HealthRegistry health;
  private final SplittableRandom random = new SplittableRandom();
  private final Map<String, ClientEntry> clients = new HashMap<>();
  private final Map<String, Integer> ports = new LinkedHashMap<>();
  private final Map<String, AtomicInteger> connectionCounts =
      new java.util.concurrent.ConcurrentHashMap<>();

  /** The listeners by name, with the config each was deployed from (port 0 as configured). */
  private final Map<String, Deployed> listeners = new LinkedHashMap<>();

  private final CertificateWatcher certificateWatcher;
  private final Limits limits;

  /** Sockets taken over at start, by listener name, until their listener serves them. */
  private final Map<String, List<ServerChannel>> adopted = new HashMap<>();

  private final AccessLog accessLog;

  // start() applies the first config before it binds a listener or returns the node, and nothing
  // else reads the snapshot (the listeners' request path reads it once per request, unchecked).
  @SuppressWarnings("NullAway.Init")
  private volatile ProxySnapshot snapshot;

  private ProxyMetrics metrics = ProxyMetrics.NOOP;

  /** Null until start() has opened them (and for good if that failed). */
  private @Nullable NodeBuffers buffers;

  private long version;

  private record ClientEntry(UpstreamClients.Key key, UpstreamPool client) {}

  private record Deployed(ListenerConfig configured, Listener listener) {}

  private GatewayNode(
      Vertx vertx,
      Ticker ticker,
      int instances,
      @Nullable ClusterNode cluster,
      AccessLog accessLog) {
    this.vertx = vertx;
    this.ticker = ticker;
    this.instances = instances;
    this.accessLog = accessLog;
    this.certificateWatcher = new CertificateWatcher(vertx, this::listenerList);
    this.limits = Limits.start(vertx, ticker, cluster);
    this.health =
        cluster == null
            ? new HealthRegistry(vertx, ticker)
            : new HealthRegistry(vertx, ticker, cluster.healthBoard(), cluster.membership());
  }

  /**
   * Starts a standalone node: compiles {@code config}, then binds every listener on {@code
   * instances} event loops.
   */
  public static Future<GatewayNode> start(
      Vertx vertx, GatewayConfig config, Ticker ticker, int instances) {
    return start(vertx, config, ticker, instances, null);
  }

  /**
   * Starts a node in a cluster: like {@link #start(Vertx, GatewayConfig, Ticker, int)}, and its
   * server health follows the cluster's health board, checking only the servers assigned to it.
   * Applying new config versions from the cluster's store is the caller's job ({@link
   * io.vxgate.gateway.node.ClusteredNode}).
   *
   * @param cluster null: standalone
   */
  public static Future<GatewayNode> start(
      Vertx vertx,
      GatewayConfig config,
      Ticker ticker,
      int instances,
      @Nullable ClusterNode cluster) {
    return start(vertx, config, ticker, instances, cluster, ProxyMetrics.NOOP);
  }

  /**
   * Starts a node whose request path reports to {@code metrics} (the admin extension's Prometheus
   * meters).
   *
   * @param cluster null: standalone
   */
  public static Future<GatewayNode> start(
      Vertx vertx,
      GatewayConfig config,
      Ticker ticker,
      int instances,
      @Nullable ClusterNode cluster,
      ProxyMetrics metrics) {
    return start(vertx, config, ticker, instances, cluster, metrics, Map.of());
  }

  /**
   * Starts a node that serves the listening sockets in {@code adopted} (by listener name, taken
   * over from the process it replaces: docs/operations.md, "Upgrading without downtime") instead of
   * binding those listeners; sockets of listeners its config no longer has are closed.
   *
   * @param cluster null: standalone
   */
  public static Future<GatewayNode> start(
      Vertx vertx,
      GatewayConfig config,
      Ticker ticker,
      int instances,
      @Nullable ClusterNode cluster,
      ProxyMetrics metrics,
      Map<String, List<ServerChannel>> adopted) {
    requireNonNull(vertx, "vertx");
    requireNonNull(config, "config");
    requireNonNull(ticker, "ticker");
    AccessLog accessLog = AccessLog.start(config.accessLog(), config.tracing(), config.node().id());
    GatewayNode node = new GatewayNode(vertx, ticker, instances, cluster, accessLog);
    node.metrics = requireNonNull(metrics, "metrics");
    node.adopted.putAll(adopted);
    BufferingConfig.NodeLimits limits = config.buffering();
    Path dir =
        limits.tempDir() != null
            ? Path.of(limits.tempDir())
            : NodeBuffers.defaultDir(config.node().id());
    long budget =
        limits.nodeMemory() != null ? limits.nodeMemory() : NodeBuffers.defaultMemoryBudget();
    // (Creating the temp directory and removing leftovers touches the disk: not on an event loop.)
    Future<Void> all =
        vertx
            .executeBlocking(() -> NodeBuffers.open(dir, budget))
            .map(
                buffers -> {
                  node.buffers = buffers;
                  metrics.buffers(buffers::memoryBytes, buffers::diskBytes, buffers::spills);
                  node.apply(config);
                  return null;
                });
    for (ListenerConfig l : config.listeners()) {
      all = all.compose(v -> node.deployListener(l));
    }
    return all.map(
            n -> {
              node.adopted.forEach(
                  (name, sockets) -> {
                    log.atInfo()
                        .addKeyValue("listener", name)
                        .log("taken-over listener not in this config: its sockets are closed");
                    sockets.forEach(ServerChannel::close);
                  });
              node.adopted.clear();
              node.certificateWatcher.start();
              return node;
            })
        .onFailure(t -> node.stop(Duration.ZERO));
  }

  private Future<Void> deployListener(ListenerConfig configured) {
    return bindListener(configured).map(d -> install(d));
  }

  /** Binds a listener's sockets without making it known (a reload may still give it up). */
  private Future<Deployed> bindListener(ListenerConfig configured) {
    // Port 0 (tests): pick a free port first so every event loop's socket shares one port.
    ListenerConfig l =
        configured.bind().port() == 0
            ? configured.withBind(new HostPort(configured.bind().host(), freePort(configured)))
            : configured;
    List<ServerChannel> taken = adopted.remove(configured.name());
    if (taken != null) {
      int actual = ((java.net.InetSocketAddress) taken.get(0).localAddress()).getPort();
      l = configured.withBind(new HostPort(configured.bind().host(), actual));
    }
    AtomicInteger connections = new AtomicInteger();
    Listener listener;
    try {
      listener =
          new Listener(vertx, l, this::snapshot, connections, ticker, listenerLoops(), accessLog);
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    return (taken != null ? listener.adopt(taken) : listener.start())
        .map(v -> new Deployed(configured, listener));
  }

  private Void install(Deployed d) {
    String name = d.configured().name();
    listeners.put(name, d);
    connectionCounts.put(name, d.listener().connections());
    ports.put(name, d.listener().actualPort());
    log.atInfo()
        .addKeyValue("listener", name)
        .addKeyValue("bind", d.listener().config().bind())
        .addKeyValue("event_loops", instances)
        .log("listening");
    return null;
  }

  /**
   * Prepares this node's listeners for {@code next} (a reload, docs/operations.md "Reloading"):
   * loads the certificates of every TLS listener and binds the sockets of new listeners, changing
   * nothing that serves. A listener whose bind address and TLS-ness stay is updated in place on
   * {@link ListenerChanges#commit} (its sockets and connections stay; new connections get the new
   * settings, new handshakes the new certificates); any other change is a new listener, and the
   * listeners that {@code next} no longer has stop accepting and drain. Fails, with nothing
   * changed, when a certificate does not load or a new address cannot be bound.
   */
  public synchronized Future<ListenerChanges> prepareListeners(List<ListenerConfig> next) {
    List<Runnable> updates = new ArrayList<>();
    List<String> changes = new ArrayList<>();
    List<String> removed = new ArrayList<>();
    List<ListenerConfig> added = new ArrayList<>();
    Map<String, ListenerConfig> byName = new LinkedHashMap<>();
    next.forEach(l -> byName.put(l.name(), l));
    try {
      for (ListenerConfig l : next) {
        Deployed d = listeners.get(l.name());
        boolean inPlace =
            d != null
                && d.configured().bind().equals(l.bind())
                && (d.configured().tls() != null) == (l.tls() != null);
        if (d == null || !inPlace) {
          added.add(l);
          if (d != null) {
            removed.add(l.name());
          }
          continue;
        }
        Listener.Certificates certs =
            l.tls() == null ? null : Listener.Certificates.load(vertx, l.tls());
        Listener.Certificates current = d.listener().certificates();
        boolean newCerts =
            certs != null && (current == null || !certs.leaves().equals(current.leaves()));
        if (!d.configured().equals(l) || newCerts) {
          ListenerConfig actual = l.withBind(d.listener().config().bind());
          updates.add(
              () -> {
                d.listener().update(actual, certs);
                listeners.put(l.name(), new Deployed(l, d.listener()));
              });
          changes.add(
              "listener "
                  + l.name()
                  + ": "
                  + (d.configured().equals(l) ? "certificates reloaded" : "settings changed"));
        }
      }
    } catch (RuntimeException e) {
      return Future.failedFuture(e);
    }
    listeners.keySet().stream().filter(n -> !byName.containsKey(n)).forEach(removed::add);
    // A new listener on an address that a removed one holds binds after that one let it go.
    java.util.Set<HostPort> held = new java.util.HashSet<>();
    for (String n : removed) {
      Deployed d = listeners.get(n);
      if (d != null) {
        held.add(d.configured().bind());
      }
    }
    List<ListenerConfig> now = added.stream().filter(l -> !held.contains(l.bind())).toList();
    List<ListenerConfig> later = added.stream().filter(l -> held.contains(l.bind())).toList();
    List<Deployed> bound = new ArrayList<>();
    Future<Void> chain = Future.succeededFuture();
    for (ListenerConfig l : now) {
      chain = chain.compose(v -> bindListener(l).map(d -> bound.add(d)).mapEmpty());
    }
    return chain
        .recover(
            t -> {
              bound.forEach(d -> d.listener().close());
              return Future.failedFuture(t);
            })
        .map(
            v -> {
              removed.forEach(
                  n ->
                      changes.add(
                          "listener "
                              + n
                              + ": "
                              + (byName.containsKey(n) ? "rebound" : "removed")));
              added.forEach(
                  l -> {
                    if (!removed.contains(l.name())) {
                      changes.add("listener " + l.name() + ": added on " + l.bind());
                    }
                  });
              return new ListenerChanges(changes, updates, removed, bound, later);
            });
  }

  /** The listener changes of a reload, prepared by {@link #prepareListeners}. */
  public final class ListenerChanges {
    private final List<String> changes;
    private final List<Runnable> updates;
    private final List<String> removed;
    private final List<Deployed> bound;
    private final List<ListenerConfig> later;

    private ListenerChanges(
        List<String> changes,
        List<Runnable> updates,
        List<String> removed,
        List<Deployed> bound,
        List<ListenerConfig> later) {
      this.changes = List.copyOf(changes);
      this.updates = updates;
      this.removed = removed;
      this.bound = bound;
      this.later = later;
    }

    /** What changes, in words ({@code listener api: added on 0.0.0.0:8081}). */
    public List<String> changes() {
      return changes;
    }

    /**
     * Applies the changes: updates in place, installs the new listeners, and lets the removed ones
     * drain for up to {@code grace} (not awaited).
     */
    public void commit(Duration grace) {
      synchronized (GatewayNode.this) {
        updates.forEach(Runnable::run);
        List<Future<Void>> released = new ArrayList<>();
        for (String n : removed) {
          Deployed d = listeners.remove(n);
          ports.remove(n);
          connectionCounts.remove(n);
          if (d == null) {
            continue;
          }
          log.atInfo().addKeyValue("listener", n).log("listener stops accepting and drains");
          d.listener().shutdown(grace);
          released.add(d.listener().stoppedAccepting());
        }
        bound.forEach(GatewayNode.this::install);
        if (later.isEmpty()) {
          return;
        }
        // the removed listeners' server sockets are closed once their drain has begun
        Future<Void> chain = Future.join(released).otherwiseEmpty().<Void>mapEmpty();
        for (ListenerConfig l : later) {
          chain =
              chain.compose(
                  v ->
                      deployListener(l)
                          .recover(
                              t -> {
                                log.error(
                                    "listener {}: cannot bind {}: {}",
                                    l.name(),
                                    l.bind(),
                                    t.toString());
                                return Future.succeededFuture();
                              }));
        }
      }
    }

    /** Gives the prepared changes up: closes the sockets bound for new listeners. */
    public void abort() {
      bound.forEach(d -> d.listener().close());
    }
  }

  /**
   * The listening sockets of every listener, by name (for a takeover: the new process serves these
   * very sockets, so no connection waiting in their queues is lost).
   */
  public synchronized Map<String, List<ServerChannel>> listeningSockets() {
    Map<String, List<ServerChannel>> out = new LinkedHashMap<>();
    listeners.forEach((name, d) -> out.put(name, d.listener().serverChannels()));
    return out;
  }

  /** The listeners now (the certificate watcher's view). */
  private synchronized List<Listener> listenerList() {
    return listeners.values().stream().map(Deployed::listener).toList();
  }

  /** The event loops that serve the listeners: the first {@code instances} of Vert.x's. */
  private List<EventLoop> listenerLoops() {
    List<EventLoop> all = VertxNetty.eventLoops(vertx);
    return List.copyOf(all.subList(0, Math.min(all.size(), Math.max(1, instances))));
  }

  private static int freePort(ListenerConfig l) {
    try (java.net.ServerSocket s =
        new java.net.ServerSocket(0, 1, java.net.InetAddress.getByName(l.bind().host()))) {
      return s.getLocalPort();
    } catch (java.io.IOException e) {
      throw new java.io.UncheckedIOException("no free port on " + l.bind().host(), e);
    }
  }

  /**
   * Compiles {@code config} (already validated) into a new snapshot and swaps it in. Listeners are
   * node-local and are not rebound. Must be called from one thread at a time.
   */
  public synchronized ProxySnapshot apply(GatewayConfig config) {
    NodeBuffers buffers = this.buffers;
    if (buffers == null) {
      throw new IllegalStateException("the node's buffers are not open: apply before start");
    }
    Map<String, List<ServerState>> states = health.update(config);
    Map<String, Upstream> upstreams = new HashMap<>();
    Map<String, ClientEntry> unused = new HashMap<>(clients);
    for (UpstreamConfig u : config.upstreams().values()) {
      UpstreamPool client = client(u);
      unused.remove(u.name());
      List<ServerState> primaries = new ArrayList<>();
      List<ServerState> backups = new ArrayList<>();
      for (ServerState s : states.getOrDefault(u.name(), List.of())) {
        (s.config().backup() ? backups : primaries).add(s);
      }
      upstreams.put(u.name(), new Upstream(u, primaries, backups, client));
    }
    unused.forEach(
        (name, e) -> {
          clients.remove(name);
          e.client().shutdown(Duration.ofSeconds(30));
        });
    Map<String, UpstreamSelector> selectors = new HashMap<>();
    upstreams.forEach(
        (name, u) ->
            selectors.put(
                name, new UpstreamSelector(u, ticker, random.split(), config.node().datacenter())));
    List<Cidr> trusted = config.trustedProxies().stream().map(Cidr::parse).toList();
    ProxySnapshot s =
        new ProxySnapshot(
            ++version,
            config,
            Router.compile(config.routes(), CountryResolver.forConfig(config.geoip())),
            upstreams,
            selectors,
            new ErrorPages(config.errorPages()),
            new ForwardedHeaders(trusted),
            metrics,
            buffers,
            limits.apply(config));
    snapshot = s;
    log.atInfo()
        .addKeyValue("version", s.version())
        .addKeyValue("upstreams", upstreams.size())
        .addKeyValue("routes", config.routes().size())
        .log("config applied");
    return s;
  }

  private UpstreamPool client(UpstreamConfig u) {
    UpstreamClients.Key key = UpstreamClients.key(u);
    ClientEntry e = clients.get(u.name());
    if (e != null && e.key().equals(key)) {
      return e.client();
    }
    if (e != null) {
      e.client().shutdown(Duration.ofSeconds(30));
    }
    UpstreamPool pool = UpstreamPool.create(vertx, UpstreamClients.settings(u), listenerLoops());
    clients.put(u.name(), new ClientEntry(key, pool));
    return pool;
  }

  /** The current snapshot (one volatile read). */
  public ProxySnapshot snapshot() {
    return snapshot;
  }

  /** The node's buffered bodies: memory and temp files in use, spills (null before start). */
  public @Nullable NodeBuffers buffers() {
    return buffers;
  }

  /**
   * The node's access log and span export (a reload replaces their settings in place: {@link
   * AccessLog#switchTo}).
   */
  public AccessLog accessLog() {
    return accessLog;
  }

  /** The live server states. */
  public HealthRegistry health() {
    return health;
  }

  /** The bound port of each listener, by listener name. */
  public Map<String, Integer> ports() {
    return Map.copyOf(ports);
  }

  /** The client connections a listener has open now (over the limit ones only briefly). */
  public int openConnections(String listener) {
    AtomicInteger n = connectionCounts.get(listener);
    if (n == null) {
      throw new IllegalArgumentException("no listener " + listener);
    }
    return n.get();
  }

  /** The bound port of one listener. */
  public int port(String listener) {
    Integer p = ports.get(listener);
    if (p == null) {
      throw new IllegalArgumentException("no listener " + listener);
    }
    return p;
  }

  /** Writes the access log's last lines (off the event loop: it waits for the writer). */
  private Future<Void> closeAccessLog() {
    AccessLog l = accessLog;
    return vertx.executeBlocking(
        () -> {
          l.close();
          return null;
        });
  }

  /**
   * Stops accepting, lets requests in flight finish for up to {@code grace}, then closes pools and
   * checkers.
   */
  public Future<Void> stop(Duration grace) {
    certificateWatcher.close();
    limits.stop();
    List<Future<Void>> draining = new ArrayList<>();
    listeners.values().forEach(d -> draining.add(d.listener().shutdown(grace)));
    listeners.clear();
    Future<Void> drained = Future.join(draining).otherwiseEmpty().mapEmpty();
    return drained.compose(
        v -> {
          health.close();
          List<Future<Void>> closing = new ArrayList<>();
          clients.values().forEach(e -> closing.add(e.client().shutdown(grace)));
          clients.clear();
          return Future.join(closing)
              .<Void>mapEmpty()
              .eventually(
                  () -> {
                    NodeBuffers b = buffers;
                    if (b != null) {
                      b.close();
                    }
                    return Future.succeededFuture();
                  })
              .eventually(this::closeAccessLog);
        });
  }
}
