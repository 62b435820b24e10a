package io.vxgate.gateway.takeover;

import io.netty.bootstrap.Bootstrap;
import io.netty.buffer.Unpooled;
import io.netty.channel.Channel;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.epoll.EpollDomainDatagramChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.vertx.core.Vertx;
import io.vxgate.gateway.vertx.VertxNetty;
import java.nio.charset.StandardCharsets;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * systemd's notification protocol ({@code sd_notify}): one datagram to {@code $NOTIFY_SOCKET}. A
 * process that took a node over sends {@code MAINPID=} so that a unit with {@code NotifyAccess=all}
 * follows it instead of the old process (docs/operations.md, "Upgrading without downtime"). Nothing
 * is sent without {@code $NOTIFY_SOCKET} (not under systemd) or without epoll.
 */
public final class SystemdNotify {
  private static final Logger log = LoggerFactory.getLogger(SystemdNotify.class);

  private SystemdNotify() {}

  /** Sends {@code state} ({@code KEY=VALUE} lines) when running under systemd. */
  public static void send(Vertx vertx, String state) {
    String socket = System.getenv("NOTIFY_SOCKET");
    if (socket == null || socket.isEmpty() || !vertx.isNativeTransportEnabled()) {
      return;
    }
    if (socket.startsWith("@")) {
      log.warn("NOTIFY_SOCKET {} is an abstract socket: not notified ({})", socket, state.trim());
      return;
    }
    new Bootstrap()
        .group(VertxNetty.eventLoops(vertx).get(0))
        .channel(EpollDomainDatagramChannel.class)
        .handler(new ChannelInboundHandlerAdapter())
        .connect(new DomainSocketAddress(socket))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                log.warn("systemd not notified: {}", f.cause().toString());
                return;
              }
              Channel ch = ((io.netty.channel.ChannelFuture) f).channel();
              ch.writeAndFlush(Unpooled.copiedBuffer(state, StandardCharsets.UTF_8))
                  .addListener(
                      w -> {
                        if (!w.isSuccess()) {
                          log.warn("systemd not notified: {}", w.cause().toString());
                        } else {
                          log.atInfo().addKeyValue("state", state.trim()).log("systemd notified");
                        }
                        ch.close();
                      });
            });
  }
}
