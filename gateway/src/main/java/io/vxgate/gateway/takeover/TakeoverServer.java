package io.vxgate.gateway.takeover;

import static java.util.Objects.requireNonNull;

import io.netty.bootstrap.ServerBootstrap;
import io.netty.channel.Channel;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.channel.SimpleChannelInboundHandler;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollServerDomainSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.UnixChannel;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.vertx.core.Future;
import io.vertx.core.Promise;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import java.io.IOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The running node's side of a takeover: a Unix socket (mode 0600, peers of the same user only)
 * where a new process with the same node id asks, in JSON lines: {@code hello} (answered with the
 * listeners and their socket counts), {@code sockets} (answered with the listening sockets' file
 * descriptors, in that order), {@code leave} (this process leaves the cluster and closes its admin
 * listener, so that the new one can take the member port and the admin address; it goes on
 * serving), and {@code serving} (the new process accepts on the sockets: this one stops accepting,
 * drains its connections and exits).
 */
public final class TakeoverServer {
  private static final Logger log = LoggerFactory.getLogger(TakeoverServer.class);

  /** What the node does at each step. */
  public interface Handover {
    /** The listening sockets by listener name, in a stable order. */
    Map<String, List<ServerChannel>> sockets();

    /** Leaves the cluster and closes the admin listener; keeps serving. */
    Future<Void> leave();

    /** The new process serves: stop accepting, drain, exit. */
    void serving();

    /** The new process went away after {@link #leave}: this one serves outside the cluster. */
    void abandoned();
  }

  private final Path path;
  private final String nodeId;
  private final Handover handover;
  private @Nullable Channel server;
  private volatile boolean busy;

  private TakeoverServer(Path path, String nodeId, Handover handover) {
    this.path = path;
    this.nodeId = nodeId;
    this.handover = handover;
  }

  /**
   * Listens at {@code path} on {@code loop} (an epoll event loop). A socket file left by a process
   * that is gone is replaced; one that answers belongs to a live node and is left alone (failed).
   */
  public static Future<TakeoverServer> start(
      EventLoop loop, Path path, String nodeId, Handover handover) {
    TakeoverServer s =
        new TakeoverServer(
            requireNonNull(path, "path"),
            requireNonNull(nodeId, "nodeId"),
            requireNonNull(handover, "handover"));
    try {
      if (Files.exists(path)) {
        if (answers(path)) {
          return Future.failedFuture(
              new IllegalStateException(path + " is in use by another live node"));
        }
        Files.delete(path);
      }
    } catch (IOException e) {
      return Future.failedFuture(e);
    }
    Promise<TakeoverServer> p = Promise.promise();
    new ServerBootstrap()
        .group(loop, loop)
        .channel(EpollServerDomainSocketChannel.class)
        .childHandler(
            new ChannelInitializer<EpollDomainSocketChannel>() {
              @Override
              protected void initChannel(EpollDomainSocketChannel ch) {
                ch.pipeline()
                    .addLast(new LineBasedFrameDecoder(64 * 1024))
                    .addLast(new StringDecoder(StandardCharsets.UTF_8))
                    .addLast(new StringEncoder(StandardCharsets.UTF_8))
                    .addLast(s.new Session(ch));
              }
            })
        .bind(new DomainSocketAddress(path.toString()))
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                p.fail(f.cause());
                return;
              }
              s.server = ((io.netty.channel.ChannelFuture) f).channel();
              try {
                Files.setPosixFilePermissions(path, PosixFilePermissions.fromString("rw-------"));
              } catch (IOException | UnsupportedOperationException e) {
                log.warn("takeover socket {}: cannot restrict it to this user: {}", path, e);
              }
              log.atInfo().addKeyValue("path", path).log("takeover socket listening");
              p.complete(s);
            });
    return p.future();
  }

  private static boolean answers(Path path) {
    try (SocketChannel c = SocketChannel.open(StandardProtocolFamily.UNIX)) {
      c.connect(UnixDomainSocketAddress.of(path));
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /** Stops listening and removes the socket file. */
  public void close() {
    if (server != null) {
      server.close();
    }
    try {
      Files.deleteIfExists(path);
    } catch (IOException e) {
      log.debug("takeover socket {} not removed: {}", path, e.toString());
    }
  }

  /** One new process asking. */
  private final class Session extends SimpleChannelInboundHandler<String> {
    private final EpollDomainSocketChannel ch;
    private boolean mine;
    private boolean left;
    private boolean done;

    Session(EpollDomainSocketChannel ch) {
      this.ch = ch;
    }

    @Override
    public void channelActive(ChannelHandlerContext ctx) throws Exception {
      int peer = ch.peerCredentials().uid();
      if (peer != TakeoverSocket.uid()) {
        log.atWarn().addKeyValue("uid", peer).log("takeover refused: another user");
        ctx.close();
        return;
      }
      if (busy) {
        reply(ctx, new JsonObject().put("ok", false).put("error", "a takeover is under way"));
        ctx.close();
        return;
      }
      busy = true;
      mine = true;
    }

    @Override
    protected void channelRead0(ChannelHandlerContext ctx, String line) {
      JsonObject m;
      try {
        m = new JsonObject(line);
      } catch (RuntimeException e) {
        ctx.close();
        return;
      }
      switch (m.getString("op", "")) {
        case "hello" -> hello(ctx, m);
        case "sockets" -> sockets(ctx);
        case "leave" ->
            handover
                .leave()
                .onComplete(
                    ar -> {
                      left = ar.succeeded();
                      reply(
                          ctx,
                          ar.succeeded()
                              ? new JsonObject().put("ok", true)
                              : new JsonObject()
                                  .put("ok", false)
                                  .put("error", String.valueOf(ar.cause())));
                    });
        case "serving" -> {
          done = true;
          close();
          reply(ctx, new JsonObject().put("ok", true));
          log.atInfo().log("takeover: the new process serves; this one stops accepting and drains");
          handover.serving();
        }
        default -> ctx.close();
      }
    }

    private void hello(ChannelHandlerContext ctx, JsonObject m) {
      if (!nodeId.equals(m.getString("node"))) {
        reply(
            ctx,
            new JsonObject()
                .put("ok", false)
                .put("error", "node id " + m.getString("node") + " is not this node's, " + nodeId));
        ctx.close();
        return;
      }
      JsonArray listeners = new JsonArray();
      handover
          .sockets()
          .forEach(
              (name, socks) ->
                  listeners.add(
                      new JsonObject()
                          .put("name", name)
                          .put(
                              "port",
                              socks.isEmpty()
                                  ? 0
                                  : ((java.net.InetSocketAddress) socks.get(0).localAddress())
                                      .getPort())
                          .put("sockets", socks.size())));
      log.atInfo()
          .addKeyValue("peer_pid", m.getValue("pid"))
          .log("takeover: a new process asks for this node's sockets");
      reply(
          ctx,
          new JsonObject()
              .put("ok", true)
              .put("node", nodeId)
              .put("pid", ProcessHandle.current().pid())
              .put("listeners", listeners));
    }

    private void sockets(ChannelHandlerContext ctx) {
      for (List<ServerChannel> socks : handover.sockets().values()) {
        for (ServerChannel s : socks) {
          ctx.write(((UnixChannel) s).fd());
        }
      }
      ctx.flush();
    }

    private void reply(ChannelHandlerContext ctx, JsonObject m) {
      ctx.writeAndFlush(m.encode() + "\n");
    }

    @Override
    public void channelInactive(ChannelHandlerContext ctx) {
      if (!mine) {
        return;
      }
      busy = false;
      if (left && !done) {
        log.atError()
            .log(
                "takeover: the new process went away after this one left the cluster: this"
                    + " process serves on with its last config, outside the cluster; restart it");
        handover.abandoned();
      }
    }

    @Override
    public void exceptionCaught(ChannelHandlerContext ctx, Throwable cause) {
      log.debug("takeover session: {}", cause.toString());
      ctx.close();
    }
  }
}
