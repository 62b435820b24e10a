package io.vxgate.admin;

import static io.vxgate.admin.AdminIT.TOKEN;
import static io.vxgate.admin.AdminIT.api;
import static io.vxgate.admin.AdminIT.freePort;
import static io.vxgate.admin.AdminIT.get;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.Vertx;
import io.vertx.core.VertxOptions;
import io.vertx.core.json.JsonObject;
import io.vxgate.cluster.AdminState;
import io.vxgate.cluster.ServerId;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.ConfigOverrides;
import io.vxgate.config.GatewayConfig;
import io.vxgate.gateway.node.ClusteredNode;
import io.vxgate.util.Ticker;
import java.io.File;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.time.Duration;
import java.util.List;
import java.util.UUID;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser: Debian's {@code chromium} driven through {@code
 * chromedriver} (both installed by {@code bin/test}; without them this test fails, it does not
 * skip). Two gateway nodes in two datacenters with the admin API, one origin each behind upstreams
 * {@code a} and {@code b}. The test types the token into the page's header field, waits for the
 * members (with live {@code stats} from {@code /api/events}) and the servers, clicks "drain" on
 * server {@code a/a1}, and checks the page, the API of the other node and the traffic. It leaves a
 * 1280x800 screenshot in {@code admin/target/dashboard.png}; {@code docs/dashboard.png} is a copy.
 */
class DashboardBrowserIT {
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(30);

  static Vertx origins;
  static ClusteredNode a;
  static ClusteredNode b;
  static int adminA;
  static int adminB;

  ChromeDriverService service;
  ChromeDriver browser;

  @BeforeAll
  static void start() {
    origins = Vertx.vertx();
    int originA =
        origins
            .createHttpServer()
            .requestHandler(r -> r.response().end("origin-a"))
            .listen(0, "127.0.0.1")
            .await()
            .actualPort();
    int originB =
        origins
            .createHttpServer()
            .requestHandler(r -> r.response().end("origin-b"))
            .listen(0, "127.0.0.1")
            .await()
            .actualPort();
    String name = "dashboard-it-" + UUID.randomUUID();
    int hzA = freePort();
    int hzB = freePort();
    adminA = freePort();
    adminB = freePort();
    a = node("gw-a", "eu-west", name, hzA, List.of(hzA, hzB), adminA, originA, originB);
    b = node("gw-b", "us-east", name, hzB, List.of(hzA, hzB), adminB, originA, originB);
    await()
        .atMost(WAIT)
        .until(
            () ->
                a.cluster().membership().members().size() == 2
                    && b.cluster().membership().members().size() == 2);
    await().atMost(WAIT).until(() -> get(b, "/").equals("origin-a"));
  }

  static ClusteredNode node(
      String id,
      String dc,
      String cluster,
      int hz,
      List<Integer> members,
      int admin,
      int originA,
      int originB) {
    String yaml =
        """
        node: {id: %s, datacenter: %s}
        cluster: {name: %s, bind: 127.0.0.1:%d, members: [%s]}
        listeners: [{name: web, bind: 127.0.0.1:0}]
        admin: {bind: 127.0.0.1:%d, token: %s}
        upstreams:
          a: {servers: [{name: a1, address: 127.0.0.1:%d}]}
          b: {servers: [{name: b1, address: 127.0.0.1:%d}]}
        routes:
          - {name: default, upstream: a}
        """
            .formatted(
                id,
                dc,
                cluster,
                hz,
                String.join(", ", members.stream().map(p -> "127.0.0.1:" + p).toList()),
                admin,
                TOKEN,
                originA,
                originB);
    GatewayConfig config =
        ConfigLoader.parse(yaml, id + ".yaml", Path.of("."), ConfigOverrides.none());
    ClusteredNode n =
        ClusteredNode.join(config, new VertxOptions().setEventLoopPoolSize(2)).await();
    return n.start(true, false, Ticker.system(), 1).await();
  }

  @AfterAll
  static void stop() {
    for (Runnable r :
        List.<Runnable>of(
            () -> b.stop(Duration.ZERO).await(),
            () -> a.stop(Duration.ZERO).await(),
            () -> origins.close().await())) {
      try {
        r.run();
      } catch (RuntimeException ignored) {
        // best effort
      }
    }
  }

  @BeforeEach
  void openBrowser(@TempDir Path profile) throws IOException {
    assertThat(CHROMIUM.canExecute())
        .as(
            "%s is missing: install Debian's chromium and chromium-driver (bin/test does)",
            CHROMIUM)
        .isTrue();
    assertThat(CHROMEDRIVER.canExecute())
        .as(
            "%s is missing: install Debian's chromium and chromium-driver (bin/test does)",
            CHROMEDRIVER)
        .isTrue();
    // An explicit driver and binary: Selenium Manager has nothing to look up or download.
    service =
        new ChromeDriverService.Builder()
            .usingDriverExecutable(CHROMEDRIVER)
            .usingAnyFreePort()
            .build();
    ChromeOptions options = new ChromeOptions();
    options.setBinary(CHROMIUM);
    options.addArguments(
        "--headless=new",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-dev-shm-usage",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--no-first-run",
        "--window-size=1280,800",
        "--user-data-dir=" + profile.toAbsolutePath());
    browser = new ChromeDriver(service, options);
  }

  @AfterEach
  void closeBrowser() {
    if (browser != null) {
      browser.quit();
    }
    if (service != null) {
      service.stop();
    }
  }

  @Test
  void drainFromTheDashboardSteersTraffic() throws IOException {
    browser.get("http://127.0.0.1:" + adminA + "/");
    // the page re-renders its tables on every event and refresh: found elements go stale
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    // without a token the API refuses; the page says so
    wait.until(d -> d.findElement(By.id("status")).getAttribute("class").equals("bad"));

    // the page takes the token from its header field (change event -> session storage)
    browser.findElement(By.id("token")).sendKeys(TOKEN, Keys.TAB);
    wait.until(d -> d.findElement(By.id("status")).getText().equals("live"));

    // members by datacenter, with readiness from the live stats events of both nodes
    wait.until(
        d ->
            d.findElements(By.xpath("//div[@id='members']//h3")).stream()
                .map(WebElement::getText)
                .toList()
                .equals(List.of("datacenter eu-west", "datacenter us-east")));
    wait.until(
        d -> memberCell(d, "gw-a", 3).equals("yes") && memberCell(d, "gw-b", 3).equals("yes"));
    assertThat(browser.findElement(By.id("size")).getText()).isEqualTo("2");
    assertThat(browser.findElement(By.id("node")).getText()).isEqualTo("gw-a");

    // upstreams and servers
    wait.until(
        d ->
            d.findElements(By.xpath("//div[@id='upstreams']//h3")).stream()
                .map(WebElement::getText)
                .toList()
                .equals(List.of("upstream a", "upstream b")));
    assertThat(serverState("a1")).isEqualTo("enabled");
    assertThat(serverState("b1")).isEqualTo("enabled");
    wait.until(d -> serverButton("a1", "drain").isEnabled());

    click(wait, "a1", "drain");

    // the page shows it (after the API call and the config event) ...
    wait.until(d -> serverState("a1").equals("drain"));
    wait.until(d -> !serverButton("a1", "drain").isEnabled());
    assertThat(serverState("b1")).isEqualTo("enabled");
    wait.until(d -> browser.findElement(By.id("log")).getText().contains("drain a/a1: version"));
    // ... the API of the other node agrees ...
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonObject a1 =
                  api(adminB, "GET", "/api/health", null, TOKEN)
                      .body()
                      .getJsonArray("servers")
                      .stream()
                      .map(JsonObject.class::cast)
                      .filter(s -> s.getString("server").equals("a1"))
                      .findFirst()
                      .orElseThrow();
              assertThat(a1.getString("state")).isEqualTo("drain");
            });
    assertThat(
            api(adminA, "GET", "/api/config", null, TOKEN)
                .body()
                .getJsonObject("config")
                .getJsonObject("server-states")
                .encode())
        .isEqualTo("{\"a\":{\"a1\":\"drain\"}}");
    // ... and the traffic moved: a's only server takes no new requests on either node
    await()
        .atMost(WAIT)
        .until(
            () ->
                b.gateway().health().state(new ServerId("a", "a1")).adminState()
                    == AdminState.DRAIN);
    await()
        .atMost(WAIT)
        .until(() -> get(a, "/").equals("status 503") && get(b, "/").equals("status 503"));

    // let the next stats events fill the rates, then keep the picture
    wait.until(d -> !memberCell(d, "gw-a", 5).equals("?") && !memberCell(d, "gw-b", 5).equals("?"));
    Path shot = Path.of("target", "dashboard.png");
    Files.createDirectories(shot.getParent());
    Files.copy(
        browser.getScreenshotAs(OutputType.FILE).toPath(),
        shot,
        StandardCopyOption.REPLACE_EXISTING);
    assertThat(Files.size(shot)).isPositive();

    // enable again from the page
    click(wait, "a1", "enable");
    wait.until(d -> serverState("a1").equals("enabled"));
    await().atMost(WAIT).until(() -> get(b, "/").equals("origin-a"));
  }

  /** Cell {@code col} (0-based) of member {@code id}'s row: 3 is "ready", 5 "req/s". */
  static String memberCell(org.openqa.selenium.WebDriver d, String id, int col) {
    List<WebElement> cells =
        d.findElements(By.xpath("//div[@id='members']//tr[td[1]='" + id + "']/td"));
    return cells.size() > col ? cells.get(col).getText() : "";
  }

  String serverState(String server) {
    for (int i = 0; ; i++) {
      try {
        List<WebElement> cells =
            browser.findElements(
                By.xpath("//div[@id='upstreams']//tr[td[1]='" + server + "']/td[3]/span"));
        return cells.isEmpty() ? "" : cells.get(0).getText();
      } catch (StaleElementReferenceException e) {
        if (i == 5) {
          throw e;
        }
      }
    }
  }

  void click(WebDriverWait wait, String server, String verb) {
    wait.until(
        d -> {
          serverButton(server, verb).click();
          return true;
        });
  }

  WebElement serverButton(String server, String verb) {
    return browser.findElement(
        By.xpath(
            "//div[@id='upstreams']//tr[td[1]='" + server + "']//button[text()='" + verb + "']"));
  }
}
