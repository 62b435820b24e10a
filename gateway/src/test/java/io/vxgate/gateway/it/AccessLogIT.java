package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vertx.core.http.WebSocket;
import io.vertx.core.http.WebSocketClient;
import io.vertx.core.json.JsonObject;
import io.vxgate.config.AccessLogConfig;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * The access log of a real node in front of real origins, line by line and field by field, in each
 * format: a proxied request, a parser's refusal, no route, a 502, a 504 and a WebSocket session.
 */
class AccessLogIT {
  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;

  private TestOrigin app;
  private TestOrigin slow;
  private int dead;

  /** A node with routes to a live origin, a closed port, a hanging origin and a WebSocket echo. */
  private Path start(String accessLog) throws IOException {
    app = h.origin("app");
    slow = h.origin("slow");
    slow.mode = TestOrigin.Mode.HANG;
    try (ServerSocket s = new ServerSocket(0)) {
      dead = s.getLocalPort();
    }
    Path log = dir.resolve("access.log");
    h.gateway(
        """
        %LISTENER%
        node: {id: gw-7}
        access-log: LOG
        upstreams:
          app: {servers: [{name: a1, address: APP}], retries: 0}
          dead: {servers: [{name: d1, address: 127.0.0.1:DEAD}], retries: 0}
          slow:
            servers: [{name: s1, address: SLOW}]
            retries: 0
            timeouts: {response: 300ms}
        routes:
          - {name: dead, match: {path-prefix: /dead}, upstream: dead}
          - {name: slow, match: {path-prefix: /slow}, upstream: slow}
          - {name: app, match: {path-prefix: /app}, upstream: app}
          - {name: ws, match: {path-prefix: /ws}, upstream: app}
        """
            .replace("LOG", accessLog.replace("FILE", log.toString()))
            .replace("APP", app.address())
            .replace("SLOW", slow.address())
            .replace("DEAD", Integer.toString(dead)));
    return log;
  }

  /** The six requests every format is checked with, in order. */
  /**
   * The six requests of every format's test, their lines written in this order: each waits for the
   * line of the one before where two event loops could race (the 400's connection closes as its
   * response is written, which lets the next request end on another loop before the 400 is logged).
   */
  private void traffic(Path log) throws Exception {
    assertThat(
            h.get("/app/x?q=1", "User-Agent", "probe/1.0", "Referer", "http://ref.test/")
                .statusCode())
        .isEqualTo(200);
    assertThat(h.raw("GET /app HTTP/1.1\r\nHost: a\r\nBad Header\r\n\r\n", Duration.ofSeconds(5)))
        .startsWith("HTTP/1.1 400");
    lines(log, 2);
    assertThat(h.get("/nowhere").statusCode()).isEqualTo(404);
    assertThat(h.get("/dead").statusCode()).isEqualTo(502);
    assertThat(h.get("/slow").statusCode()).isEqualTo(504);
    WebSocketClient client = h.vertx.createWebSocketClient();
    WebSocket ws = client.connect(h.port, "127.0.0.1", "/ws").await(10, TimeUnit.SECONDS);
    List<String> got = new java.util.concurrent.CopyOnWriteArrayList<>();
    ws.textMessageHandler(got::add);
    ws.writeTextMessage("hello").await(5, TimeUnit.SECONDS);
    await().atMost(Duration.ofSeconds(5)).until(() -> got.contains("hello"));
    ws.close().await(5, TimeUnit.SECONDS);
    client.close().await(5, TimeUnit.SECONDS);
  }

  private static List<String> lines(Path log, int n) {
    List<String> out = new ArrayList<>();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(
            () -> {
              out.clear();
              out.addAll(Files.readAllLines(log, StandardCharsets.UTF_8));
              assertThat(out).hasSize(n);
            });
    return out;
  }

  @Test
  void jsonHasEveryKeyOfEveryRequest() throws Exception {
    Path log = start("{format: json, file: FILE}");
    traffic(log);
    List<JsonObject> lines = lines(log, 6).stream().map(JsonObject::new).toList();
    for (JsonObject l : lines) {
      assertThat(new ArrayList<>(l.fieldNames())).isEqualTo(AccessLogConfig.FIELDS);
      assertThat(l.getString("node")).isEqualTo("gw-7");
      assertThat(l.getString("listener")).isEqualTo("web");
      assertThat(l.getString("client")).isEqualTo("127.0.0.1");
      assertThat(l.getString("time"))
          .matches("\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z");
      assertThat(l.getDouble("duration_ms")).isGreaterThanOrEqualTo(0.0);
      assertThat(l.getString("tls")).isNull();
    }

    JsonObject ok = lines.get(0);
    assertThat(ok.getString("method")).isEqualTo("GET");
    assertThat(ok.getString("path")).isEqualTo("/app/x");
    assertThat(ok.getString("query")).isEqualTo("q=1");
    assertThat(ok.getString("protocol")).isEqualTo("HTTP/1.1");
    assertThat(ok.getString("host")).isEqualTo("127.0.0.1:" + h.port);
    assertThat(ok.getInteger("status")).isEqualTo(200);
    assertThat(ok.getLong("bytes_in")).isZero();
    assertThat(ok.getLong("bytes_out")).isEqualTo(3); // "app"
    assertThat(ok.getString("route")).isEqualTo("app");
    assertThat(ok.getString("upstream")).isEqualTo("app");
    assertThat(ok.getString("server")).isEqualTo("a1");
    assertThat(ok.getInteger("upstream_status")).isEqualTo(200);
    assertThat(ok.getDouble("upstream_connect_ms")).isGreaterThanOrEqualTo(0.0);
    assertThat(ok.getDouble("upstream_response_ms")).isGreaterThanOrEqualTo(0.0);
    assertThat(ok.getInteger("retries")).isZero();
    assertThat(ok.getString("request_id")).matches("[0-9a-f]{32}");
    assertThat(ok.getString("termination")).isEqualTo("ok");
    assertThat(ok.getString("user_agent")).isEqualTo("probe/1.0");
    assertThat(ok.getString("referer")).isEqualTo("http://ref.test/");

    JsonObject bad = lines.get(1);
    assertThat(bad.getInteger("status")).isEqualTo(400);
    assertThat(bad.getString("termination")).isEqualTo("refused-bad-request");
    assertThat(bad.getString("method")).isNull();
    assertThat(bad.getString("path")).isNull();
    assertThat(bad.getString("route")).isNull();
    assertThat(bad.getInteger("retries")).isNull();
    assertThat(bad.getLong("bytes_out")).isEqualTo("400 Bad Request\n".length());

    JsonObject none = lines.get(2);
    assertThat(none.getInteger("status")).isEqualTo(404);
    assertThat(none.getString("termination")).isEqualTo("no-route");
    assertThat(none.getString("path")).isEqualTo("/nowhere");
    assertThat(none.getString("route")).isNull();
    assertThat(none.getString("upstream")).isNull();

    JsonObject refused = lines.get(3);
    assertThat(refused.getInteger("status")).isEqualTo(502);
    assertThat(refused.getString("termination")).isEqualTo("origin-connect-failed");
    assertThat(refused.getString("route")).isEqualTo("dead");
    assertThat(refused.getString("upstream")).isEqualTo("dead");
    assertThat(refused.getString("server")).isEqualTo("d1");
    assertThat(refused.getInteger("upstream_status")).isNull();
    assertThat(refused.getValue("upstream_connect_ms")).isNull();
    assertThat(refused.getValue("upstream_response_ms")).isNull();
    assertThat(refused.getInteger("retries")).isZero();

    JsonObject timedOut = lines.get(4);
    assertThat(timedOut.getInteger("status")).isEqualTo(504);
    assertThat(timedOut.getString("termination")).isEqualTo("origin-timeout");
    assertThat(timedOut.getString("server")).isEqualTo("s1");
    assertThat(timedOut.getDouble("upstream_connect_ms")).isGreaterThanOrEqualTo(0.0);
    assertThat(timedOut.getValue("upstream_response_ms")).isNull();
    assertThat(timedOut.getDouble("duration_ms")).isGreaterThanOrEqualTo(300.0);

    JsonObject ws = lines.get(5);
    assertThat(ws.getInteger("status")).isEqualTo(101);
    assertThat(ws.getString("route")).isEqualTo("ws");
    assertThat(ws.getInteger("upstream_status")).isEqualTo(101);
    // "hello" each way in WebSocket frames (masked from the client: 4 bytes more), and the closes
    assertThat(ws.getLong("bytes_in")).isGreaterThanOrEqualTo(11 + 6);
    assertThat(ws.getLong("bytes_out")).isGreaterThanOrEqualTo(7 + 2);
    assertThat(ws.getString("termination")).isIn("client-closed", "origin-closed");
  }

  @Test
  void combinedIsNginxsFieldByField() throws Exception {
    Path log = start("{format: combined, file: FILE}");
    traffic(log);
    Pattern combined =
        Pattern.compile(
            "(\\S+) - - \\[(\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d [+-]\\d{4})\\] \"([^\"]*)\""
                + " (\\d{3}) (\\d+) \"([^\"]*)\" \"([^\"]*)\"");
    List<String> lines = lines(log, 6);
    String[][] expected = {
      {"GET /app/x?q=1 HTTP/1.1", "200", "3", "http://ref.test/", "probe/1.0"},
      {"-", "400", "16", "-", "-"},
      {"GET /nowhere HTTP/1.1", "404", "14", "-", null},
      {"GET /dead HTTP/1.1", "502", "16", "-", null},
      {"GET /slow HTTP/1.1", "504", "20", "-", null},
      {"GET /ws HTTP/1.1", "101", null, "-", "-"},
    };
    for (int i = 0; i < 6; i++) {
      Matcher m = combined.matcher(lines.get(i));
      assertThat(m.matches()).as(lines.get(i)).isTrue();
      assertThat(m.group(1)).isEqualTo("127.0.0.1");
      assertThat(m.group(3)).isEqualTo(expected[i][0]);
      assertThat(m.group(4)).isEqualTo(expected[i][1]);
      if (expected[i][2] != null) {
        assertThat(m.group(5)).isEqualTo(expected[i][2]);
      }
      assertThat(m.group(6)).isEqualTo(expected[i][3]);
      if (expected[i][4] != null) {
        assertThat(m.group(7)).isEqualTo(expected[i][4]);
      }
    }
  }

  @Test
  void haproxyHasHttplogsFields() throws Exception {
    Path log = start("{format: haproxy, file: FILE}");
    traffic(log);
    Pattern httplog =
        Pattern.compile(
            "127\\.0\\.0\\.1:(\\d+) \\[\\d\\d/\\w{3}/\\d{4}:\\d\\d:\\d\\d:\\d\\d\\.\\d{3}\\] web"
                + " (\\S+)/(\\S+) (-?\\d+)/(-?\\d+)/(-?\\d+)/(-?\\d+)/(\\d+) (-?\\d+) (\\d+) - -"
                + " (\\S+) -/-/-/-/(\\d+) -/- \"([^\"]*)\"");
    List<String> lines = lines(log, 6);
    String[][] expected = {
      {"app", "a1", "200", "ok", "GET /app/x?q=1 HTTP/1.1"},
      {"-", "<NOSRV>", "400", "refused-bad-request", "-"},
      {"-", "<NOSRV>", "404", "no-route", "GET /nowhere HTTP/1.1"},
      {"dead", "d1", "502", "origin-connect-failed", "GET /dead HTTP/1.1"},
      {"slow", "s1", "504", "origin-timeout", "GET /slow HTTP/1.1"},
      {"app", "a1", "101", null, "GET /ws HTTP/1.1"},
    };
    for (int i = 0; i < 6; i++) {
      Matcher m = httplog.matcher(lines.get(i));
      assertThat(m.matches()).as(lines.get(i)).isTrue();
      assertThat(m.group(2)).isEqualTo(expected[i][0]);
      assertThat(m.group(3)).isEqualTo(expected[i][1]);
      assertThat(m.group(9)).isEqualTo(expected[i][2]);
      if (expected[i][3] != null) {
        assertThat(m.group(11)).isEqualTo(expected[i][3]);
      }
      assertThat(m.group(12)).isEqualTo("0");
      assertThat(m.group(13)).isEqualTo(expected[i][4]);
      long tq = Long.parseLong(m.group(4));
      long tw = Long.parseLong(m.group(5));
      long tc = Long.parseLong(m.group(6));
      long tr = Long.parseLong(m.group(7));
      long ta = Long.parseLong(m.group(8));
      assertThat(tq).isGreaterThanOrEqualTo(0);
      assertThat(ta).isGreaterThanOrEqualTo(Math.max(0, tq));
      // a refused request reached no server; a connect failure had no connection
      assertThat(tw >= 0).isEqualTo(i == 0 || i >= 4);
      assertThat(tc >= 0).isEqualTo(i == 0 || i >= 4);
      assertThat(tr >= 0).isEqualTo(i == 0 || i == 5);
    }
    assertThat(Long.parseLong(lines.get(4).split(" ")[4].split("/")[4]))
        .isGreaterThanOrEqualTo(300);
  }

  @Test
  void customWritesTheTemplate() throws Exception {
    Path log =
        start(
            "{format: custom, file: FILE, custom: '$client $method $path $status $termination"
                + " $upstream/$server \"$user_agent\"'}");
    traffic(log);
    assertThat(lines(log, 6))
        .containsExactly(
            "127.0.0.1 GET /app/x 200 ok app/a1 \"probe/1.0\"",
            "127.0.0.1 - - 400 refused-bad-request -/- \"-\"",
            "127.0.0.1 GET /nowhere 404 no-route -/- \"" + javaAgent() + "\"",
            "127.0.0.1 GET /dead 502 origin-connect-failed dead/d1 \"" + javaAgent() + "\"",
            "127.0.0.1 GET /slow 504 origin-timeout slow/s1 \"" + javaAgent() + "\"",
            lines(log, 6).get(5));
    assertThat(lines(log, 6).get(5)).matches("127\\.0\\.0\\.1 GET /ws 101 \\S+-closed app/a1 .*");
  }

  @Test
  void aHeadTooLargeAndASlowHeadHaveTheirLines() throws Exception {
    Path log = start("{format: json, file: FILE}");
    String big = "GET /app HTTP/1.1\r\nHost: a\r\nX-Big: " + "x".repeat(20_000) + "\r\n\r\n";
    assertThat(h.raw(big, Duration.ofSeconds(5))).startsWith("HTTP/1.1 431");
    // the listener's request-header-timeout is 1s (Harness)
    assertThat(h.raw("GET /app HTTP/1.1\r\nHost: a\r\n", Duration.ofSeconds(10)))
        .startsWith("HTTP/1.1 408");
    List<JsonObject> lines = lines(log, 2).stream().map(JsonObject::new).toList();
    assertThat(lines.get(0).getInteger("status")).isEqualTo(431);
    assertThat(lines.get(0).getString("termination")).isEqualTo("refused-too-large");
    assertThat(lines.get(1).getInteger("status")).isEqualTo(408);
    assertThat(lines.get(1).getString("termination")).isEqualTo("client-timeout");
    assertThat(lines.get(1).getDouble("duration_ms")).isGreaterThanOrEqualTo(900.0);
  }

  @Test
  void everyHttp2StreamHasItsLineWithTheTlsProtocol() throws Exception {
    io.vertx.core.net.SelfSignedCertificate cert =
        io.vertx.core.net.SelfSignedCertificate.create("a.test");
    TestOrigin o = h.origin("o");
    Path log = dir.resolve("h2.log");
    h.gateway(
        """
        listeners:
          - name: web
            bind: 127.0.0.1:0
            tls: {certificates: [{cert: "CERT", key: "KEY"}]}
        access-log: {format: json, file: LOG}
        upstreams: {app: {servers: [{name: o1, address: ORIGIN}]}}
        routes: [{name: app, upstream: app}]
        """
            .replace("CERT", cert.certificatePath())
            .replace("KEY", cert.privateKeyPath())
            .replace("LOG", log.toString())
            .replace("ORIGIN", o.address()));
    java.net.http.HttpClient h2 =
        java.net.http.HttpClient.newBuilder()
            .version(java.net.http.HttpClient.Version.HTTP_2)
            .sslContext(TlsIT.trustAll())
            .connectTimeout(Duration.ofSeconds(5))
            .build();
    for (int i = 0; i < 3; i++) {
      java.net.http.HttpResponse<String> r =
          h2.send(
              java.net.http.HttpRequest.newBuilder(
                      java.net.URI.create("https://127.0.0.1:" + h.port + "/s" + i))
                  .build(),
              java.net.http.HttpResponse.BodyHandlers.ofString());
      assertThat(r.version()).isEqualTo(java.net.http.HttpClient.Version.HTTP_2);
    }
    List<JsonObject> lines = lines(log, 3).stream().map(JsonObject::new).toList();
    for (int i = 0; i < 3; i++) {
      JsonObject l = lines.get(i);
      assertThat(l.getString("path")).isEqualTo("/s" + i);
      assertThat(l.getString("protocol")).isEqualTo("HTTP/2.0");
      assertThat(l.getString("tls")).startsWith("TLSv1.");
      assertThat(l.getInteger("status")).isEqualTo(200);
      assertThat(l.getString("host")).isEqualTo("127.0.0.1:" + h.port);
      assertThat(l.getString("termination")).isEqualTo("ok");
    }
  }

  private static String javaAgent() {
    return "Java-http-client/" + System.getProperty("java.version");
  }

  static String read(Path p) {
    try {
      return Files.readString(p);
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
