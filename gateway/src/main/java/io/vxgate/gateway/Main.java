package io.vxgate.gateway;

import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.Epoll;
import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.config.ConfigException;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.demo.DemoOrigins;
import io.vxgate.gateway.node.ClusteredNode;
import io.vxgate.gateway.takeover.SystemdNotify;
import io.vxgate.gateway.takeover.TakeoverClient;
import io.vxgate.gateway.takeover.TakeoverServer;
import io.vxgate.gateway.takeover.TakeoverSocket;
import io.vxgate.gateway.vertx.VertxNetty;
import io.vxgate.util.Ticker;
import java.io.IOException;
import java.io.PrintStream;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CountDownLatch;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code bin/vxgate}: starts a node, or checks a config file. See {@link #USAGE}.
 *
 * <p>Exit codes: 0 success (or drained after SIGTERM), 1 invalid config, 2 bad command line, 3
 * failed to start (e.g. a port in use).
 */
public final class Main {
  private static final Logger log = LoggerFactory.getLogger(Main.class);

  static final String USAGE =
      """
      Usage: vxgate [options]
        --config FILE            config file (YAML or JSON); default: the embedded default config
        --demo                   also start three demo origins on 127.0.0.1:9001-9003
        --check-config FILE      validate FILE, print every error, exit 0 (valid) or 1 (invalid)
        --node-id ID             node id (default: host name)            env VXGATE_NODE_ID
        --datacenter DC          datacenter (default: "default")         env VXGATE_DATACENTER
        --cluster-bind HOST:PORT cluster member endpoint                 env VXGATE_CLUSTER_BIND
        --members H:P,H:P        cluster members to join                 env VXGATE_MEMBERS
        --admin-bind HOST:PORT   admin listener                          env VXGATE_ADMIN_BIND
        --event-loops N          event loops (default: CPU cores)        env VXGATE_EVENT_LOOPS
        --shutdown-grace DUR     drain time on SIGTERM (default: node.shutdown-grace, 30s)
        --force-config           seed the cluster with this file's cluster-wide sections even
                                 when the cluster already has a config (a new version)
        --takeover               take the listening sockets of the running node with the same
                                 node id (Linux, epoll), which then drains and exits: an upgrade
                                 without a refused connection (docs/operations.md)
        --help                   this text
      Flags override VXGATE_* environment variables, which override the file.
      SIGHUP re-reads the --config file and applies it in place (docs/operations.md, "Reloading").
      """;

  private Main() {}

  public static void main(String[] args) {
    int code = run(args, System.out, System.err);
    if (code != 0) {
      System.exit(code);
    }
  }

  /** Runs the command line; returns an exit code, or blocks while the node runs. */
  static int run(String[] args, PrintStream out, PrintStream err) {
    Args a;
    try {
      a = Args.parse(args);
    } catch (IllegalArgumentException e) {
      err.println("vxgate: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
    if (a.help) {
      out.print(USAGE);
      return 0;
    }
    ConfigOverrides overrides = a.overrides().merge(ConfigOverrides.fromEnv(System.getenv()));
    if (a.checkConfig != null) {
      try {
        ConfigLoader.load(Path.of(a.checkConfig), overrides);
        out.println(a.checkConfig + ": ok");
        return 0;
      } catch (ConfigException e) {
        err.println(e.getMessage());
        return 1;
      }
    }
    GatewayConfig config;
    try {
      config =
          a.config == null
              ? ConfigLoader.defaults(overrides)
              : ConfigLoader.load(Path.of(a.config), overrides);
    } catch (ConfigException e) {
      err.println(e.getMessage());
      err.println("vxgate: not started: the config is invalid");
      return 1;
    }
    TakeoverClient takeover = null;
    Map<String, List<ServerChannel>> adopted = Map.of();
    if (a.takeover) {
      if (!Epoll.isAvailable()) {
        err.println(
            "vxgate: --takeover is not supported here: it passes sockets with Linux's epoll"
                + " transport, which is not available ("
                + Epoll.unavailabilityCause()
                + ")");
        return 1;
      }
      String id = config.node().id();
      try {
        takeover = TakeoverClient.connect(TakeoverSocket.path(id), id, Duration.ofSeconds(30));
        adopted = takeover.sockets(config.listeners());
        log.atInfo()
            .addKeyValue("from_pid", takeover.peerPid())
            .addKeyValue("listeners", adopted.keySet())
            .log("takeover: listening sockets received");
        takeover.leave();
      } catch (IOException e) {
        err.println("vxgate: --takeover: " + e.getMessage());
        if (takeover != null) {
          takeover.close();
        }
        return 1;
      }
    }
    int loops = a.eventLoops > 0 ? a.eventLoops : envInt("VXGATE_EVENT_LOOPS", cores());
    if (System.getProperty("hazelcast.logging.type") == null) {
      System.setProperty("hazelcast.logging.type", "slf4j");
    }
    VertxOptions options =
        new VertxOptions().setEventLoopPoolSize(loops).setPreferNativeTransport(true);
    ClusteredNode node;
    try {
      node = ClusteredNode.join(config, options).await();
    } catch (Exception e) {
      err.println("vxgate: failed to join the cluster: " + e.getMessage());
      return 3;
    }
    Vertx vertx = node.vertx();
    try {
      if (a.demo) {
        DemoOrigins.start(vertx, "127.0.0.1", 9001, 9002, 9003).await();
        log.atInfo().addKeyValue("ports", "9001,9002,9003").log("demo origins started");
      }
      // docs/cluster.md, seeding rule: a file given with --config seeds only an empty cluster (or
      // with --force-config);
      // a standalone node always runs its own config.
      boolean standalone = config.cluster().standalone();
      boolean seed = standalone || (a.config != null && SharedConfig.present(config));
      if (a.config != null) {
        Path file = Path.of(a.config);
        node.configFile(
            new ClusteredNode.ConfigFile(
                file.toAbsolutePath().toString(), () -> ConfigLoader.load(file, overrides)));
      }
      if (takeover != null && !vertx.isNativeTransportEnabled()) {
        throw new IllegalStateException("--takeover needs the epoll transport, Vert.x runs NIO");
      }
      node.adopt(adopted);
      node.start(seed, a.forceConfig, Ticker.system(), loops).await();
      if (takeover != null) {
        try {
          takeover.serving();
        } catch (IOException e) {
          log.warn("takeover: the old process did not confirm: {}", e.getMessage());
        }
        takeover.close();
        log.atInfo().addKeyValue("from_pid", takeover.peerPid()).log("takeover done");
        // under systemd (NotifyAccess=all), this process is the service's main process from now on
        SystemdNotify.send(vertx, "MAINPID=" + ProcessHandle.current().pid() + "\nREADY=1\n");
      }
    } catch (Exception e) {
      err.println("vxgate: failed to start: " + e.getMessage());
      node.stop(Duration.ZERO).otherwiseEmpty().await();
      return 3;
    }
    log.atInfo()
        .addKeyValue("node", config.node().id())
        .addKeyValue("datacenter", config.node().datacenter())
        .addKeyValue("clustered", node.cluster().clustered())
        .addKeyValue("native_transport", vertx.isNativeTransportEnabled())
        .log("vxgate started");
    onReloadSignal(node);
    LogSignal.install(node::accessLog);
    if (vertx.isNativeTransportEnabled()) {
      listenForTakeover(node, a.shutdownGrace);
      node.successor(Main::startSuccessor);
    }
    CountDownLatch stopped = new CountDownLatch(1);
    Runtime.getRuntime()
        .addShutdownHook(
            new Thread(
                () -> {
                  // --shutdown-grace wins over node.shutdown-grace (default 30s; a reload may
                  // change it).
                  Duration grace =
                      a.shutdownGrace != null
                          ? a.shutdownGrace
                          : node.localConfig().node().shutdownGrace();
                  log.atInfo().addKeyValue("grace", grace).log("draining");
                  int code = 0;
                  try {
                    node.stop(grace).await();
                  } catch (Exception e) {
                    log.warn("unclean stop: {}", e.toString());
                    code = 1;
                  }
                  log.atInfo().addKeyValue("exit", code).log("stopped");
                  stopped.countDown();
                  // docs/operations.md: a drained node exits 0. After a signal the JVM would report
                  // 143, so
                  // end here, once every request finished and the node left the cluster.
                  Runtime.getRuntime().halt(code);
                },
                "vxgate-shutdown"));
    try {
      stopped.await();
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    return 0;
  }

  /**
   * SIGHUP re-reads the config file (docs/operations.md, "Reloading"); the node logs what changed,
   * or every error of an invalid file. Replaces the JVM's default for SIGHUP, which is to exit.
   */
  private static void onReloadSignal(ClusteredNode node) {
    try {
      Signals.handle("HUP", () -> node.reload(false));
    } catch (IllegalArgumentException unsupported) {
      log.warn("SIGHUP is not available here: reload with vxgatectl reload");
    }
  }

  /**
   * Lets a new process started with {@code --takeover} take this node's listening sockets
   * (docs/operations.md, "Upgrading without downtime"); once it serves, this process drains and
   * exits 0.
   */
  private static void listenForTakeover(ClusteredNode node, @Nullable Duration graceFlag) {
    String id = node.localConfig().node().id();
    TakeoverServer.start(
            VertxNetty.eventLoops(node.vertx()).get(0),
            TakeoverSocket.path(id),
            id,
            new TakeoverServer.Handover() {
              @Override
              public Map<String, List<ServerChannel>> sockets() {
                GatewayNode gateway = node.gateway();
                if (gateway == null) {
                  throw new IllegalStateException("this node has not started yet");
                }
                return gateway.listeningSockets();
              }

              @Override
              public io.vertx.core.Future<Void> leave() {
                return node.handOver();
              }

              @Override
              public void serving() {
                Duration grace =
                    graceFlag != null ? graceFlag : node.localConfig().node().shutdownGrace();
                node.drainAfterHandOver(grace)
                    .onComplete(
                        ar -> {
                          log.atInfo().addKeyValue("exit", 0).log("taken over: drained, exiting");
                          Runtime.getRuntime().halt(0);
                        });
              }

              @Override
              public void abandoned() {
                node.setDraining(false);
              }
            })
        .onFailure(t -> log.warn("no takeover socket: {}", t.toString()));
  }

  /**
   * Starts this node again, a new process with this one's command line (the same java, options, jar
   * or class path, and arguments) plus {@code --takeover}, its output where this one's goes: a new
   * jar installed at the same path is what it runs. Returns its pid.
   */
  private static long startSuccessor() throws IOException {
    // /proc/self/cmdline: NUL-separated, whole (ProcessHandle.Info drops long command lines)
    String line =
        new String(
            java.nio.file.Files.readAllBytes(Path.of("/proc/self/cmdline")),
            java.nio.charset.StandardCharsets.UTF_8);
    List<String> cmd = new ArrayList<>(Arrays.asList(line.split("\0")));
    cmd.removeIf(String::isEmpty);
    if (cmd.isEmpty()) {
      throw new IOException("this process's command line is not readable");
    }
    if (!cmd.contains("--takeover")) {
      cmd.add("--takeover");
    }
    Process p = new ProcessBuilder(cmd).inheritIO().start();
    log.atInfo().addKeyValue("pid", p.pid()).log("upgrade: a new process of this node started");
    return p.pid();
  }

  private static int cores() {
    return Math.max(1, Runtime.getRuntime().availableProcessors());
  }

  private static int envInt(String name, int def) {
    String v = System.getenv(name);
    if (v == null || v.isBlank()) {
      return def;
    }
    try {
      return Integer.parseInt(v.trim());
    } catch (NumberFormatException e) {
      return def;
    }
  }

  /** The parsed command line. */
  static final class Args {
    @Nullable String config;
    @Nullable String checkConfig;
    boolean demo;
    boolean forceConfig;
    boolean takeover;
    boolean help;
    @Nullable String nodeId;
    @Nullable String datacenter;
    @Nullable String clusterBind;
    @Nullable String members;
    @Nullable String adminBind;
    int eventLoops;

    /** Null: node.shutdown-grace from the config. */
    @Nullable Duration shutdownGrace;

    static Args parse(String[] argv) {
      Args a = new Args();
      List<String> args = new ArrayList<>(Arrays.asList(argv));
      for (int i = 0; i < args.size(); i++) {
        String arg = args.get(i);
        String value = null;
        int eq = arg.indexOf('=');
        if (arg.startsWith("--") && eq > 0) {
          value = arg.substring(eq + 1);
          arg = arg.substring(0, eq);
        }
        switch (arg) {
          case "--demo" -> a.demo = true;
          case "--force-config" -> a.forceConfig = true;
          case "--takeover" -> a.takeover = true;
          case "--help", "-h" -> a.help = true;
          case "--config", "-c" -> a.config = value != null ? value : next(args, ++i, arg);
          case "--check-config" -> a.checkConfig = value != null ? value : next(args, ++i, arg);
          case "--node-id" -> a.nodeId = value != null ? value : next(args, ++i, arg);
          case "--datacenter" -> a.datacenter = value != null ? value : next(args, ++i, arg);
          case "--cluster-bind" -> a.clusterBind = value != null ? value : next(args, ++i, arg);
          case "--members" -> a.members = value != null ? value : next(args, ++i, arg);
          case "--admin-bind" -> a.adminBind = value != null ? value : next(args, ++i, arg);
          case "--event-loops" -> {
            String v = value != null ? value : next(args, ++i, arg);
            try {
              a.eventLoops = Integer.parseInt(v);
            } catch (NumberFormatException e) {
              throw new IllegalArgumentException("--event-loops: " + v + " (expected: a number)");
            }
          }
          case "--shutdown-grace" -> {
            String v = value != null ? value : next(args, ++i, arg);
            a.shutdownGrace = parseSeconds(v);
          }
          default -> throw new IllegalArgumentException("unknown option " + arg);
        }
      }
      return a;
    }

    private static Duration parseSeconds(String v) {
      String s = v.endsWith("s") ? v.substring(0, v.length() - 1) : v;
      try {
        return Duration.ofSeconds(Long.parseLong(s));
      } catch (NumberFormatException e) {
        throw new IllegalArgumentException(
            "--shutdown-grace: " + v + " (expected: seconds, e.g. 30s)");
      }
    }

    private static String next(List<String> args, int i, String flag) {
      if (i >= args.size()) {
        throw new IllegalArgumentException(flag + " needs a value");
      }
      return args.get(i);
    }

    ConfigOverrides overrides() {
      return new ConfigOverrides(nodeId, datacenter, clusterBind, members, adminBind, null);
    }
  }
}
