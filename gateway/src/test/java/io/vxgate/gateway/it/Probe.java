package io.vxgate.gateway.it;

import java.io.IOException;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Locale;

/**
 * Another client while an attack runs: an HTTP/1.1 GET every 20 ms on a keep-alive connection,
 * timed from the request's first byte to its response's last. A failed request counts as a failure
 * (and the next one reconnects).
 */
final class Probe {
  private final int port;
  private final List<Long> millis = Collections.synchronizedList(new ArrayList<>());
  private volatile boolean stop;
  private volatile int failures;
  private Thread thread;

  Probe(int port) {
    this.port = port;
  }

  /**
   * What a probe saw.
   *
   * @param count requests answered
   * @param failures requests not answered (an error or a status other than 200)
   */
  record Stats(int count, int failures, long p50, long p99, long max) {
    @Override
    public String toString() {
      return String.format(Locale.ROOT, "%d / %d / %d", p50, p99, max);
    }
  }

  /** Whether one GET gets 200. */
  static boolean ok(int port) {
    try (RawHttp.Client c = new RawHttp.Client(port)) {
      c.send("GET /probe HTTP/1.1\r\nHost: probe\r\n\r\n");
      return c.read().status() == 200;
    } catch (IOException e) {
      return false;
    }
  }

  void start() {
    thread = new Thread(this::run, "probe");
    thread.setDaemon(true);
    thread.start();
  }

  private void run() {
    RawHttp.Client c = null;
    long next = System.nanoTime();
    while (!stop) {
      long start = System.nanoTime();
      try {
        if (c == null) {
          c = new RawHttp.Client(port);
        }
        c.send("GET /probe HTTP/1.1\r\nHost: probe\r\n\r\n");
        if (c.read().status() != 200) {
          failures++;
        }
        millis.add((System.nanoTime() - start) / 1_000_000);
      } catch (IOException e) {
        failures++;
        if (c != null) {
          c.close();
        }
        c = null;
      }
      next += 20_000_000;
      long wait = next - System.nanoTime();
      if (wait > 0) {
        try {
          Thread.sleep(wait / 1_000_000, (int) (wait % 1_000_000));
        } catch (InterruptedException e) {
          return;
        }
      } else {
        next = System.nanoTime();
      }
    }
    if (c != null) {
      c.close();
    }
  }

  Stats stop() throws InterruptedException {
    stop = true;
    thread.join(10_000);
    List<Long> sorted;
    synchronized (millis) {
      sorted = new ArrayList<>(millis);
    }
    Collections.sort(sorted);
    int n = sorted.size();
    if (n == 0) {
      return new Stats(0, failures, -1, -1, -1);
    }
    return new Stats(
        n,
        failures,
        sorted.get(n / 2),
        sorted.get(Math.min(n - 1, (int) Math.ceil(n * 0.99) - 1)),
        sorted.get(n - 1));
  }
}
