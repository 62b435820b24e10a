package io.vxgate.admin.importer;

import static io.vxgate.admin.importer.ImportCorpus.Req.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import io.vxgate.admin.cli.Ctl;
import io.vxgate.config.GatewayConfig;
import java.io.ByteArrayOutputStream;
import java.io.PrintStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import java.util.stream.Stream;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.MethodSource;

/**
 * Every nginx config of the corpus (src/test/resources/import/nginx) is translated into a config
 * that vxgate's loader accepts, with exactly the notes of its {@code .notes} file; the routing
 * decisions of the translations are asked of vxgate's router.
 */
class NginxImportTest {
  @TempDir static Path dir;

  @BeforeAll
  static void corpus() {
    ImportCorpus.copy("nginx", dir);
  }

  static Stream<String> configs() {
    return ImportCorpus.parsingConfigs("nginx", "conf");
  }

  @ParameterizedTest
  @MethodSource("configs")
  void translatesIntoAValidConfigWithTheExpectedNotes(String name) throws Exception {
    List<List<String>> notes = ImportCorpus.notes("nginx", dir, name);
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
                    "nginx", dir.resolve("broken-missing-brace.conf"), "broken-missing-brace.conf"))
        .hasMessage(
            "broken-missing-brace.conf:8: unexpected end of file, expecting \"}\" (the block opened at line 5)");
    assertThatThrownBy(
            () ->
                ImportCommand.translate(
                    "nginx", dir.resolve("broken-quote.conf"), "broken-quote.conf"))
        .hasMessage("broken-quote.conf:4: unexpected end of file in a quoted string");
  }

  @Test
  void theCommandPrintsTheConfigOnStdoutAndTheNotesOnStderr() {
    Result ok = ctl("import", "nginx", dir.resolve("websocket-map.conf").toString());
    assertThat(ok.code).isZero();
    assertThat(ok.err).isEmpty();
    assertThat(ok.out).contains("upstream: channels").startsWith("# vxgate config imported");
    Result partly = ctl("import", "nginx", dir.resolve("static-and-cache.conf").toString());
    assertThat(partly.code).isEqualTo(3);
    assertThat(partly.out).contains("routes:");
    assertThat(partly.err)
        .contains(
            "static-and-cache.conf:12: gzip on: not supported: vxgate does not compress responses");
    Result broken = ctl("import", "nginx", dir.resolve("broken-quote.conf").toString());
    assertThat(broken.code).isEqualTo(1);
    assertThat(broken.out).isEmpty();
    assertThat(broken.err)
        .contains("broken-quote.conf:4: unexpected end of file in a quoted string");
    assertThat(ctl("import", "nginx").code).isEqualTo(2);
    assertThat(ctl("import", "apache", "x.conf").code).isEqualTo(2);
    assertThat(ctl("import", "nginx", dir.resolve("missing.conf").toString()).code).isEqualTo(1);
  }

  record Result(int code, String out, String err) {}

  static Result ctl(String... args) {
    ByteArrayOutputStream out = new ByteArrayOutputStream();
    ByteArrayOutputStream err = new ByteArrayOutputStream();
    int code =
        Ctl.run(
            args,
            new PrintStream(out, true, StandardCharsets.UTF_8),
            new PrintStream(err, true, StandardCharsets.UTF_8),
            Map.of("VXGATE_ADMIN", "http://127.0.0.1:1"));
    return new Result(
        code, out.toString(StandardCharsets.UTF_8), err.toString(StandardCharsets.UTF_8));
  }

  private static GatewayConfig imported(String name) throws ImportException {
    return ImportCorpus.load(ImportCommand.translate("nginx", dir.resolve(name), name).yaml());
  }

  @Test
  void gunicornDocsExample() throws Exception {
    GatewayConfig c = imported("gunicorn-docs.conf");
    assertThat(ImportCorpus.decide(c, get("example.com", "/accounts/login/")))
        .isEqualTo("upstream app_server");
    assertThat(ImportCorpus.decide(c, get("www.example.com", "/")))
        .isEqualTo("upstream app_server");
    // the default server closes connections of unknown hosts (444)
    assertThat(ImportCorpus.decide(c, get("evil.example", "/"))).isEqualTo("return 444");
    assertThat(c.upstreams().get("app_server").servers().get(0).address().toString())
        .isEqualTo("127.0.0.1:8000");
    assertThat(c.listeners().get(0).maxRequestBody()).isEqualTo(4L << 30);
  }

  @Test
  void virtualHostsFollowNginxNamePrecedence() throws Exception {
    GatewayConfig c = imported("virtual-hosts.conf");
    assertThat(ImportCorpus.decide(c, get("example.org", "/"))).isEqualTo("upstream main");
    assertThat(ImportCorpus.decide(c, get("WWW.example.org:80", "/x"))).isEqualTo("upstream main");
    assertThat(ImportCorpus.decide(c, get("a.tenants.example.org", "/")))
        .isEqualTo("upstream tenants");
    assertThat(ImportCorpus.decide(c, get("api.tenants.example.org", "/")))
        .isEqualTo("upstream api");
    assertThat(ImportCorpus.decide(c, get("legacy.example.org", "/"))).isEqualTo("upstream legacy");
    assertThat(ImportCorpus.decide(c, get("x.y.legacy.example.org", "/")))
        .isEqualTo("upstream legacy");
    assertThat(ImportCorpus.decide(c, get("eu.example.org", "/"))).isEqualTo("upstream main");
    assertThat(ImportCorpus.decide(c, get("asia.example.org", "/"))).isEqualTo("return 404");
    assertThat(ImportCorpus.decide(c, get("unknown.test", "/"))).isEqualTo("return 404");
  }

  @Test
  void apiGatewayLocationsChooseAsNginxDoes() throws Exception {
    GatewayConfig c = imported("api-gateway.conf");
    String h = "api.example.com";
    assertThat(ImportCorpus.decide(c, get(h, "/healthz"))).isEqualTo("return 200");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/users/42"))).isEqualTo("upstream users");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/users"))).isEqualTo("redirect 301 /v1/users/");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/orders/7.json"))).isEqualTo("upstream orders");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/users/7.json"))).isEqualTo("upstream users");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/search?q=a"))).isEqualTo("upstream search");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/internal/x"))).isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/things/debug"))).isEqualTo("return 404");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/users/debug"))).isEqualTo("upstream users");
    assertThat(ImportCorpus.decide(c, get(h, "/v1/x.XML"))).isEqualTo("upstream users");
    assertThat(ImportCorpus.decide(c, get(h, "/legacy/a"))).isEqualTo("upstream 10.14.0.1-8080");
    assertThat(ImportCorpus.decide(c, get(h, "/"))).isEqualTo("upstream frontend");
    assertThat(
            c.routes().stream()
                .filter(r -> r.name().equals("api.example.com-v1-users"))
                .findFirst()
                .orElseThrow()
                .stripPrefix())
        .isEqualTo("/v1/users/");
  }

  @Test
  void accessRulesKeepTheirOrder() throws Exception {
    GatewayConfig c = imported("access-control.conf");
    String h = "intranet.example.com";
    assertThat(ImportCorpus.decide(c, get(h, "/").from("10.1.2.3"))).isEqualTo("upstream app");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("10.66.2.3"))).isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("192.168.1.9"))).isEqualTo("upstream app");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("8.8.8.8"))).isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get(h, "/public/x").from("8.8.8.8")))
        .isEqualTo("upstream app");
    assertThat(ImportCorpus.decide(c, get(h, "/metrics").from("127.0.0.1")))
        .isEqualTo("upstream app");
    assertThat(ImportCorpus.decide(c, get(h, "/metrics").from("::1"))).isEqualTo("upstream app");
    assertThat(ImportCorpus.decide(c, get(h, "/metrics").from("10.1.2.3"))).isEqualTo("return 403");
  }

  @Test
  void conditionsOnMethodsHeadersQueryAndAddresses() throws Exception {
    GatewayConfig c = imported("conditions.conf");
    String h = "tenants.example.com";
    assertThat(ImportCorpus.decide(c, get(h, "/x").method("DELETE"))).isEqualTo("return 405");
    assertThat(ImportCorpus.decide(c, get(h, "/x").header("User-Agent", "sqlmap/1.0")))
        .isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get(h, "/x").header("X-Tenant", "acme")))
        .isEqualTo("upstream dedicated");
    assertThat(ImportCorpus.decide(c, get(h, "/x").header("X-Tenant", "big-corp")))
        .isEqualTo("upstream dedicated");
    assertThat(ImportCorpus.decide(c, get(h, "/x").header("X-Tenant", "small")))
        .isEqualTo("upstream shared");
    assertThat(ImportCorpus.decide(c, get(h, "/internal/a").from("10.1.1.1")))
        .isEqualTo("upstream shared");
    assertThat(ImportCorpus.decide(c, get(h, "/internal/a").from("10.99.1.1")))
        .isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get(h, "/internal/a").from("8.8.8.8")))
        .isEqualTo("return 403");
    assertThat(ImportCorpus.decide(c, get(h, "/beta/a?preview=1")))
        .isEqualTo("redirect 302 /preview/");
    assertThat(ImportCorpus.decide(c, get(h, "/beta/a?preview=0"))).isEqualTo("upstream shared");
  }

  @Test
  void countriesFromAGeoIp2Map() throws Exception {
    GatewayConfig c = imported("geoip-map.conf");
    String h = "geo.example.com";
    assertThat(c.geoip()).isNotNull();
    assertThat(ImportCorpus.decide(c, get(h, "/").from("2.16.1.1"))).isEqualTo("upstream eu_pool");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("2.17.1.1"))).isEqualTo("upstream eu_pool");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("3.3.3.3"))).isEqualTo("upstream us_pool");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("81.2.69.1"))).isEqualTo("upstream us_pool");
    assertThat(ImportCorpus.decide(c, get(h, "/").from("175.45.176.1"))).isEqualTo("return 403");
  }

  @Test
  void httpsRedirectIdiomsBecomeTheListenersRedirect() throws Exception {
    for (String name : List.of("tls-hsts.conf", "certbot.conf")) {
      GatewayConfig c = imported(name);
      assertThat(c.listeners())
          .as(name)
          .anySatisfy(l -> assertThat(l.redirectHttps()).isEqualTo(443));
      assertThat(c.listeners()).as(name).anySatisfy(l -> assertThat(l.tls()).isNotNull());
    }
    var tls = imported("tls-hsts.conf").listeners().get(1);
    assertThat(tls.hstsSeconds()).isEqualTo(63072000L);
    assertThat(tls.tls().ciphers())
        .containsExactly("ECDHE-ECDSA-AES128-GCM-SHA256", "ECDHE-RSA-AES128-GCM-SHA256");
    assertThat(tls.tls().sessionTickets()).isFalse();
    // ssl_protocols TLSv1.1 TLSv1.2: the versions vxgate offers of those
    assertThat(imported("certbot.conf").listeners().get(0).tls().protocols())
        .containsExactly("TLSv1.2");
  }

  @Test
  void timeoutsAndBufferingOfOneLocationGoOnItsRoute() throws Exception {
    GatewayConfig c = imported("site-with-includes/nginx.conf");
    var export =
        c.routes().stream()
            .filter(r -> r.name().equals("shop.example.com-export"))
            .findFirst()
            .orElseThrow();
    assertThat(export.timeouts().response()).hasMinutes(10);
    assertThat(export.buffering().response()).isFalse();
    var root =
        c.routes().stream()
            .filter(r -> r.name().equals("shop.example.com-root"))
            .findFirst()
            .orElseThrow();
    assertThat(root.timeouts().response()).isNull();
    assertThat(c.upstreams().get("reports").timeouts().response()).hasMinutes(5);
  }

  @Test
  void redirectsAndFixedAnswers() throws Exception {
    GatewayConfig c = imported("redirects.conf");
    assertThat(ImportCorpus.decide(c, get("old.example.com", "/a?b=1")))
        .isEqualTo("redirect 301 https://new.example.com +path");
    assertThat(ImportCorpus.decide(c, get("www.example.com", "/a")))
        .isEqualTo("redirect 301 http://example.com +path");
    assertThat(ImportCorpus.decide(c, get("example.com", "/old-page")))
        .isEqualTo("redirect 301 /new-page");
    assertThat(ImportCorpus.decide(c, get("example.com", "/blog/x")))
        .isEqualTo("redirect 301 https://blog.example.com +path");
    assertThat(ImportCorpus.decide(c, get("example.com", "/gone"))).isEqualTo("return 410");
    assertThat(ImportCorpus.decide(c, get("example.com", "/store")))
        .isEqualTo("redirect 301 /store/");
    assertThat(ImportCorpus.decide(c, get("example.com", "/anything")))
        .isEqualTo("upstream 127.0.0.1-8000");
  }
}
