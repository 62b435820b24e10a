package io.vxgate.admin;

import static io.vxgate.admin.AdminIT.TOKEN;
import static io.vxgate.admin.AdminIT.api;
import static io.vxgate.admin.AdminIT.ctl;
import static io.vxgate.admin.AdminIT.freePort;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.Epoll;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.unix.DomainDatagramPacket;
import io.netty.channel.unix.DomainSocketAddress;
import io.vertx.core.Vertx;
import io.vxgate.admin.AdminIT.Run;
import io.vxgate.testing.FixedOrigin;
import io.vxgate.testing.NodeProcess;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.UUID;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * {@code vxgatectl upgrade} against a node JVM (docs/operations.md, "Upgrading without downtime"):
 * the node starts a new process of itself with {@code --takeover}, which takes its sockets and its
 * admin address and tells systemd ({@code $NOTIFY_SOCKET}, here a datagram socket of this test)
 * that it is the main process; the old process drains and exits 0.
 */
class UpgradeIT {
  @TempDir Path dir;
  private Process old;
  private long successor = -1;
  private Vertx origins;
  private EventLoopGroup group;

  @AfterEach
  void stop() {
    if (old != null) {
      old.destroyForcibly();
    }
    if (successor > 0) {
      ProcessHandle.of(successor).ifPresent(ProcessHandle::destroyForcibly);
    }
    if (origins != null) {
      origins.close().await();
    }
    if (group != null) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
    }
  }

  @Test
  void upgradeStartsASuccessorThatTakesOverAndBecomesTheMainProcess() throws Exception {
    Assumptions.assumeTrue(Epoll.isAvailable(), "the takeover needs Linux epoll");
    origins = Vertx.vertx();
    int origin = FixedOrigin.start(origins, "origin");
    Queue<String> notified = new ConcurrentLinkedQueue<>();
    Path notify = dir.resolve("notify.sock");
    group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    new Bootstrap()
        .group(group)
        .channel(EpollDomainDatagramChannel.class)
        .handler(
            new SimpleChannelInboundHandler<DomainDatagramPacket>() {
              @Override
              protected void channelRead0(ChannelHandlerContext ctx, DomainDatagramPacket p) {
                notified.add(p.content().toString(StandardCharsets.UTF_8));
              }
            })
        .bind(new DomainSocketAddress(notify.toString()))
        .sync();
    int web = freePort();
    int admin = freePort();
    String id = "up-" + UUID.randomUUID().toString().substring(0, 8);
    Path file = dir.resolve("gw.yaml");
    Files.writeString(
        file,
        """
        node: {id: %s}
        listeners: [{name: web, bind: 127.0.0.1:%d}]
        admin: {bind: 127.0.0.1:%d, token: %s}
        upstreams:
          app: {servers: [{name: s1, address: 127.0.0.1:%d}]}
        routes: [{name: default, upstream: app}]
        """
            .formatted(id, web, admin, TOKEN, origin));
    old =
        NodeProcess.launch(
            file, dir.resolve("gw.log"), List.of(), Map.of("NOTIFY_SOCKET", notify.toString()));
    await()
        .atMost(Duration.ofSeconds(60))
        .pollInterval(Duration.ofMillis(500))
        .until(() -> ready(admin));

    Run up = ctl("--admin", "http://127.0.0.1:" + admin, "upgrade");
    assertThat(up.code()).as(up.toString()).isZero();
    Matcher m = Pattern.compile("started process (\\d+)").matcher(up.out());
    assertThat(m.find()).as(up.out()).isTrue();
    successor = Long.parseLong(m.group(1));

    assertThat(old.waitFor(90, TimeUnit.SECONDS)).as("the old process drains and exits").isTrue();
    assertThat(old.exitValue()).isZero();
    try {
      await()
          .atMost(Duration.ofSeconds(30))
          .until(() -> notified.contains("MAINPID=" + successor + "\nREADY=1\n"));
    } catch (org.awaitility.core.ConditionTimeoutException e) {
      throw new AssertionError(
          "notified: " + notified + "\n" + Files.readString(dir.resolve("gw.log")), e);
    }
    assertThat(ProcessHandle.of(successor).map(ProcessHandle::isAlive)).contains(true);
    await().atMost(Duration.ofSeconds(30)).until(() -> ready(admin));
    assertThat(
            AdminIT.http
                .send(
                    java.net.http.HttpRequest.newBuilder(
                            java.net.URI.create("http://127.0.0.1:" + web + "/"))
                        .build(),
                    java.net.http.HttpResponse.BodyHandlers.ofString())
                .body())
        .isEqualTo("origin");
  }

  private static boolean ready(int admin) {
    try {
      return api(admin, "GET", "/health/ready", null, TOKEN).status() == 200;
    } catch (RuntimeException notYet) {
      return false;
    }
  }
}
