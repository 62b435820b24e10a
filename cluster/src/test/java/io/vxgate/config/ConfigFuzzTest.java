package io.vxgate.config;

import static io.vxgate.config.ConfigFixtures.SPEC_EXAMPLE;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

import java.nio.file.Path;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Truncated and mutated config files: each either loads or is refused with a {@link
 * ConfigException} naming at least one error with the file and a path; nothing else ever escapes
 * the loader (issue 8: "a fuzzed or truncated config file is rejected with errors").
 */
class ConfigFuzzTest {
  @TempDir Path dir;

  private static final ConfigLoader.Environment ENV =
      ConfigFixtures.env(Map.of("VXGATE_ADMIN_TOKEN", "s3cret"));
  private static final String CHARS = "{}[]:,-#&*!|>'\"%@`~\\ \n\t0123456789abcxyz${}";

  /** Returns whether the text was refused. */
  private boolean check(String text, String what) {
    try {
      ConfigLoader.parse(text, "gw.yaml", dir, ConfigOverrides.none(), ENV);
      return false;
    } catch (ConfigException e) {
      assertThat(e.errors()).as(what).isNotEmpty();
      assertThat(e.errors())
          .as(what)
          .allSatisfy(err -> assertThat(err.file()).isEqualTo("gw.yaml"));
      assertThat(e.getMessage()).as(what).contains("gw.yaml");
      return true;
    } catch (RuntimeException | StackOverflowError e) {
      fail(what + ": the loader threw " + e + " instead of a ConfigException:\n" + text, e);
      return false;
    }
  }

  @Test
  void everyTruncationIsLoadedOrRefusedWithErrors() {
    ConfigFixtures.specFiles(dir);
    for (int n = 0; n <= SPEC_EXAMPLE.length(); n++) {
      check(SPEC_EXAMPLE.substring(0, n), "truncated at " + n);
    }
  }

  @Test
  void randomMutationsAreLoadedOrRefusedWithErrors() {
    ConfigFixtures.specFiles(dir);
    Random random = new Random(20261125);
    int refused = 0;
    for (int i = 0; i < 3000; i++) {
      StringBuilder s = new StringBuilder(SPEC_EXAMPLE);
      int edits = 1 + random.nextInt(4);
      for (int e = 0; e < edits; e++) {
        int at = random.nextInt(s.length());
        switch (random.nextInt(3)) {
          case 0 -> s.deleteCharAt(at);
          case 1 -> s.insert(at, CHARS.charAt(random.nextInt(CHARS.length())));
          default -> s.setCharAt(at, CHARS.charAt(random.nextInt(CHARS.length())));
        }
      }
      if (check(s.toString(), "mutation " + i)) {
        refused++;
      }
    }
    // Most random edits of a full config break it; the refusals must be the common case.
    assertThat(refused).isGreaterThan(1000);
  }
}
