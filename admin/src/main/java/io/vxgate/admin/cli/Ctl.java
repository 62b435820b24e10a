package io.vxgate.admin.cli;

import io.vertx.core.json.DecodeException;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.admin.importer.ImportCommand;
import io.vxgate.cluster.SharedConfig;
import io.vxgate.config.ConfigException;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import java.io.IOException;
import java.io.PrintStream;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.NoSuchFileException;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Map;
import java.util.Objects;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/**
 * {@code bin/vxgatectl}: the admin CLI over the admin HTTP API (see {@link #USAGE} and {@code
 * docs/admin.md}).
 *
 * <p>Exit codes: 0 success, 1 refused or invalid (a local validation error, or an {@code ok: false}
 * reply), 2 bad command line, 3 admin API unreachable. {@code import} has its own (see {@link
 * ImportCommand}): 3 there means that something was left out.
 */
public final class Ctl {
  static final String USAGE =
      """
      Usage: vxgatectl [--admin URL] [--token T] [--node ID] [--json] COMMAND
        --admin URL        admin API (default: http://127.0.0.1:9090)     env VXGATE_ADMIN
        --token T          admin token (Bearer)                           env VXGATE_ADMIN_TOKEN
        --node ID          run COMMAND on member ID, through the --admin node
                           (its /api/nodes/ID/...; default: the --admin node itself)
        --json             print the API's JSON replies (for scripts)
        --force            reload: write the file's cluster-wide sections even when someone
                           else changed the cluster's config since the file was last in force
      Commands:
        members                              cluster members by datacenter
        health                               servers: operator state, cluster verdict, checkers
        upstreams                            servers per node: health flags and why one is out
        config get                           the cluster-wide config in force
        config apply FILE                    validate FILE locally, then make its cluster-wide
                                             sections the cluster's config
        routes apply FILE                    replace the routes (FILE: YAML/JSON list, or a map
                                             with a routes key)
        server drain|enable|disable UPSTREAM SERVER
        history                              the kept config versions and what changed
        rollback VERSION                     restore the config of VERSION (as a new version)
        reload                               the node re-reads its config file (as SIGHUP):
                                             prints what changed, or every error (exit 1)
        log reopen                           reopen the node's access log file (logrotate)
        upgrade                              the node starts a new process of itself with
                                             --takeover, which takes its sockets (a new jar
                                             at the same path); the old one drains and exits
        import nginx|haproxy FILE            print FILE translated into a vxgate config; what
                                             was not translated goes to stderr (no admin API:
                                             exit 0 all translated, 3 some left out, 1 invalid)
      Exit codes: 0 ok, 1 refused or invalid, 2 usage, 3 unreachable.
      """;

  private Ctl() {}

  public static void main(String[] args) {
    System.exit(run(args, System.out, System.err, System.getenv()));
  }

  /** Runs one command; returns the exit code. */
  public static int run(String[] argv, PrintStream out, PrintStream err, Map<String, String> env) {
    String admin = env.getOrDefault("VXGATE_ADMIN", "http://127.0.0.1:9090");
    String token = env.get("VXGATE_ADMIN_TOKEN");
    String node = null;
    boolean json = false;
    boolean force = false;
    List<String> words = new ArrayList<>();
    List<String> args = Arrays.asList(argv);
    try {
      for (int i = 0; i < args.size(); i++) {
        String a = args.get(i);
        String value = null;
        int eq = a.indexOf('=');
        if (a.startsWith("--") && eq > 0) {
          value = a.substring(eq + 1);
          a = a.substring(0, eq);
        }
        switch (a) {
          case "--admin" -> admin = value != null ? value : next(args, ++i, a);
          case "--token" -> token = value != null ? value : next(args, ++i, a);
          case "--node" -> node = value != null ? value : next(args, ++i, a);
          case "--json" -> json = true;
          case "--force" -> force = true;
          case "--help", "-h" -> {
            out.print(USAGE);
            return 0;
          }
          default -> {
            if (a.startsWith("--")) {
              throw new IllegalArgumentException("unknown option " + a);
            }
            words.add(args.get(i));
          }
        }
      }
      if (words.isEmpty()) {
        throw new IllegalArgumentException("no command");
      }
      if (words.get(0).equals("import")) {
        if (words.size() != 3 || !ImportCommand.FORMATS.contains(words.get(1))) {
          throw new IllegalArgumentException(
              "usage: import " + String.join("|", ImportCommand.FORMATS) + " FILE");
        }
        return ImportCommand.run(words.get(1), words.get(2), out, err);
      }
      URI base = URI.create(admin.endsWith("/") ? admin.substring(0, admin.length() - 1) : admin);
      if (base.getScheme() == null || base.getHost() == null) {
        throw new IllegalArgumentException("--admin: " + admin + " (expected: http://HOST:PORT)");
      }
      if (node != null && node.isEmpty()) {
        throw new IllegalArgumentException("--node: (empty) (expected: a member's node id)");
      }
      Command c = Command.parse(words);
      if (force && !c.verb().equals("reload")) {
        throw new IllegalArgumentException("--force: only with reload");
      }
      String prefix = node == null ? "" : "/api/nodes/" + Session.seg(node);
      return new Ctl.Session(
              base, prefix, token == null || token.isEmpty() ? null : token, json, force, out, err)
          .run(c);
    } catch (IllegalArgumentException e) {
      err.println("vxgatectl: " + e.getMessage());
      err.print(USAGE);
      return 2;
    }
  }

  private static String next(List<String> args, int i, String flag) {
    if (i >= args.size()) {
      throw new IllegalArgumentException(flag + " needs a value");
    }
    return args.get(i);
  }

  /** A parsed command: the verb ({@code config apply}) and its operands ({@code FILE}). */
  record Command(String verb, List<String> operands) {
    static Command parse(List<String> w) {
      String first = w.get(0);
      String second = w.size() > 1 ? w.get(1) : "";
      Command c =
          switch (first + " " + second) {
            case "config get" -> of(w, 2, 0, "config get");
            case "config apply" -> of(w, 2, 1, "config apply FILE");
            case "routes apply" -> of(w, 2, 1, "routes apply FILE");
            case "server drain", "server enable", "server disable" ->
                of(w, 2, 2, "server " + second + " UPSTREAM SERVER");
            case "log reopen" -> of(w, 2, 0, "log reopen");
            default ->
                switch (first) {
                  case "members", "health", "upstreams", "history", "reload", "upgrade" ->
                      of(w, 1, 0, first);
                  case "rollback" -> of(w, 1, 1, "rollback VERSION");
                  case "config" ->
                      throw new IllegalArgumentException("usage: config get | config apply FILE");
                  case "routes" -> throw new IllegalArgumentException("usage: routes apply FILE");
                  case "log" -> throw new IllegalArgumentException("usage: log reopen");
                  case "server" ->
                      throw new IllegalArgumentException(
                          "usage: server drain|enable|disable UPSTREAM SERVER");
                  default -> throw new IllegalArgumentException("unknown command " + first);
                };
          };
      if (c.verb.equals("rollback") && !c.operands.get(0).matches("[0-9]{1,18}")) {
        throw new IllegalArgumentException(
            "rollback: " + c.operands.get(0) + " (expected: a version number)");
      }
      return c;
    }

    private static Command of(List<String> w, int verbWords, int operands, String form) {
      if (w.size() != verbWords + operands) {
        throw new IllegalArgumentException("usage: " + form);
      }
      return new Command(
          String.join(" ", w.subList(0, verbWords)), List.copyOf(w.subList(verbWords, w.size())));
    }
  }

  /** One command against one admin API. */
  private static final class Session {
    private final URI base;
    private final String prefix;
    private final @Nullable String token;
    private final boolean json;
    private final boolean force;
    private final PrintStream out;
    private final PrintStream err;
    private final HttpClient http =
        HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();

    Session(
        URI base,
        String prefix,
        @Nullable String token,
        boolean json,
        boolean force,
        PrintStream out,
        PrintStream err) {
      this.base = base;
      this.prefix = prefix;
      this.token = token;
      this.json = json;
      this.force = force;
      this.out = out;
      this.err = err;
    }

    int run(Command c) {
      List<String> o = c.operands();
      try {
        return switch (c.verb()) {
          case "members" -> show(call("GET", "/api/cluster/members", null), this::members);
          case "health" -> show(call("GET", "/api/health", null), this::health);
          case "upstreams" -> show(call("GET", "/api/upstreams", null), this::upstreams);
          case "history" -> show(call("GET", "/api/config/history", null), this::history);
          case "config get" -> show(call("GET", "/api/config", null), this::config);
          case "config apply" -> configApply(o.get(0));
          case "routes apply" -> routesApply(o.get(0));
          case "server drain", "server enable", "server disable" ->
              show(
                  call(
                      "POST",
                      "/api/upstreams/"
                          + seg(o.get(0))
                          + "/servers/"
                          + seg(o.get(1))
                          + "/"
                          + c.verb().substring("server ".length()),
                      null),
                  this::changed);
          case "rollback" ->
              show(call("POST", "/api/config/rollback/" + o.get(0), null), this::changed);
          case "reload" -> reload(call("POST", "/api/reload" + (force ? "?force=true" : ""), ""));
          case "log reopen" -> show(call("POST", "/api/log/reopen", null), this::reopened);
          case "upgrade" ->
              show(
                  call("POST", "/api/upgrade", ""),
                  r ->
                      out.println(
                          "ok: "
                              + r.getString("node", "?")
                              + " started process "
                              + r.getValue("pid")
                              + ", which takes its sockets over; the old process drains and"
                              + " exits"));
          default -> throw new IllegalStateException(c.verb());
        };
      } catch (IOException e) {
        err.println("vxgatectl: " + base + " unreachable: " + e);
        return 3;
      } catch (InterruptedException e) {
        Thread.currentThread().interrupt();
        return 3;
      }
    }

    private int configApply(String file) throws IOException, InterruptedException {
      GatewayConfig config;
      try {
        config = ConfigLoader.load(Path.of(file), ConfigOverrides.none());
      } catch (ConfigException e) {
        err.println(e.getMessage());
        err.println("vxgatectl: " + file + " is invalid; nothing was sent");
        return 1;
      }
      return show(call("PUT", "/api/config", SharedConfig.of(config).encode()), this::changed);
    }

    private int routesApply(String file) throws IOException, InterruptedException {
      Object routes;
      try {
        String text = Files.readString(Path.of(file), StandardCharsets.UTF_8);
        Object doc = new Load(LoadSettings.builder().setLabel(file).build()).loadFromString(text);
        routes = doc instanceof Map<?, ?> m ? m.get("routes") : doc;
        if (!(routes instanceof List<?>)) {
          err.println(
              file
                  + ": routes: "
                  + (routes == null ? "(missing)" : "not a list")
                  + " (expected: a list of routes, or a map with a routes list)");
          return 1;
        }
      } catch (NoSuchFileException e) {
        err.println(file + ": (missing) (expected: a readable file)");
        return 1;
      } catch (RuntimeException e) {
        err.println(
            file
                + ": "
                + Objects.requireNonNullElse(e.getMessage(), e.toString())
                    .lines()
                    .findFirst()
                    .orElse("")
                + " (expected: YAML or JSON)");
        return 1;
      }
      String body = new JsonObject().put("routes", new JsonArray((List<?>) routes)).encode();
      return show(call("PUT", "/api/routes", body), this::changed);
    }

    static String seg(String s) {
      return java.net.URLEncoder.encode(s, StandardCharsets.UTF_8).replace("+", "%20");
    }

    private JsonObject call(String method, String path, @Nullable String body)
        throws IOException, InterruptedException {
      HttpRequest.Builder b =
          HttpRequest.newBuilder(URI.create(base + prefix + path))
              .timeout(Duration.ofSeconds(30))
              .header("Accept", "application/json")
              .method(
                  method,
                  body == null
                      ? HttpRequest.BodyPublishers.noBody()
                      : HttpRequest.BodyPublishers.ofString(body));
      if (body != null) {
        b.header("Content-Type", "application/json");
      }
      if (token != null) {
        b.header("Authorization", "Bearer " + token);
      }
      HttpResponse<String> r = http.send(b.build(), HttpResponse.BodyHandlers.ofString());
      try {
        JsonObject reply = new JsonObject(r.body());
        if (!reply.containsKey("ok")) {
          reply.put("ok", r.statusCode() < 300);
        }
        return reply.put("status", r.statusCode());
      } catch (DecodeException | ClassCastException e) {
        return new JsonObject()
            .put("ok", false)
            .put("status", r.statusCode())
            .put("errors", new JsonArray().add("HTTP " + r.statusCode() + ": " + r.body()));
      }
    }

    private int show(JsonObject reply, java.util.function.Consumer<JsonObject> human) {
      boolean ok = reply.getBoolean("ok", false);
      if (json) {
        reply.remove("status");
        out.println(reply.encodePrettily());
        return ok ? 0 : 1;
      }
      if (!ok) {
        int status = reply.getInteger("status", 0);
        err.println("vxgatectl: " + (status >= 500 ? "failed" : "refused") + " (" + status + "):");
        reply.getJsonArray("errors", new JsonArray()).forEach(e -> err.println("  " + e));
        return 1;
      }
      human.accept(reply);
      return 0;
    }

    /** Prints what a reload changed; a refused part (or an invalid file) exits 1. */
    private int reload(JsonObject r) {
      if (json || !r.containsKey("shared")) {
        return show(r, x -> {});
      }
      boolean ok = r.getBoolean("ok", false);
      JsonArray errors = r.getJsonArray("errors", new JsonArray());
      if (r.getInteger("code", 0) == 400) {
        err.println(
            "vxgatectl: reload of " + r.getString("node", "?") + " refused, nothing changed:");
        errors.forEach(e -> err.println("  " + e));
        return 1;
      }
      out.println((ok ? "ok: " : "") + "reloaded " + r.getString("node", "?"));
      r.getJsonArray("local", new JsonArray()).forEach(c -> out.println("  " + c));
      JsonArray restart = r.getJsonArray("restart", new JsonArray());
      if (!restart.isEmpty()) {
        out.println("  at the next start only: " + String.join(", ", strings(restart)));
      }
      JsonObject shared = r.getJsonObject("shared", new JsonObject());
      (ok ? out : err)
          .println((ok ? "  " : "vxgatectl: refused (409): ") + shared.getString("message", ""));
      return ok ? 0 : 1;
    }

    private void changed(JsonObject r) {
      if (Boolean.FALSE.equals(r.getBoolean("changed"))) {
        out.println("ok: no change (version " + r.getValue("version") + ")");
        return;
      }
      JsonArray changes = r.getJsonArray("changes", new JsonArray());
      out.println(
          "ok: version "
              + r.getValue("version")
              + (changes.isEmpty() ? "" : " (" + String.join(", ", strings(changes)) + ")"));
    }

    private void reopened(JsonObject r) {
      out.println(
          r.getBoolean("reopened", false)
              ? "ok: " + r.getString("node") + " reopened its access log"
              : "ok: " + r.getString("node") + " has no access log file");
    }

    private void members(JsonObject r) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("DATACENTER", "ID", "ADMIN", "LISTENERS"));
      List<JsonObject> ms = new ArrayList<>();
      r.getJsonArray("members", new JsonArray()).forEach(m -> ms.add((JsonObject) m));
      ms.sort(
          java.util.Comparator.comparing((JsonObject m) -> m.getString("datacenter", ""))
              .thenComparing(m -> m.getString("id", "")));
      for (JsonObject m : ms) {
        rows.add(
            List.of(
                m.getString("datacenter", ""),
                m.getString("id", ""),
                m.getString("admin", ""),
                String.join(",", strings(m.getJsonArray("listeners", new JsonArray())))));
      }
      table(rows);
      out.println(ms.size() + " member(s); config version " + r.getValue("version"));
    }

    private void health(JsonObject r) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("UPSTREAM", "SERVER", "ADDRESS", "STATE", "VERDICT", "CHECKERS", "REASON"));
      r.getJsonArray("servers", new JsonArray())
          .forEach(
              x -> {
                JsonObject s = (JsonObject) x;
                rows.add(
                    List.of(
                        s.getString("upstream", ""),
                        s.getString("server", ""),
                        s.getString("address", ""),
                        s.getString("state", ""),
                        s.getString("verdict", ""),
                        String.join(",", strings(s.getJsonArray("checkers", new JsonArray()))),
                        s.getString("reason", "")));
              });
      table(rows);
    }

    private void upstreams(JsonObject r) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("UPSTREAM", "SERVER", "STATE", "VERDICT", "NODE", "FLAGS", "REASON"));
      r.getJsonArray("upstreams", new JsonArray())
          .forEach(
              x -> {
                JsonObject u = (JsonObject) x;
                u.getJsonArray("servers", new JsonArray())
                    .forEach(
                        y -> {
                          JsonObject s = (JsonObject) y;
                          List<String> head =
                              List.of(
                                  u.getString("name", ""),
                                  s.getString("server", ""),
                                  s.getString("state", ""),
                                  s.getString("verdict", ""));
                          JsonArray nodes = s.getJsonArray("nodes", new JsonArray());
                          if (nodes.isEmpty()) {
                            List<String> row = new ArrayList<>(head);
                            row.addAll(List.of("-", "-", "no node reported"));
                            rows.add(row);
                          }
                          nodes.forEach(
                              z -> {
                                JsonObject n = (JsonObject) z;
                                JsonArray flags = n.getJsonArray("flags", new JsonArray());
                                List<String> row = new ArrayList<>(head);
                                row.add(n.getString("node", ""));
                                row.add(flags.isEmpty() ? "-" : String.join(",", strings(flags)));
                                row.add(n.getString("reason", ""));
                                rows.add(row);
                              });
                        });
              });
      table(rows);
    }

    private void history(JsonObject r) {
      List<List<String>> rows = new ArrayList<>();
      rows.add(List.of("VERSION", "TIME", "AUTHOR", "CHANGES"));
      r.getJsonArray("entries", new JsonArray())
          .forEach(
              x -> {
                JsonObject e = (JsonObject) x;
                rows.add(
                    List.of(
                        String.valueOf(e.getValue("version")),
                        e.getString("time", ""),
                        e.getString("author", ""),
                        String.join(", ", strings(e.getJsonArray("changes", new JsonArray())))));
              });
      table(rows);
    }

    private void config(JsonObject r) {
      out.println(
          "# version "
              + r.getValue("version")
              + (r.containsKey("author")
                  ? " by " + r.getString("author") + " at " + r.getString("time")
                  : ""));
      out.println(r.getJsonObject("config", new JsonObject()).encodePrettily());
    }

    private void table(List<List<String>> rows) {
      int[] w = new int[rows.get(0).size()];
      for (List<String> row : rows) {
        for (int i = 0; i < row.size(); i++) {
          w[i] = Math.max(w[i], row.get(i).length());
        }
      }
      for (List<String> row : rows) {
        StringBuilder sb = new StringBuilder();
        for (int i = 0; i < row.size(); i++) {
          sb.append(
              i == row.size() - 1 ? row.get(i) : String.format("%-" + w[i] + "s  ", row.get(i)));
        }
        out.println(sb.toString().stripTrailing());
      }
    }

    private static List<String> strings(JsonArray a) {
      List<String> out = new ArrayList<>();
      a.forEach(x -> out.add(String.valueOf(x)));
      return out;
    }
  }
}
