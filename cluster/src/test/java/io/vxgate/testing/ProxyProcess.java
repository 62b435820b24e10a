package io.vxgate.testing;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

/**
 * Real nginx or HAProxy as a child process of the test: foreground, its own pid and log files in
 * the test's temporary directory, stopped by the test (never the system service). Used by the
 * importer's differential tests and the comparison of limits with nginx's {@code limit_req}.
 */
public final class ProxyProcess implements AutoCloseable {
  private final Process process;
  private final Path log;

  private ProxyProcess(Process process, Path log) {
    this.process = process;
    this.log = log;
  }

  /** Starts nginx on {@code conf} (its directory is nginx's prefix) and waits for its ports. */
  public static ProxyProcess nginx(Path conf, Path work, List<Integer> ports) throws IOException {
    String g =
        "daemon off; master_process off; pid "
            + work.resolve("nginx.pid")
            + "; error_log "
            + work.resolve("nginx-error.log")
            + " warn;";
    return start(
        List.of(binary("nginx"), "-p", conf.getParent().toString(), "-c", conf.toString(), "-g", g),
        conf.getParent(),
        work.resolve("nginx-out.log"),
        ports);
  }

  /**
   * Starts HAProxy on {@code cfg} in the foreground (from its directory) and waits for its ports.
   */
  public static ProxyProcess haproxy(Path cfg, Path work, List<Integer> ports) throws IOException {
    return start(
        List.of(binary("haproxy"), "-db", "-f", cfg.toString()),
        cfg.getParent(),
        work.resolve("haproxy-out.log"),
        ports);
  }

  private static String binary(String name) {
    for (String dir : List.of("/usr/sbin", "/usr/bin", "/usr/local/sbin", "/usr/local/bin")) {
      Path p = Path.of(dir, name);
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        name + " is not installed: bin/test installs it (Debian package " + name + ")");
  }

  private static ProxyProcess start(List<String> cmd, Path dir, Path log, List<Integer> ports)
      throws IOException {
    Process p =
        new ProcessBuilder(cmd)
            .directory(dir.toFile())
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    ProxyProcess pp = new ProxyProcess(p, log);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .until(
              () -> {
                if (!p.isAlive()) {
                  throw new IllegalStateException(cmd.get(0) + " exited: " + Files.readString(log));
                }
                return ports.stream().allMatch(ProxyProcess::listening);
              });
    } catch (RuntimeException e) {
      pp.close();
      throw new IllegalStateException(
          String.join(" ", cmd) + " did not listen on " + ports + ": " + Files.readString(log), e);
    }
    return pp;
  }

  private static boolean listening(int port) {
    try (Socket s = new Socket()) {
      s.connect(new InetSocketAddress("127.0.0.1", port), 500);
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  public String log() throws IOException {
    return Files.readString(log);
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(10, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
  }
}
