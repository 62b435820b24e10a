package io.vxgate.deploy;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

import com.sun.net.httpserver.HttpServer;
import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/** deploy/docker/Dockerfile read instruction by instruction, and the health probe it runs. */
class DockerfileTest {
  private static final Path DOCKERFILE = DeployFiles.DEPLOY.resolve("docker/Dockerfile");
  private static final Path PROBE = DeployFiles.DEPLOY.resolve("docker/vxgate-probe");

  record Instruction(String keyword, String args) {}

  /** Instructions with line continuations joined and comments dropped. */
  static List<Instruction> instructions() {
    List<Instruction> out = new ArrayList<>();
    StringBuilder current = new StringBuilder();
    for (String raw : DeployFiles.read(DOCKERFILE).split("\n")) {
      String line = raw.strip();
      if (line.startsWith("#") || (line.isEmpty() && current.length() == 0)) {
        continue;
      }
      if (line.endsWith("\\")) {
        current.append(line, 0, line.length() - 1).append(' ');
        continue;
      }
      current.append(line);
      String text = current.toString().strip();
      current.setLength(0);
      if (text.isEmpty()) {
        continue;
      }
      int sp = text.indexOf(' ');
      out.add(
          sp < 0
              ? new Instruction(text.toUpperCase(), "")
              : new Instruction(
                  text.substring(0, sp).toUpperCase(), text.substring(sp + 1).strip()));
    }
    return out;
  }

  private static List<String> args(String keyword) {
    return instructions().stream()
        .filter(i -> i.keyword().equals(keyword))
        .map(Instruction::args)
        .toList();
  }

  private static String only(String keyword) {
    List<String> a = args(keyword);
    assertThat(a).as(keyword).hasSize(1);
    return a.get(0);
  }

  @Test
  void runtimeImageOnTemurin17Jre() {
    assertThat(instructions().get(0).keyword()).isEqualTo("FROM");
    assertThat(only("FROM")).isEqualTo("eclipse-temurin:17-jre");
  }

  @Test
  void runsAsANumericNonRootUser() {
    String user = only("USER");
    assertThat(user).matches("\\d+(:\\d+)?");
    assertThat(Integer.parseInt(user.split(":")[0])).isNotZero();
    // The Kubernetes pod runs as the same uid.
    assertThat(DeployFiles.read(DeployFiles.deploy("kubernetes/deployment.yaml")))
        .contains("runAsUser: " + user.split(":")[0]);
  }

  @Test
  void exposesTrafficAdminAndClusterPorts() {
    assertThat(only("EXPOSE").split("\\s+")).containsExactlyInAnyOrder("8080", "9090", "5701");
  }

  @Test
  void healthcheckProbesReadinessAndStopSignalIsSigterm() {
    assertThat(only("HEALTHCHECK")).contains("vxgate-probe").contains("/health/ready");
    assertThat(only("STOPSIGNAL")).isEqualTo("SIGTERM");
  }

  @Test
  void entrypointIsTheLauncherInExecForm() {
    assertThat(only("ENTRYPOINT")).isEqualTo("[\"/opt/vxgate/bin/vxgate\"]");
    assertThat(String.join(" ", args("ENV"))).contains("VXGATE_JAR=/opt/vxgate/lib/vxgate.jar");
  }

  @Test
  void copiesOnlyFilesThatTheBuildProducesOrTheRepositoryHolds() {
    List<String> ignore =
        List.of(DeployFiles.read(DeployFiles.deploy("docker/Dockerfile.dockerignore")).split("\n"));
    for (String copy : args("COPY")) {
      String[] parts = copy.split("\\s+");
      String source = parts[parts.length - 2];
      assertThat(ignore).as(".dockerignore lets %s through", source).contains("!" + source);
      if (!source.equals("deploy/target/vxgate.jar")) {
        assertThat(DeployFiles.ROOT.resolve(source)).isRegularFile();
      }
    }
    assertThat(args("COPY")).anySatisfy(c -> assertThat(c).contains("deploy/target/vxgate.jar"));
    assertThat(args("COPY")).anySatisfy(c -> assertThat(c).contains("bin/vxgate "));
    assertThat(PROBE).isExecutable();
  }

  @Test
  void probeSucceedsOnlyOnA2xxAnswer() throws Exception {
    assumeTrue(Tools.onPath("bash") && Tools.onPath("timeout"), "bash and timeout not installed");
    HttpServer server =
        HttpServer.create(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 0);
    server.createContext(
        "/health/ready",
        ex -> {
          ex.sendResponseHeaders(200, -1);
          ex.close();
        });
    server.createContext(
        "/draining",
        ex -> {
          ex.sendResponseHeaders(503, -1);
          ex.close();
        });
    server.start();
    try {
      int port = server.getAddress().getPort();
      assertThat(probe(port).exitCode()).isZero();
      assertThat(probe(port, "/draining").exitCode()).isEqualTo(1);
      assertThat(probe(port, "/draining").output()).contains("503");
    } finally {
      server.stop(0);
    }
    int closed;
    try (ServerSocket s = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
      closed = s.getLocalPort();
    }
    assertThat(probe(closed).exitCode()).isEqualTo(1);
  }

  private static Tools.Result probe(int port, String... path)
      throws IOException, InterruptedException {
    List<String> cmd =
        new ArrayList<>(List.of("env", "VXGATE_PROBE_PORT=" + port, PROBE.toString()));
    cmd.addAll(List.of(path));
    return Tools.run(Files.createTempDirectory("probe"), cmd.toArray(String[]::new));
  }

  @Test
  void composeAndKubernetesUseTheSameUidAndPorts() {
    // The compose services run the image built from this Dockerfile.
    Map<String, Object> gw1 =
        DeployFiles.map(
            DeployFiles.map(
                    DeployFiles.yamlMap(DeployFiles.deploy("docker/compose.yaml")).get("services"),
                    "services")
                .get("gw-1"),
            "gw-1");
    Map<String, Object> build = DeployFiles.map(gw1.get("build"), "build");
    assertThat(build).containsEntry("dockerfile", "deploy/docker/Dockerfile");
    assertThat(
            DeployFiles.DEPLOY
                .resolve("docker")
                .resolve(String.valueOf(build.get("context")))
                .normalize())
        .isEqualTo(DeployFiles.ROOT);
  }
}
