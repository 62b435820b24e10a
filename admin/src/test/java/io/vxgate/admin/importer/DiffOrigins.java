package io.vxgate.admin.importer;

import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

/**
 * Test origins for the differential tests: one HTTP server per address of the original config, on
 * an ephemeral port. Each answers every request with 200, {@code X-Origin: LABEL} and {@code
 * X-Path: PATH} (the path it received), and accepts WebSocket upgrades, sending {@code LABEL} as
 * its first message.
 */
final class DiffOrigins implements AutoCloseable {
  private final Vertx vertx = Vertx.vertx();
  private final List<HttpServer> servers = new ArrayList<>();

  /** original address -> port of its origin */
  private final Map<String, Integer> ports = new LinkedHashMap<>();

  /**
   * The local port answering for {@code address} (started on first use), labelled {@code label}.
   */
  int port(String address, String label) {
    Integer p = ports.get(address);
    if (p != null) {
      return p;
    }
    HttpServer s = vertx.createHttpServer();
    s.requestHandler(
        req -> {
          String upgrade = req.getHeader("Upgrade");
          if (upgrade != null && upgrade.equalsIgnoreCase("websocket")) {
            req.toWebSocket().onSuccess(ws -> ws.writeTextMessage(label));
            return;
          }
          req.body()
              .onComplete(
                  b ->
                      req.response()
                          .putHeader("X-Origin", label)
                          .putHeader("X-Path", req.path())
                          .putHeader("Content-Type", "text/plain")
                          .end(label));
        });
    s.listen(0, "127.0.0.1").await();
    servers.add(s);
    ports.put(address, s.actualPort());
    return s.actualPort();
  }

  @Override
  public void close() {
    vertx.close().await();
  }
}
