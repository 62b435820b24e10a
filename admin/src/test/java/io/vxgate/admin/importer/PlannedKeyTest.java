package io.vxgate.admin.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.ConfigException;
import io.vxgate.config.ConfigLoader;
import java.net.URISyntaxException;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.Test;

/**
 * A planned key may be written by the importers only once vxgate's loader accepts it: the sample of
 * every key marked available loads without an error.
 */
class PlannedKeyTest {
  @Test
  void everyAvailableKeyIsAcceptedByTheLoader() {
    for (PlannedKey k : PlannedKey.values()) {
      if (k.available()) {
        assertThat(errors(k.sample())).as(k.key()).isEmpty();
      }
    }
  }

  @Test
  void theCheckSeesUnknownKeys() {
    assertThat(errors("routes: [{name: r, upstream: u, no-such-key: 1}]")).isNotEmpty();
  }

  /** Every error of the loader on a sample (with an upstream u it may name). */
  static List<String> errors(String sample) {
    Path tls;
    try {
      tls = Path.of(PlannedKeyTest.class.getResource("/import/nginx/tls").toURI());
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
    sample =
        sample
            .replace("%CERT%", tls.resolve("site.crt").toString())
            .replace("%KEY%", tls.resolve("site.key").toString());
    String yaml =
        sample.startsWith("upstreams:")
            ? sample
            : "upstreams: {u: {servers: [{name: s, address: 127.0.0.1:1}]}}\n" + sample;
    try {
      ConfigLoader.parse(yaml, "sample", null, null, ConfigLoader.Environment.of(Map.of(), "t"));
      return List.of();
    } catch (ConfigException e) {
      return e.errors().stream().map(Object::toString).toList();
    }
  }
}
