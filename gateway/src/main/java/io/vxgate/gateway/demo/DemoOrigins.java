package io.vxgate.gateway.demo;

import io.vertx.core.Future;
import io.vertx.core.Vertx;
import io.vertx.core.http.HttpServer;
import io.vertx.core.http.HttpServerOptions;
import java.util.ArrayList;
import java.util.List;

/**
 * Small origin servers for {@code --demo}, examples and benchmarks. Each answers every path with
 * one line naming itself, so round robin is visible with curl; {@code GET /health} answers 200. Run
 * alone with {@code java -cp vxgate.jar io.vxgate.gateway.demo.DemoOrigins 9001 9002 9003}.
 */
public final class DemoOrigins {
  private DemoOrigins() {}

  /** Starts one origin per port on {@code host}; origin N is called {@code origin-N}. */
  public static Future<List<HttpServer>> start(Vertx vertx, String host, int... ports) {
    List<Future<HttpServer>> started = new ArrayList<>();
    for (int i = 0; i < ports.length; i++) {
      String name = "origin-" + (i + 1);
      int port = ports[i];
      HttpServer server =
          vertx.createHttpServer(new HttpServerOptions().setHost(host).setPort(port));
      server.requestHandler(
          req -> {
            if (req.path().equals("/health")) {
              req.response().end("ok\n");
              return;
            }
            // Drain any request body, then answer.
            req.end()
                .onComplete(
                    ar ->
                        req.response()
                            .putHeader("Content-Type", "text/plain; charset=utf-8")
                            .putHeader("X-Origin", name)
                            .end(
                                "hello from "
                                    + name
                                    + " (port "
                                    + port
                                    + "): "
                                    + req.method()
                                    + " "
                                    + req.uri()
                                    + "\n"));
          });
      started.add(server.listen());
    }
    return Future.all(started).map(cf -> cf.list());
  }

  public static void main(String[] args) {
    int[] ports = args.length == 0 ? new int[] {9001, 9002, 9003} : new int[args.length];
    for (int i = 0; i < args.length; i++) {
      ports[i] = Integer.parseInt(args[i]);
    }
    Vertx vertx = Vertx.vertx();
    start(vertx, "127.0.0.1", ports).await();
    System.out.println(
        "demo origins listening on 127.0.0.1 ports " + java.util.Arrays.toString(ports));
  }
}
