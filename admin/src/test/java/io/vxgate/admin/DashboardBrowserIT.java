package io.vxgate.admin;

import static io.vxgate.admin.AdminIT.TOKEN;
import static io.vxgate.admin.AdminIT.api;
import static io.vxgate.admin.AdminIT.freePort;
import static io.vxgate.admin.AdminIT.get;
import static io.vxgate.admin.AdminIT.healthServer;
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
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.LockSupport;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.openqa.selenium.By;
import org.openqa.selenium.Dimension;
import org.openqa.selenium.Keys;
import org.openqa.selenium.OutputType;
import org.openqa.selenium.StaleElementReferenceException;
import org.openqa.selenium.WebDriver;
import org.openqa.selenium.WebElement;
import org.openqa.selenium.chrome.ChromeDriver;
import org.openqa.selenium.chrome.ChromeDriverService;
import org.openqa.selenium.chrome.ChromeOptions;
import org.openqa.selenium.support.ui.WebDriverWait;

/**
 * The dashboard in a real headless browser: Debian's {@code chromium} driven through {@code
 * chromedriver} (both installed by {@code bin/test}; without them this test fails, it does not
 * skip). Three gateway nodes in two datacenters with the admin API, one origin each behind
 * upstreams {@code a} and {@code b}. One test types the token into the page's header field, waits
 * for the members (with live {@code stats} from {@code /api/events}) and the servers, clicks
 * "drain" on server {@code a/a1}, and checks the page (state, and the reason column for every
 * node), the API of the other node and the traffic; then "disable" and "enable", with the reason
 * following. The other checks the traffic chart: a series per member, and lines that leave zero
 * with traffic and with errors through one node. It leaves a 1280x1000 screenshot in {@code
 * admin/target/dashboard.png}; {@code docs/dashboard.png} is a copy.
 */
class DashboardBrowserIT {
  static final File CHROMIUM = new File("/usr/bin/chromium");
  static final File CHROMEDRIVER = new File("/usr/bin/chromedriver");
  static final Duration WAIT = Duration.ofSeconds(30);

  static Vertx origins;
  static ClusteredNode a;
  static ClusteredNode b;
  static ClusteredNode c;
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
    int hzC = freePort();
    adminA = freePort();
    adminB = freePort();
    List<Integer> hz = List.of(hzA, hzB, hzC);
    a = node("gw-a", "eu-west", name, hzA, hz, adminA, originA, originB);
    b = node("gw-b", "us-east", name, hzB, hz, adminB, originA, originB);
    c = node("gw-c", "eu-west", name, hzC, hz, freePort(), originA, originB);
    await()
        .atMost(WAIT)
        .until(
            () ->
                List.of(a, b, c).stream()
                    .allMatch(n -> n.cluster().membership().members().size() == 3));
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
            () -> c.stop(Duration.ZERO).await(),
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
    assertThat(browser.findElement(By.id("size")).getText()).isEqualTo("3");
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
    // the reason column says why, for both nodes (gw-b's view comes with its stats events)
    wait.until(d -> serverReason("a1").equals("drained by an operator"));
    assertThat(serverReason("b1")).isEqualTo("healthy");
    wait.until(d -> browser.findElement(By.id("log")).getText().contains("drain a/a1: version"));
    // ... the API of the other node agrees ...
    await()
        .atMost(WAIT)
        .untilAsserted(
            () -> {
              JsonObject a1 =
                  healthServer(api(adminB, "GET", "/api/health", null, TOKEN).body(), "a1");
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

    // the next stats events fill the rates
    wait.until(d -> !memberCell(d, "gw-a", 5).equals("?") && !memberCell(d, "gw-b", 5).equals("?"));

    // disable from the page: the reason follows
    click(wait, "a1", "disable");
    wait.until(d -> serverState("a1").equals("disabled"));
    wait.until(d -> serverReason("a1").equals("disabled by an operator"));

    // enable again from the page
    click(wait, "a1", "enable");
    wait.until(d -> serverState("a1").equals("enabled"));
    wait.until(d -> serverReason("a1").equals("healthy"));
    await().atMost(WAIT).until(() -> get(b, "/").equals("origin-a"));
  }

  @Test
  void theTrafficChartHasASeriesPerMemberAndMovesWithTraffic() throws Exception {
    browser.manage().window().setSize(new Dimension(1280, 1000));
    browser.get("http://127.0.0.1:" + adminA + "/");
    WebDriverWait wait = new WebDriverWait(browser, WAIT);
    wait.ignoring(StaleElementReferenceException.class);
    browser.findElement(By.id("token")).sendKeys(TOKEN, Keys.TAB);
    wait.until(d -> d.findElement(By.id("status")).getText().equals("live"));

    // a series per member in both figures, each with points (its history read through
    // /api/nodes/ID/api/stats, then the live stats events)
    for (String chart : List.of("chart-rps", "chart-eps")) {
      wait.until(
          d ->
              series(d, chart).stream()
                      .map(e -> e.getAttribute("data-node"))
                      .toList()
                      .equals(List.of("gw-a", "gw-b", "gw-c"))
                  && series(d, chart).stream().allMatch(e -> e.getAttribute("d").startsWith("M")));
    }
    assertThat(browser.findElement(By.id("legend")).getText()).contains("gw-a", "gw-b", "gw-c");

    // traffic through gw-b only: its requests line leaves zero, gw-c's (which gets none) stays
    AtomicBoolean going = new AtomicBoolean(true);
    Thread load =
        new Thread(
            () -> {
              while (going.get()) {
                try {
                  get(b, "/");
                } catch (RuntimeException e) {
                  // a failed request is a request too; the load goes on
                }
                LockSupport.parkNanos(Duration.ofMillis(20).toNanos());
              }
            },
            "dashboard-load");
    load.start();
    try {
      // (the page redraws every 2 s: the checks run inside waits, which retry a stale element)
      wait.until(
          d ->
              last(d, "chart-rps", "gw-b") >= 2
                  && aboveZero(d, "chart-rps", "gw-b")
                  && last(d, "chart-rps", "gw-c") == 0
                  && !aboveZero(d, "chart-rps", "gw-c")
                  && last(d, "chart-eps", "gw-b") == 0);

      // with a's only server drained, gw-b's requests get 503: its errors line leaves zero
      assertThat(api(adminA, "POST", "/api/upstreams/a/servers/a1/drain", null, TOKEN).status())
          .isEqualTo(200);
      wait.until(
          d ->
              last(d, "chart-eps", "gw-b") >= 2
                  && aboveZero(d, "chart-eps", "gw-b")
                  && last(d, "chart-eps", "gw-c") == 0);

      Path shot = Path.of("target", "dashboard.png");
      Files.createDirectories(shot.getParent());
      Files.copy(
          browser.getScreenshotAs(OutputType.FILE).toPath(),
          shot,
          StandardCopyOption.REPLACE_EXISTING);
      assertThat(Files.size(shot)).isPositive();
    } finally {
      going.set(false);
      load.join();
      api(adminA, "POST", "/api/upstreams/a/servers/a1/enable", null, TOKEN);
    }
    await().atMost(WAIT).until(() -> get(b, "/").equals("origin-a"));
  }

  static List<WebElement> series(WebDriver d, String chart) {
    return d.findElements(By.cssSelector("#" + chart + " path.series"));
  }

  static WebElement series(WebDriver d, String chart, String node) {
    return d.findElement(By.cssSelector("#" + chart + " path.series[data-node='" + node + "']"));
  }

  /** The value of {@code node}'s latest point in {@code chart}. */
  static double last(WebDriver d, String chart, String node) {
    return Double.parseDouble(series(d, chart, node).getAttribute("data-last"));
  }

  /** Whether {@code node}'s line in {@code chart} ends above the chart's zero line. */
  static boolean aboveZero(WebDriver d, String chart, String node) {
    String[] xy = series(d, chart, node).getAttribute("d").trim().split("[ML ]+");
    double y = Double.parseDouble(xy[xy.length - 1]);
    double zero = Double.parseDouble(d.findElement(By.id(chart)).getAttribute("data-y0"));
    return y < zero - 1;
  }

  /** Cell {@code col} (0-based) of member {@code id}'s row: 3 is "ready", 5 "req/s". */
  static String memberCell(org.openqa.selenium.WebDriver d, String id, int col) {
    List<WebElement> cells =
        d.findElements(By.xpath("//div[@id='members']//tr[td[1]='" + id + "']/td"));
    return cells.size() > col ? cells.get(col).getText() : "";
  }

  String serverState(String server) {
    return serverCell(server, 3);
  }

  /** The "reason" column: why the server is out, per node (one text when the nodes agree). */
  String serverReason(String server) {
    return serverCell(server, 7);
  }

  /** The text of the span in cell {@code col} (1-based) of {@code server}'s row. */
  String serverCell(String server, int col) {
    for (int i = 0; ; i++) {
      try {
        List<WebElement> cells =
            browser.findElements(
                By.xpath(
                    "//div[@id='upstreams']//tr[td[1]='" + server + "']/td[" + col + "]/span"));
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
