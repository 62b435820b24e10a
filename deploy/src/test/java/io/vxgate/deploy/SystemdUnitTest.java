package io.vxgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import io.vxgate.config.GatewayConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/** deploy/systemd/vxgate.service: read as an INI file, and by systemd-analyze when installed. */
class SystemdUnitTest {
  private static final Path UNIT = DeployFiles.DEPLOY.resolve("systemd/vxgate.service");

  /** Section -> key -> values (a key may repeat), as systemd reads unit files. */
  static Map<String, Map<String, List<String>>> unit() {
    Map<String, Map<String, List<String>>> sections = new LinkedHashMap<>();
    Map<String, List<String>> current = null;
    String pending = "";
    for (String raw : DeployFiles.read(UNIT).split("\n")) {
      String line = pending + raw.strip();
      pending = "";
      if (line.endsWith("\\")) {
        pending = line.substring(0, line.length() - 1) + " ";
        continue;
      }
      if (line.isEmpty() || line.startsWith("#") || line.startsWith(";")) {
        continue;
      }
      if (line.startsWith("[")) {
        assertThat(line).endsWith("]");
        String name = line.substring(1, line.length() - 1);
        assertThat(sections).as("section [%s] once", name).doesNotContainKey(name);
        current = new LinkedHashMap<>();
        sections.put(name, current);
        continue;
      }
      int eq = line.indexOf('=');
      assertThat(eq).as("KEY=VALUE: %s", line).isPositive();
      assertThat(current).as("%s before any section", line).isNotNull();
      current
          .computeIfAbsent(line.substring(0, eq).strip(), k -> new ArrayList<>())
          .add(line.substring(eq + 1).strip());
    }
    return sections;
  }

  private static String value(String section, String key) {
    List<String> values = unit().getOrDefault(section, Map.of()).get(key);
    assertThat(values).as("[%s] %s=", section, key).isNotNull().hasSize(1);
    return values.get(0);
  }

  @Test
  void hasTheRequiredKeys() {
    assertThat(unit()).containsOnlyKeys("Unit", "Service", "Install");
    assertThat(value("Service", "Type")).isEqualTo("exec");
    assertThat(value("Service", "User")).isEqualTo("vxgate");
    assertThat(value("Service", "ExecStart"))
        .isEqualTo("/opt/vxgate/bin/vxgate --config /etc/vxgate/vxgate.yaml");
    assertThat(value("Service", "ExecReload")).isEqualTo("/bin/kill -HUP $MAINPID");
    // the process that takes the node over announces itself as the main process
    assertThat(value("Service", "NotifyAccess")).isEqualTo("all");
    assertThat(value("Service", "KillSignal")).isEqualTo("SIGTERM");
    assertThat(value("Service", "Restart")).isEqualTo("on-failure");
    assertThat(value("Service", "EnvironmentFile")).isEqualTo("-/etc/vxgate/env");
    assertThat(value("Install", "WantedBy")).isEqualTo("multi-user.target");
    assertThat(value("Unit", "After")).contains("network-online.target");
  }

  @Test
  void isHardened() {
    Map<String, List<String>> service = unit().get("Service");
    for (String key :
        List.of(
            "NoNewPrivileges",
            "PrivateTmp",
            "PrivateDevices",
            "ProtectHome",
            "ProtectKernelTunables",
            "ProtectControlGroups",
            "RestrictSUIDSGID")) {
      assertThat(service.get(key)).as(key).containsExactly("yes");
    }
    assertThat(value("Service", "ProtectSystem")).isEqualTo("strict");
    assertThat(service).as("the JIT needs W+X memory").doesNotContainKey("MemoryDenyWriteExecute");
  }

  @Test
  void stopTimeoutOutlastsTheShutdownGrace() {
    Duration timeout = ComposeFileTest.composeDuration(value("Service", "TimeoutStopSec") + "s");
    assertThat(timeout).isGreaterThan(Duration.ofSeconds(30));
    Path config = DeployFiles.deploy("systemd/vxgate.yaml");
    GatewayConfig c =
        DeployFiles.loadConfig(
            DeployFiles.read(config),
            "vxgate.yaml",
            config.getParent(),
            ConfigFilesTest.sampleEnvironment());
    assertThat(timeout).isGreaterThan(c.node().shutdownGrace());
  }

  @Test
  void systemdAnalyzeVerifiesTheUnitWhenInstalled(@TempDir Path tmp)
      throws IOException, InterruptedException {
    assumeTrue(Tools.onPath("systemd-analyze"), "systemd-analyze not installed");
    // verify checks that ExecStart exists: point it at a copy of bin/vxgate under tmp.
    Path launcher = tmp.resolve("opt/vxgate/bin/vxgate");
    Files.createDirectories(launcher.getParent());
    Files.copy(DeployFiles.ROOT.resolve("bin/vxgate"), launcher);
    Files.setPosixFilePermissions(launcher, PosixFilePermissions.fromString("rwxr-xr-x"));
    Path unit = tmp.resolve("vxgate.service");
    Files.writeString(
        unit, DeployFiles.read(UNIT).replace("/opt/vxgate/bin/vxgate", launcher.toString()));
    Tools.Result r = Tools.run(tmp, "systemd-analyze", "--man=no", "verify", unit.toString());
    assertThat(r.exitCode()).as(r.output()).isZero();
    // Unknown keys and bad values are only warnings (exit 0): no line may name the unit.
    assertThat(r.output()).doesNotContain("vxgate.service");
  }
}
