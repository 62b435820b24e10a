package io.vxgate.gateway.it;

import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.net.URISyntaxException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

/**
 * Real Gunicorn ({@code /usr/bin/gunicorn}, Debian's package, installed by {@code bin/test}) with
 * sync workers, serving the test app {@code gunicorn/app.py} of the test resources on a free port.
 * Closing it stops the master and every worker.
 */
final class Gunicorn implements AutoCloseable {
  static final Path BINARY = Path.of("/usr/bin/gunicorn");

  private final Process process;
  private final Path log;
  final int port;

  private Gunicorn(Process process, Path log, int port) {
    this.process = process;
    this.log = log;
    this.port = port;
  }

  /** Starts {@code workers} sync workers and waits until they answer. */
  static Gunicorn start(int workers) throws IOException {
    Path app;
    try {
      app = Path.of(Gunicorn.class.getResource("/gunicorn/app.py").toURI()).getParent();
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    int port;
    try (ServerSocket s = new ServerSocket(0)) {
      port = s.getLocalPort();
    }
    Path log = Files.createTempFile("gunicorn-", ".log");
    Process p =
        new ProcessBuilder(
                List.of(
                    BINARY.toString(),
                    "--workers",
                    Integer.toString(workers),
                    "--worker-class",
                    "sync",
                    "--bind",
                    "127.0.0.1:" + port,
                    // A worker is killed after this long without a heartbeat: longer than a test.
                    "--timeout",
                    "120",
                    "--chdir",
                    app.toString(),
                    "app:app"))
            .redirectErrorStream(true)
            .redirectOutput(log.toFile())
            .start();
    Gunicorn g = new Gunicorn(p, log, port);
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .pollInterval(Duration.ofMillis(100))
          .ignoreExceptions()
          .until(
              () ->
                  RawHttp.exchange(port, "GET / HTTP/1.0\r\n\r\n", Duration.ofSeconds(2))
                      .text()
                      .matches("(?s)HTTP/1\\.[01] 200 .*"));
    } catch (RuntimeException e) {
      String output = g.log();
      g.close();
      throw new IllegalStateException("gunicorn did not start: " + output, e);
    }
    return g;
  }

  String address() {
    return "127.0.0.1:" + port;
  }

  /** What Gunicorn logged. */
  String log() {
    try {
      return Files.readString(log);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  @Override
  public void close() {
    List<ProcessHandle> children = process.descendants().toList();
    process.destroy(); // SIGTERM: the master stops its workers
    try {
      if (!process.waitFor(10, TimeUnit.SECONDS)) {
        process.destroyForcibly();
      }
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
    }
    children.forEach(ProcessHandle::destroyForcibly);
    try {
      Files.deleteIfExists(log);
    } catch (IOException ignored) {
      // a temp file
    }
  }
}
