package io.vxgate.admin.importer;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.List;
import java.util.Map;
import java.util.Random;
import org.junit.jupiter.api.Test;
import org.snakeyaml.engine.v2.api.Load;
import org.snakeyaml.engine.v2.api.LoadSettings;

class YamlTest {
  private static final String CHARS = "aZ09 :-_./\\'\"#{}[],&*!|>%@`~?$^()+=\t\n\u00e9\u65e5";

  @Test
  void everyStringReadsBackAsTheSameString() {
    Random rnd = new Random(7);
    Load load = new Load(LoadSettings.builder().build());
    for (int i = 0; i < 5_000; i++) {
      StringBuilder sb = new StringBuilder();
      int n = rnd.nextInt(8);
      for (int j = 0; j < n; j++) {
        sb.append(CHARS.charAt(rnd.nextInt(CHARS.length())));
      }
      String s = sb.toString();
      for (String special : List.of("true", "null", "1", "0x1F", "1e5", "~", "-", "yes", ".5")) {
        if (rnd.nextInt(40) == 0) {
          s = special;
        }
      }
      Yaml.YMap m = new Yaml.YMap().put("k", s).put("f", new Yaml.YMap().put("x", s).put("y", 1));
      String text = Yaml.write(m, List.of());
      Map<?, ?> back = (Map<?, ?>) load.loadFromString(text);
      String expected = s.replace("${", "$${");
      assertThat(back.get("k")).as(text).isEqualTo(expected);
      assertThat(((Map<?, ?>) back.get("f")).get("x")).as(text).isEqualTo(expected);
    }
  }

  @Test
  void commentsAndBlocks() {
    Yaml.YList routes = new Yaml.YList();
    routes.add(new Yaml.YMap().put("name", "a").put("upstream", "u"), "site.conf:3 location /");
    String text = Yaml.write(new Yaml.YMap().put("routes", routes), List.of("imported"));
    assertThat(text)
        .isEqualTo(
            """
            # imported
            routes:
              # site.conf:3 location /
              - {name: a, upstream: u}
            """);
  }
}
