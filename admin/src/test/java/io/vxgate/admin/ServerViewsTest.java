package io.vxgate.admin;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.HealthFlag;
import io.vxgate.cluster.NodeContext;
import io.vxgate.cluster.ServerId;
import java.time.Clock;
import java.time.Duration;
import java.time.Instant;
import java.time.ZoneId;
import java.time.ZoneOffset;
import java.util.List;
import java.util.Set;
import org.junit.jupiter.api.Test;

class ServerViewsTest {
  private static final ServerId A1 = new ServerId("a", "a1");
  private static final ServerId B1 = new ServerId("b", "b1");

  /** A clock moved by hand. */
  private static final class HandClock extends Clock {
    Instant now = Instant.parse("2026-12-07T12:00:00Z");

    @Override
    public ZoneId getZone() {
      return ZoneOffset.UTC;
    }

    @Override
    public Clock withZone(ZoneId zone) {
      return this;
    }

    @Override
    public Instant instant() {
      return now;
    }
  }

  private final HandClock clock = new HandClock();
  private final ServerViews views = new ServerViews(clock);

  private static NodeContext.ServerStatus status(
      ServerId id, Set<HealthFlag> flags, String reason) {
    return new NodeContext.ServerStatus(id, "127.0.0.1:1", AdminState.ENABLED, flags, reason, 0);
  }

  @Test
  void aNodesStatsCarryItsFlaggedServersAndTheRestIsHealthy() {
    JsonArray flagged =
        ServerViews.flagged(
            List.of(
                status(A1, Set.of(HealthFlag.FAILED_PASSIVE), "passive checks failed"),
                status(B1, Set.of(), HealthFlag.HEALTHY)));
    assertThat(flagged).hasSize(1);
    views.accept(new JsonObject().put("node", "gw-2").put("servers", flagged));

    JsonObject a1 = views.view("gw-2", A1);
    assertThat(a1.getString("node")).isEqualTo("gw-2");
    assertThat(a1.getBoolean("available")).isFalse();
    assertThat(a1.getJsonArray("flags").getList()).containsExactly("failed_passive");
    assertThat(a1.getString("reason")).isEqualTo("passive checks failed");
    JsonObject b1 = views.view("gw-2", B1);
    assertThat(b1.getBoolean("available")).isTrue();
    assertThat(b1.getJsonArray("flags").getList()).isEmpty();
    assertThat(b1.getString("reason")).isEqualTo("healthy");
    assertThat(views.view("gw-3", A1)).as("a node that said nothing").isNull();
  }

  @Test
  void aNodesWordLapsesAndLeftNodesAreForgotten() {
    views.accept(new JsonObject().put("node", "gw-2").put("servers", new JsonArray()));
    views.accept(new JsonObject().put("node", "gw-3").put("servers", new JsonArray()));
    clock.now = clock.now.plus(ServerViews.MAX_AGE);
    assertThat(views.view("gw-2", A1)).isNotNull();
    clock.now = clock.now.plus(Duration.ofMillis(1));
    assertThat(views.view("gw-2", A1)).isNull();
    views.accept(new JsonObject().put("node", "gw-2").put("servers", new JsonArray()));
    assertThat(views.view("gw-2", A1)).isNotNull();
    views.retain(List.of("gw-1", "gw-3"));
    assertThat(views.view("gw-2", A1)).isNull();
  }

  @Test
  void statsWithoutAServersListAreIgnored() {
    views.accept(new JsonObject().put("node", "gw-2").put("rps", 1.0));
    assertThat(views.view("gw-2", A1)).isNull();
  }
}
