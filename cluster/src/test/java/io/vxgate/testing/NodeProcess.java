package io.vxgate.testing;

import java.io.IOException;
import java.nio.file.Path;
import java.util.List;

/**
 * Starts a gateway node as a separate JVM (a real process to kill -9, stop or restart), for the
 * end-to-end tests of the modules that have the node main on their test class path (gateway, admin:
 * there the admin extension comes along).
 */
public final class NodeProcess {
  private NodeProcess() {}

  /**
   * Runs {@code io.vxgate.gateway.Main --config config} on the test class path with a small heap
   * and 2 event loops; stdout and stderr go to {@code log}.
   */
  public static Process launch(Path config, Path log) throws IOException {
    return launch(config, log, List.of());
  }

  /** Like {@link #launch(Path, Path)} with more command-line arguments ({@code --takeover}). */
  public static Process launch(Path config, Path log, List<String> more) throws IOException {
    return launch(config, log, more, java.util.Map.of());
  }

  /** Like {@link #launch(Path, Path, List)} with more environment variables. */
  public static Process launch(
      Path config, Path log, List<String> more, java.util.Map<String, String> env)
      throws IOException {
    String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
    List<String> cmd = new java.util.ArrayList<>();
    cmd.addAll(
        List.of(
            java,
            "-Xmx256m",
            "-XX:+UseSerialGC",
            "-XX:TieredStopAtLevel=1",
            "-Dhazelcast.phone.home.enabled=false",
            "-Dhazelcast.logging.type=slf4j",
            "-cp",
            System.getProperty("java.class.path"),
            "io.vxgate.gateway.Main",
            "--config",
            config.toString(),
            "--event-loops",
            "2"));
    cmd.addAll(more);
    ProcessBuilder b =
        new ProcessBuilder(cmd).redirectErrorStream(true).redirectOutput(log.toFile());
    b.environment().putAll(env);
    return b.start();
  }
}
