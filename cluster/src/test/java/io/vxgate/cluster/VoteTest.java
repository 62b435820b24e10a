package io.vxgate.cluster;

import static org.assertj.core.api.Assertions.assertThat;

import io.vertx.core.json.JsonObject;
import org.junit.jupiter.api.Test;

class VoteTest {
  @Test
  void theWireFormsStayTheSame() {
    Vote v =
        new Vote("gw-1", new ServerId("api", "a1"), Vote.Kind.PASSIVE, false, "3 failures", 5, 9);
    assertThat(v.key()).isEqualTo("gw-1|PASSIVE|api/a1");
    JsonObject json = v.toJson();
    assertThat(json.getString("upstream")).isEqualTo("api");
    assertThat(json.getString("server")).isEqualTo("a1");
    assertThat(json.fieldNames())
        .containsExactlyInAnyOrder(
            "node", "upstream", "server", "kind", "up", "reason", "time", "expires");
    assertThat(Vote.fromJson(json)).isEqualTo(v);
  }
}
