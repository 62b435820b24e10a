package io.vxgate.config;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Function;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;
import org.snakeyaml.engine.v2.exceptions.Mark;
import org.snakeyaml.engine.v2.exceptions.MarkedYamlEngineException;
import org.snakeyaml.engine.v2.exceptions.YamlEngineException;
import org.snakeyaml.engine.v2.schema.CoreSchema;

/**
 * Reads, completes and validates a vxgate config (YAML 1.2, so JSON too; format in {@code
 * docs/configuration.md}).
 *
 * <p>Steps: {@code ${VAR}} / {@code ${VAR:-DEFAULT}} references are substituted in scalar values;
 * {@link ConfigOverrides} replace node-local values; every key is checked against the known keys;
 * defaults fill what is absent; every value and the rules between values are validated. Every error
 * is collected, and a {@link ConfigException} lists them all ({@code FILE: PATH: VALUE (expected:
 * WHAT)}). Error pages are read here (relative to the config file's directory) and their content is
 * kept in the config, since cluster-wide sections travel to other nodes.
 *
 * <p>The methods without an {@link Environment} use the process environment and host name.
 */
public final class ConfigLoader {
  /** The classpath resource of the embedded default config. */
  public static final String DEFAULT_RESOURCE = "io/vxgate/default.yaml";

  private static final String DEFAULT_SOURCE = "embedded default.yaml";

  private ConfigLoader() {}

  /**
   * What a config may read from its surroundings: environment variables for {@code ${VAR}}, and the
   * host name (the default {@code node.id}, asked only when {@code node.id} is not set).
   */
  public record Environment(Function<String, String> variables, Supplier<String> hostname) {
    public Environment {
      requireNonNull(variables, "variables");
      requireNonNull(hostname, "hostname");
    }

    /** The process environment and the local host name. */
    public static Environment system() {
      return new Environment(System::getenv, ConfigLoader::localHostname);
    }

    /** Fixed variables and host name, for tests. */
    public static Environment of(Map<String, String> variables, String hostname) {
      Map<String, String> vars = Map.copyOf(variables);
      requireNonNull(hostname, "hostname");
      return new Environment(vars::get, () -> hostname);
    }
  }

  /**
   * Loads a config file; relative files it names are resolved against its directory.
   *
   * @param overrides null: none
   * @throws ConfigException with every error, or when the file cannot be read
   */
  public static GatewayConfig load(Path file, @Nullable ConfigOverrides overrides) {
    return load(file, overrides, Environment.system());
  }

  /** Like {@link #load(Path, ConfigOverrides)} with a given environment. */
  public static GatewayConfig load(
      Path file, @Nullable ConfigOverrides overrides, Environment env) {
    requireNonNull(file, "file");
    String text;
    try {
      text = Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException | UncheckedIOException e) {
      throw new ConfigException(
          List.of(
              new ConfigError(
                  file.toString(),
                  "",
                  "cannot be read (" + e.getClass().getSimpleName() + ")",
                  "a readable YAML or JSON file")));
    }
    Path dir = file.toAbsolutePath().getParent();
    return parse(text, file.toString(), dir, overrides, env);
  }

  /**
   * Parses config text.
   *
   * @param sourceName the file name shown in errors
   * @param baseDir the directory relative files are resolved against (null: the working directory)
   * @param overrides null: none
   * @throws ConfigException with every error
   */
  public static GatewayConfig parse(
      String text, String sourceName, @Nullable Path baseDir, @Nullable ConfigOverrides overrides) {
    return parse(text, sourceName, baseDir, overrides, Environment.system());
  }

  /** Like {@link #parse(String, String, Path, ConfigOverrides)} with a given environment. */
  public static GatewayConfig parse(
      String text,
      String sourceName,
      @Nullable Path baseDir,
      @Nullable ConfigOverrides overrides,
      Environment env) {
    requireNonNull(text, "text");
    requireNonNull(sourceName, "sourceName");
    requireNonNull(env, "env");
    EnvSubstitution.Placeholders protectedText = EnvSubstitution.protect(text);
    Object tree;
    try {
      tree = yaml(sourceName).loadFromString(protectedText.text());
    } catch (MarkedYamlEngineException e) {
      String where =
          e.getProblemMark().or(e::getContextMark).map(ConfigLoader::position).orElse("");
      String problem = e.getProblem() == null ? e.getContext() : e.getProblem();
      throw new ConfigException(
          List.of(new ConfigError(sourceName, where, String.valueOf(problem), "valid YAML")));
    } catch (YamlEngineException e) {
      throw new ConfigException(
          List.of(new ConfigError(sourceName, "", String.valueOf(e.getMessage()), "valid YAML")));
    }
    tree = protectedText.restore(tree);
    return build(tree, sourceName, baseDir, overrides, env, ConfigReader.Mode.FILE);
  }

  /** The embedded default config ({@value #DEFAULT_RESOURCE}) with the process environment. */
  public static GatewayConfig defaults() {
    return defaults(null, Environment.system());
  }

  /** The embedded default config with overrides (null: none). */
  public static GatewayConfig defaults(@Nullable ConfigOverrides overrides) {
    return defaults(overrides, Environment.system());
  }

  /** The embedded default config with overrides (null: none) and a given environment. */
  public static GatewayConfig defaults(@Nullable ConfigOverrides overrides, Environment env) {
    return parse(defaultText(), DEFAULT_SOURCE, null, overrides, env);
  }

  /** The text of the embedded default config. */
  public static String defaultText() {
    try (InputStream in =
        ConfigLoader.class.getClassLoader().getResourceAsStream(DEFAULT_RESOURCE)) {
      if (in == null) {
        throw new IllegalStateException("missing resource " + DEFAULT_RESOURCE);
      }
      return new String(in.readAllBytes(), StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /** Validates a parsed tree (maps, lists, scalars) into a config. */
  static GatewayConfig build(
      @Nullable Object tree,
      String sourceName,
      @Nullable Path baseDir,
      @Nullable ConfigOverrides overrides,
      Environment env,
      ConfigReader.Mode mode) {
    Set<String> overridden = new LinkedHashSet<>();
    Object t =
        applyOverrides(tree, overrides == null ? ConfigOverrides.none() : overrides, overridden);
    Cursor.Context ctx =
        new Cursor.Context(
            sourceName, mode == ConfigReader.Mode.FILE ? env.variables() : null, overridden);
    GatewayConfig config = new ConfigReader(ctx, mode, baseDir, env.hostname()).read(t);
    if (config == null) {
      throw new ConfigException(ctx.errors);
    }
    return config;
  }

  private static String position(Mark m) {
    return "line " + (m.getLine() + 1) + ", column " + (m.getColumn() + 1);
  }

  private static Load yaml(String label) {
    return new Load(
        LoadSettings.builder()
            .setLabel(label)
            .setSchema(new CoreSchema())
            .setAllowDuplicateKeys(false)
            .setMaxAliasesForCollections(50)
            .build());
  }

  @SuppressWarnings("unchecked")
  private static @Nullable Object applyOverrides(
      @Nullable Object tree, ConfigOverrides o, Set<String> overridden) {
    if (o.isEmpty() || (tree != null && !(tree instanceof Map))) {
      return tree;
    }
    Map<Object, Object> root =
        tree == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<Object, Object>) tree);
    set(root, "node", "id", o.nodeId(), overridden);
    set(root, "node", "datacenter", o.datacenter(), overridden);
    set(root, "cluster", "bind", o.clusterBind(), overridden);
    if (o.members() != null) {
      List<String> members = new ArrayList<>();
      for (String m : o.members().split(",", -1)) {
        if (!m.isBlank()) {
          members.add(m.trim());
        }
      }
      set(root, "cluster", "members", members, overridden);
    }
    set(root, "admin", "bind", o.adminBind(), overridden);
    set(root, "admin", "token", o.adminToken(), overridden);
    return root;
  }

  @SuppressWarnings("unchecked")
  private static void set(
      Map<Object, Object> root,
      String section,
      String key,
      @Nullable Object value,
      Set<String> overridden) {
    if (value == null) {
      return;
    }
    Object s = root.get(section);
    if (s != null && !(s instanceof Map)) {
      return; // reported as an invalid section
    }
    Map<Object, Object> m =
        s == null ? new LinkedHashMap<>() : new LinkedHashMap<>((Map<Object, Object>) s);
    m.put(key, value);
    root.put(section, m);
    overridden.add(section + "." + key);
  }

  /** The host name: {@code HOSTNAME}, else the local host's name, else {@code localhost}. */
  static String localHostname() {
    String h = System.getenv("HOSTNAME");
    if (h != null && !h.isBlank()) {
      return h.trim();
    }
    try {
      return InetAddress.getLocalHost().getHostName();
    } catch (IOException e) {
      return "localhost";
    }
  }
}
