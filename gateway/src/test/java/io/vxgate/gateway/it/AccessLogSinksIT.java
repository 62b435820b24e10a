package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.vxgate.gateway.accesslog.AccessLog;
import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.DatagramPacket;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

/**
 * Where access lines go and what happens when they cannot: a syslog server over UDP (RFC 5424), a
 * destination that blocks (lines dropped and counted, serving goes on), a full disk (lines lost,
 * counted and logged once, serving goes on).
 */
class AccessLogSinksIT {
  @RegisterExtension final Harness h = new Harness();
  @TempDir Path dir;

  /** RFC 5424: PRI VERSION TIMESTAMP HOSTNAME APP-NAME PROCID MSGID STRUCTURED-DATA MSG. */
  private static final Pattern RFC5424 =
      Pattern.compile(
          "<(\\d{1,3})>1 (\\d{4}-\\d\\d-\\d\\dT\\d\\d:\\d\\d:\\d\\d\\.\\d{3}Z) (\\S+) (\\S+)"
              + " (\\d+) (\\S+) (-|\\[.*\\]) (.*)");

  private void gateway(String accessLog) {
    TestOrigin o = h.origin("o");
    h.gateway(
        """
        %LISTENER%
        node: {id: gw-s}
        access-log: LOG
        upstreams: {app: {servers: [{name: o1, address: O}]}}
        routes: [{name: app, upstream: app}]
        """
            .replace("LOG", accessLog)
            .replace("O", o.address()));
  }

  @Test
  void syslogGetsOneRfc5424DatagramPerRequest() throws Exception {
    try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
      udp.setSoTimeout(10_000);
      gateway("{format: json, syslog: \"127.0.0.1:" + udp.getLocalPort() + "\"}");
      assertThat(h.get("/one").statusCode()).isEqualTo(200);
      assertThat(h.get("/two").statusCode()).isEqualTo(200);
      List<String> messages = new ArrayList<>();
      byte[] buf = new byte[65536];
      while (messages.size() < 2) {
        DatagramPacket p = new DatagramPacket(buf, buf.length);
        udp.receive(p);
        messages.add(new String(p.getData(), 0, p.getLength(), StandardCharsets.UTF_8));
      }
      for (int i = 0; i < 2; i++) {
        Matcher m = RFC5424.matcher(messages.get(i));
        assertThat(m.matches()).as(messages.get(i)).isTrue();
        assertThat(m.group(1)).isEqualTo("134"); // local0 (16) * 8 + info (6)
        assertThat(m.group(3)).isEqualTo("gw-s");
        assertThat(m.group(4)).isEqualTo("vxgate");
        assertThat(Long.parseLong(m.group(5))).isEqualTo(ProcessHandle.current().pid());
        assertThat(m.group(6)).isEqualTo("access");
        assertThat(m.group(7)).isEqualTo("-");
        io.vertx.core.json.JsonObject line = new io.vertx.core.json.JsonObject(m.group(8));
        assertThat(line.getString("path")).isEqualTo(i == 0 ? "/one" : "/two");
        assertThat(line.getString("time")).isEqualTo(m.group(2));
      }
    }
  }

  @Test
  void aBlockedDestinationDropsAndCountsWhatTheQueueCannotHold() throws Exception {
    Path fifo = dir.resolve("fifo");
    assertThat(new ProcessBuilder("mkfifo", fifo.toString()).start().waitFor()).isZero();
    // Nobody reads the FIFO yet: the writer blocks opening it, and the queue (16) fills.
    gateway("{format: combined, file: " + fifo + ", queue: 16}");
    int n = 100;
    for (int i = 0; i < n; i++) {
      assertThat(h.get("/r" + i).statusCode()).isEqualTo(200);
    }
    AccessLog log = h.node.accessLog();
    assertThat(log.dropped()).isGreaterThanOrEqualTo(n - 16 - 1);
    List<String> lines = new java.util.concurrent.CopyOnWriteArrayList<>();
    Thread reader =
        new Thread(
            () -> {
              try (BufferedReader r =
                  new BufferedReader(
                      new InputStreamReader(
                          new java.io.FileInputStream(fifo.toFile()), StandardCharsets.UTF_8))) {
                String l;
                while ((l = r.readLine()) != null) {
                  lines.add(l);
                }
              } catch (IOException e) {
                // the node closed its end
              }
            });
    reader.setDaemon(true);
    reader.start();
    await()
        .atMost(Duration.ofSeconds(10))
        .untilAsserted(() -> assertThat(lines.size() + log.dropped()).isEqualTo(n));
    assertThat(lines).allMatch(l -> l.contains("\"GET /r"));
    assertThat(log.written()).isEqualTo(lines.size());
  }

  @Test
  void aFullDiskLosesLinesCountsThemAndServingGoesOn() throws Exception {
    ch.qos.logback.classic.Logger logger =
        (ch.qos.logback.classic.Logger) org.slf4j.LoggerFactory.getLogger(AccessLog.class);
    ch.qos.logback.core.read.ListAppender<ch.qos.logback.classic.spi.ILoggingEvent> events =
        new ch.qos.logback.core.read.ListAppender<>();
    events.start();
    logger.addAppender(events);
    gateway("{format: json, file: /dev/full}");
    for (int i = 0; i < 20; i++) {
      assertThat(h.get("/r" + i).statusCode()).isEqualTo(200);
      Thread.sleep(5); // a few batches, not one
    }
    AccessLog log = h.node.accessLog();
    await().atMost(Duration.ofSeconds(10)).until(() -> log.failed() == 20);
    assertThat(log.written()).isZero();
    assertThat(log.dropped()).isZero();
    logger.detachAppender(events);
    // logged once, although logback reopens the file and fails again
    assertThat(events.list)
        .extracting(e -> e.getLevel() + " " + e.getFormattedMessage())
        .containsExactly("WARN access log lines are lost");
  }

  static boolean timedOut(DatagramSocket s) throws IOException {
    try {
      s.receive(new DatagramPacket(new byte[1], 1));
      return false;
    } catch (SocketTimeoutException e) {
      return true;
    }
  }
}
