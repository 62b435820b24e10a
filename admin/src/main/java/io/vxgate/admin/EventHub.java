package io.vxgate.admin;

import io.vertx.core.http.HttpServerResponse;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArraySet;

/**
 * The server-sent-event streams of one node ({@code GET /api/events}). An event is dropped for a
 * client whose write queue is full rather than buffered without bound.
 */
final class EventHub {
  private final Set<HttpServerResponse> clients = new CopyOnWriteArraySet<>();

  void add(HttpServerResponse resp) {
    clients.add(resp);
    resp.closeHandler(v -> clients.remove(resp));
  }

  // a CopyOnWriteArraySet iterates over a snapshot: removing from it in the loop is safe
  @SuppressWarnings("ModifyCollectionInEnhancedForLoop")
  void send(String event, String data) {
    String frame = "event: " + event + "\ndata: " + data.replace("\n", "\ndata: ") + "\n\n";
    for (HttpServerResponse r : clients) {
      if (r.closed() || r.ended()) {
        clients.remove(r);
      } else if (!r.writeQueueFull()) {
        r.write(frame);
      }
    }
  }

  int size() {
    return clients.size();
  }

  void close() {
    clients.forEach(
        r -> {
          if (!r.ended() && !r.closed()) {
            r.end();
          }
        });
    clients.clear();
  }
}
