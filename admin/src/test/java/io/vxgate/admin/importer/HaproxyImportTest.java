package io.vxgate.admin.importer;

import static io.vxgate.admin.importer.ImportCorpus.Req.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vxgate.config.GatewayConfig;
import java.nio.file.Path;
import java.util.List;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every HAProxy config of the corpus (src/test/resources/import/haproxy) is translated into a
 * config that vxgate's loader accepts, with exactly the notes of its {@code .notes} file; the
 * routing decisions of the translations are asked of vxgate's router.
 */
class HaproxyImportTest {
  @TempDir static Path dir;

  @BeforeAll
  static void corpus() {
    ImportCorpus.copy("haproxy", dir);
  }

  static Stream<String> configs() {
    return ImportCorpus.parsingConfigs("haproxy", "cfg");
  }

  @ParameterizedTest
  @MethodSource("configs")
  void translatesIntoAValidConfigWithTheExpectedNotes(String name) throws Exception {
    List<List<String>> notes = ImportCorpus.notes("haproxy", dir, name);
    assertThat(notes.get(0)).as(name).containsExactlyElementsOf(notes.get(1));
  }

  @Test
  void theCorpusHasFifteenConfigsAtLeast() {
    assertThat(configs().count()).isGreaterThanOrEqualTo(15);
  }

  @Test
  void aConfigThatDoesNotParseIsRefusedWithItsLine() {
    assertThatThrownBy(
            () ->
                ImportCommand.translate(
                    "haproxy", dir.resolve("broken-quote.cfg"), "broken-quote.cfg"))
        .hasMessage("broken-quote.cfg:3: unmatched quote");
    assertThatThrownBy(
            () ->
                ImportCommand.translate(
                    "haproxy", dir.resolve("broken-outside.cfg"), "broken-outside.cfg"))
        .hasMessage("broken-outside.cfg:2: unknown keyword 'maxconn' out of section");
  }

  @Test
  void theCommandReadsHaproxy() {
    NginxImportTest.Result ok =
        NginxImportTest.ctl("import", "haproxy", dir.resolve("host-map.cfg").toString());
    assertThat(ok.code()).isZero();
    assertThat(ok.out()).contains("upstream: fallback").contains("client-timeout: 30s");
    assertThat(ok.err()).isEmpty();
    NginxImportTest.Result partly =
        NginxImportTest.ctl("import", "haproxy", dir.resolve("balance.cfg").toString());
    assertThat(partly.code()).isEqualTo(3);
    assertThat(partly.err())
        .contains("balance.cfg:38: balance first: approximated: balance: roundrobin");
    assertThat(
            NginxImportTest.ctl("import", "haproxy", dir.resolve("broken-quote.cfg").toString())
                .code())
        .isEqualTo(1);
  }

  private static GatewayConfig imported(String name) throws ImportException {
    return ImportCorpus.load(ImportCommand.translate("haproxy", dir.resolve(name), name).yaml());
  }

  @Test
  void aclsWithNegationsAlternativesAndSeveralTerms() throws Exception {
    GatewayConfig c = imported("acl-routing.cfg");
    assertThat(ImportCorpus.decide(c, get("x.test", "/admin/users").from("8.8.8.8")))
        .isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get("x.test", "/ADMIN/users").from("10.1.1.1")))
        .isEqualTo("upstream admin");
    assertThat(ImportCorpus.decide(c, get("api.example.com", "/x"))).isEqualTo("upstream api");
    assertThat(ImportCorpus.decide(c, get("x.test", "/v2/items"))).isEqualTo("upstream api");
    assertThat(ImportCorpus.decide(c, get("shop.example.com", "/"))).isEqualTo("upstream shop");
    assertThat(ImportCorpus.decide(c, get("eu.shop.example.com", "/"))).isEqualTo("upstream shop");
    assertThat(ImportCorpus.decide(c, get("a.tenants.example.com", "/")))
        .isEqualTo("upstream tenants");
    assertThat(ImportCorpus.decide(c, get("tenants.example.com", "/"))).isEqualTo("upstream web");
    assertThat(ImportCorpus.decide(c, get("x.test", "/app.css"))).isEqualTo("upstream static");
    assertThat(ImportCorpus.decide(c, get("x.test", "/app.css").method("POST")))
        .isEqualTo("upstream web");
    assertThat(ImportCorpus.decide(c, get("x.test", "/reports/12").from("192.168.3.3")))
        .isEqualTo("upstream reports");
    assertThat(ImportCorpus.decide(c, get("x.test", "/reports/12").from("8.8.8.8")))
        .isEqualTo("upstream web");
    assertThat(ImportCorpus.decide(c, get("x.test", "/").header("X-Beta", "YES")))
        .isEqualTo("upstream beta");
    assertThat(ImportCorpus.decide(c, get("x.test", "/"))).isEqualTo("upstream web");
  }

  @Test
  void answeringRulesComeFirstInHaproxyOrder() throws Exception {
    GatewayConfig c = imported("answers.cfg");
    assertThat(ImportCorpus.decide(c, get("x.test", "/haproxy-health"))).isEqualTo("return 200");
    assertThat(ImportCorpus.decide(c, get("x.test", "/ping").from("198.51.100.9")))
        .isEqualTo("return 429");
    assertThat(ImportCorpus.decide(c, get("x.test", "/ping"))).isEqualTo("return 200");
    assertThat(ImportCorpus.decide(c, get("x.test", "/old")))
        .isEqualTo("redirect 301 https://www.example.com/new");
    assertThat(ImportCorpus.decide(c, get("x.test", "/blog/a")))
        .isEqualTo("redirect 302 https://blog.example.com +path");
    assertThat(ImportCorpus.decide(c, get("old.example.com", "/a")))
        .isEqualTo("redirect 302 https://new.example.com +path");
    assertThat(ImportCorpus.decide(c, get("x.test", "/a").method("TRACE"))).isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get("x.test", "/a"))).isEqualTo("upstream app");
  }

  @Test
  void hostMapsAndDefaults() throws Exception {
    GatewayConfig c = imported("host-map.cfg");
    assertThat(ImportCorpus.decide(c, get("WWW.example.com", "/"))).isEqualTo("upstream web");
    assertThat(ImportCorpus.decide(c, get("api.example.com", "/"))).isEqualTo("upstream api");
    assertThat(ImportCorpus.decide(c, get("nobody.test", "/"))).isEqualTo("upstream fallback");
  }

  @Test
  void backendsBecomeUpstreams() throws Exception {
    GatewayConfig c = imported("gunicorn-listen.cfg");
    var u = c.upstreams().get("django");
    assertThat(u.servers()).hasSize(2);
    assertThat(u.healthCheck().path()).isEqualTo("/health/");
    assertThat(u.healthCheck().interval()).hasSeconds(3);
    assertThat(u.passive().maxFails()).isZero();
    GatewayConfig https = imported("https-redirect.cfg");
    assertThat(https.listeners().get(0).redirectHttps()).isEqualTo(443);
    assertThat(https.listeners().get(1).tls()).isNotNull();
    GatewayConfig sticky = imported("sticky-cookie.cfg");
    assertThat(sticky.upstreams().get("app").sticky().cookie()).isEqualTo("SERVERID");
    GatewayConfig checks = imported("health-checks.cfg");
    assertThat(checks.upstreams().get("options_check").healthCheck().method()).isEqualTo("OPTIONS");
    var head = checks.upstreams().get("head_check").healthCheck();
    assertThat(head.method()).isEqualTo("HEAD");
    assertThat(head.host()).isEqualTo("www.example.com");
    assertThat(head.interval()).hasSeconds(5);
    var send = checks.upstreams().get("send_check").healthCheck();
    assertThat(send.path()).isEqualTo("/status");
    assertThat(send.host()).isEqualTo("status.example.com");
    assertThat(send.expect().body()).isEqualTo("OK");
    GatewayConfig balance = imported("balance.cfg");
    assertThat(balance.upstreams().get("by_whole").balance().hashQuery()).isTrue();
    assertThat(balance.upstreams().get("by_uri").balance().hashQuery()).isFalse();
    GatewayConfig rewrites = imported("rewrites.cfg");
    assertThat(rewrites.routes().get(0).stripPrefix()).isEqualTo("/api");
  }
}
