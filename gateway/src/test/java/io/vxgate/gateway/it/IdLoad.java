package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * Load from 4 clients on a node in its own JVM, each request with an {@code X-Request-Id} of its
 * own ({@code c0-17}), counted request by request: for the tests that follow every request into the
 * access log while the node reopens or switches its log.
 */
final class IdLoad implements AutoCloseable {
  private final HttpClient http =
      HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
  private final URI uri;
  private final AtomicBoolean running = new AtomicBoolean(true);
  private final AtomicInteger sent = new AtomicInteger();
  private final Set<String> answered = ConcurrentHashMap.newKeySet();
  private final List<Thread> clients = new ArrayList<>();

  /** A load on {@code GET http://127.0.0.1:PORT/}, not started. */
  IdLoad(int port) {
    uri = URI.create("http://127.0.0.1:" + port + "/");
  }

  /** Waits (up to 60 s) until the node answers a request with the id {@code warm-up}. */
  IdLoad warmUp() {
    await().atMost(Duration.ofSeconds(60)).ignoreExceptions().until(() -> get("warm-up") == 200);
    return this;
  }

  /** Starts the clients (each stops after 5000 requests, or at {@link #close}). */
  IdLoad start() {
    for (int c = 0; c < 4; c++) {
      int client = c;
      Thread t =
          new Thread(
              () -> {
                for (int i = 0; running.get() && i < 5_000; i++) {
                  String id = "c" + client + "-" + i;
                  sent.incrementAndGet();
                  if (get(id) == 200) {
                    answered.add(id);
                  }
                }
              });
      t.start();
      clients.add(t);
    }
    return this;
  }

  /** Waits (up to 30 s) until {@code n} more requests were sent. */
  void awaitMore(int n) {
    int from = sent.get();
    await().atMost(Duration.ofSeconds(30)).until(() -> sent.get() > from + n);
  }

  /** The ids of the requests answered 200. */
  Set<String> answered() {
    return answered;
  }

  /**
   * Asserts that the ids logged {@code before} and {@code after} a rotation or switch (each
   * non-empty) hold every answered request's id, and none twice.
   */
  static void assertLoggedOnce(Set<String> answered, List<String> before, List<String> after) {
    assertThat(before).isNotEmpty();
    assertThat(after).isNotEmpty();
    Set<String> logged = new HashSet<>(before);
    logged.addAll(after);
    assertThat(logged).as("none twice").hasSize(before.size() + after.size());
    assertThat(logged).as("none lost").containsAll(answered);
  }

  /** One request with the id {@code id}: its status, 0 when it failed. */
  int get(String id) {
    try {
      return http.send(
              HttpRequest.newBuilder(uri)
                  .header("X-Request-Id", id)
                  .timeout(Duration.ofSeconds(10))
                  .build(),
              HttpResponse.BodyHandlers.discarding())
          .statusCode();
    } catch (IOException e) {
      return 0;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      return 0;
    }
  }

  /** Stops the clients and waits for their last requests. */
  @Override
  public void close() throws InterruptedException {
    running.set(false);
    for (Thread t : clients) {
      t.join(30_000);
    }
  }
}
