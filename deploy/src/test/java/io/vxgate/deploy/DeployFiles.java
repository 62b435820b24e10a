package io.vxgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

/** The deployment files under {@code deploy/} and the readers the checks share. */
final class DeployFiles {
  /** The {@code deploy/} module directory (surefire runs in it and sets {@code basedir}). */
  static final Path DEPLOY =
      Path.of(System.getProperty("basedir", ".")).toAbsolutePath().normalize();

  /** The repository root. */
  static final Path ROOT = DEPLOY.getParent();

  private DeployFiles() {}

  static Path deploy(String relative) {
    Path p = DEPLOY.resolve(relative);
    assertThat(p).as("deploy/%s", relative).isRegularFile();
    return p;
  }

  static String read(Path file) {
    try {
      return Files.readString(file, StandardCharsets.UTF_8);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  /**
   * One YAML document (YAML 1.2 core schema, duplicate keys refused) as maps, lists and scalars.
   */
  static Object yaml(String text) {
    LoadSettings settings = LoadSettings.builder().setAllowDuplicateKeys(false).build();
    return new Load(settings).loadFromString(text);
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> yamlMap(Path file) {
    Object doc = yaml(read(file));
    assertThat(doc).as("%s is a YAML mapping", file).isInstanceOf(Map.class);
    return (Map<String, Object>) doc;
  }

  @SuppressWarnings("unchecked")
  static Map<String, Object> map(Object o, String what) {
    assertThat(o).as(what).isInstanceOf(Map.class);
    return (Map<String, Object>) o;
  }

  @SuppressWarnings("unchecked")
  static List<Object> list(Object o, String what) {
    assertThat(o).as(what).isInstanceOf(List.class);
    return (List<Object>) o;
  }

  /**
   * {@code KEY=VALUE} lines as Docker Compose and systemd read them; comments and blanks skipped.
   */
  static Map<String, String> envFile(Path file) {
    Map<String, String> env = new LinkedHashMap<>();
    for (String line : read(file).split("\n")) {
      String l = line.strip();
      if (l.isEmpty() || l.startsWith("#")) {
        continue;
      }
      int eq = l.indexOf('=');
      assertThat(eq).as("%s: %s is KEY=VALUE", file, l).isPositive();
      env.put(l.substring(0, eq), l.substring(eq + 1));
    }
    return env;
  }

  /**
   * Loads a vxgate config the way {@code bin/vxgate} does: {@code ${VAR}} from {@code env}, and the
   * {@code VXGATE_*} overrides from {@code env}.
   */
  static GatewayConfig loadConfig(
      String text, String sourceName, Path baseDir, Map<String, String> env) {
    return ConfigLoader.parse(
        text,
        sourceName,
        baseDir,
        ConfigOverrides.fromEnv(env),
        ConfigLoader.Environment.of(env, "test-host"));
  }

  /** Every file under {@code dir} with one of the extensions, sorted. */
  static List<Path> files(Path dir, String... extensions) {
    List<Path> out = new ArrayList<>();
    try (var s = Files.walk(dir)) {
      s.filter(Files::isRegularFile)
          .filter(
              p -> {
                String n = p.getFileName().toString();
                for (String e : extensions) {
                  if (n.endsWith(e)) {
                    return true;
                  }
                }
                return false;
              })
          .sorted()
          .forEach(out::add);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    return out;
  }
}
