package io.vxgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vxgate.config.ConfigError;
import io.vxgate.config.ConfigException;
import io.vxgate.config.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.stream.Stream;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/** Every vxgate config file under deploy/ passes the loader's validation. */
class ConfigFilesTest {
  /** Top-level keys of YAML files that are not vxgate configs. */
  private static final Set<String> OTHER_FORMATS = Set.of("services", "apiVersion", "kind");

  /** Values for every variable that the example configs reference. */
  static Map<String, String> sampleEnvironment() {
    return Map.of(
        "VXGATE_ADMIN_TOKEN", "test-token",
        "VXGATE_TSIG_SECRET", "dnhnYXRlLXRlc3Qta2V5",
        "VXGATE_ADVERTISE", "172.28.0.11",
        "VXGATE_HOST_IP", "10.0.0.11",
        "VXGATE_NODE_ID", "gw-1",
        "VXGATE_DATACENTER", "dc1");
  }

  /** YAML files under deploy/ (not build output, not tests) that are vxgate configs. */
  static Stream<Path> vxgateConfigs() {
    List<Path> all = DeployFiles.files(DeployFiles.DEPLOY, ".yaml", ".yml", ".json");
    List<Path> configs =
        all.stream()
            .filter(p -> !DeployFiles.DEPLOY.relativize(p).startsWith("target"))
            .filter(p -> !DeployFiles.DEPLOY.relativize(p).startsWith("src"))
            .filter(
                p -> DeployFiles.yamlMap(p).keySet().stream().noneMatch(OTHER_FORMATS::contains))
            .toList();
    assertThat(configs)
        .extracting(p -> DeployFiles.DEPLOY.relativize(p).toString())
        .contains("docker/config/vxgate.yaml", "systemd/vxgate.yaml");
    return configs.stream();
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("vxgateConfigs")
  void loadsWithConfigLoader(Path file) {
    GatewayConfig c =
        DeployFiles.loadConfig(
            DeployFiles.read(file), file.toString(), file.getParent(), sampleEnvironment());
    assertThat(c.upstreams()).isNotEmpty();
    assertThat(c.routes()).isNotEmpty();
    assertThat(c.admin().token()).as("admin off loopback needs the token").isEqualTo("test-token");
  }

  /** The configs whose admin listener is off loopback: they must not load without the token. */
  static Stream<Path> exposedAdminConfigs() {
    return vxgateConfigs()
        .filter(
            file -> {
              GatewayConfig c =
                  DeployFiles.loadConfig(
                      DeployFiles.read(file),
                      file.toString(),
                      file.getParent(),
                      sampleEnvironment());
              String host = c.admin().bind().host();
              return !(host.equals("localhost") || host.startsWith("127.") || host.equals("::1"));
            });
  }

  @ParameterizedTest(name = "{0}")
  @MethodSource("exposedAdminConfigs")
  void takesTheAdminTokenFromTheEnvironment(Path file) {
    assertThatThrownBy(
            () ->
                DeployFiles.loadConfig(
                    DeployFiles.read(file), file.toString(), file.getParent(), Map.of()))
        .isInstanceOf(ConfigException.class)
        .satisfies(
            e ->
                assertThat(((ConfigException) e).errors())
                    .extracting(ConfigError::path)
                    .contains("admin.token"));
  }
}
