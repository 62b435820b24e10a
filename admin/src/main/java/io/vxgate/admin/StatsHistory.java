package io.vxgate.admin;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Duration;
import java.util.ArrayDeque;

/**
 * The last {@link #SPAN} of this node's request and error rates, one sample per stats period, for
 * the dashboard's chart ({@code GET /api/stats}). Used on the admin verticle's event loop only.
 */
final class StatsHistory {
  static final Duration SPAN = Duration.ofMinutes(5);

  /** One stats period: its end (epoch ms), requests/s and errors/s. */
  record Sample(long time, double rps, double eps) {}

  private final int capacity;
  private final ArrayDeque<Sample> samples;

  StatsHistory(Duration period) {
    this.capacity = (int) Math.max(1, SPAN.toMillis() / period.toMillis());
    this.samples = new ArrayDeque<>(capacity);
  }

  void add(Sample s) {
    if (samples.size() == capacity) {
      samples.removeFirst();
    }
    samples.addLast(s);
  }

  /** The samples, oldest first, as {@code [{time, rps, eps}]}. */
  JsonArray json() {
    JsonArray out = new JsonArray();
    for (Sample s : samples) {
      out.add(new JsonObject().put("time", s.time()).put("rps", s.rps()).put("eps", s.eps()));
    }
    return out;
  }
}
