package io.vxgate.admin;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.time.Clock;
import java.time.Instant;
import java.time.ZoneOffset;
import org.junit.jupiter.api.Test;

class SignaturesTest {
  static final String ADDR = "vxgate.admin.routes.put";
  final Clock t0 = Clock.fixed(Instant.parse("2026-01-01T00:00:00Z"), ZoneOffset.UTC);
  final Signatures verifier = new Signatures("tok", t0);

  JsonObject body() {
    return new JsonObject()
        .put("routes", new JsonArray().add(new JsonObject().put("upstream", "b").put("name", "d")));
  }

  @Test
  void canonicalFormSortsKeysAndIsCompact() {
    JsonObject o =
        new JsonObject()
            .put("b", 1)
            .put("a", new JsonObject().put("y", "x\"").put("x", 2.5))
            .put("c", new JsonArray().add(true).add((Object) null));
    assertThat(Signatures.canonical(o))
        .isEqualTo("{\"a\":{\"x\":2.5,\"y\":\"x\\\"\"},\"b\":1,\"c\":[true,null]}");
    assertThat(Signatures.message(ADDR, 7, "n", new JsonObject().put("k", 1L)))
        .isEqualTo(ADDR + "\n7\nn\n{\"k\":1}");
  }

  @Test
  void acceptsAValidSignatureOnceAndSurvivesAJsonRoundTrip() throws Exception {
    JsonObject signed = Signatures.sign("tok", ADDR, body(), t0);
    verifier.verify(ADDR, new JsonObject(signed.encode()));
    assertThatThrownBy(() -> verifier.verify(ADDR, signed))
        .hasMessageContaining("auth.nonce")
        .hasMessageContaining("not used before");
  }

  @Test
  void refusesMissingWrongTamperedAndExpiredSignatures() {
    assertThatThrownBy(() -> verifier.verify(ADDR, body()))
        .hasMessage("auth: (missing) (expected: {time, nonce, hmac})");
    JsonObject wrongKey = Signatures.sign("other", ADDR, body(), t0);
    assertThatThrownBy(() -> verifier.verify(ADDR, wrongKey))
        .hasMessageStartingWith("auth.hmac: (invalid)");
    JsonObject tampered = Signatures.sign("tok", ADDR, body(), t0);
    tampered.getJsonArray("routes").getJsonObject(0).put("upstream", "evil");
    assertThatThrownBy(() -> verifier.verify(ADDR, tampered))
        .hasMessageStartingWith("auth.hmac: (invalid)");
    JsonObject otherAddress = Signatures.sign("tok", "vxgate.admin.config.put", body(), t0);
    assertThatThrownBy(() -> verifier.verify(ADDR, otherAddress))
        .hasMessageStartingWith("auth.hmac: (invalid)");
    JsonObject old =
        Signatures.sign("tok", ADDR, body(), Clock.offset(t0, java.time.Duration.ofSeconds(-61)));
    assertThatThrownBy(() -> verifier.verify(ADDR, old)).hasMessageStartingWith("auth.time: ");
    JsonObject early =
        Signatures.sign("tok", ADDR, body(), Clock.offset(t0, java.time.Duration.ofSeconds(60)));
    assertThat(early).isNotNull();
  }

  @Test
  void aNodeWithoutATokenRefusesEverything() {
    Signatures none = new Signatures(null, t0);
    assertThatThrownBy(() -> none.verify(ADDR, Signatures.sign("tok", ADDR, body(), t0)))
        .hasMessageContaining("admin.token set on this node");
  }
}
