package io.vxgate.gateway.takeover;

import io.netty.bootstrap.Bootstrap;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelInboundHandlerAdapter;
import io.netty.channel.ChannelInitializer;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.ServerChannel;
import io.netty.channel.epoll.EpollDomainSocketChannel;
import io.netty.channel.epoll.EpollIoHandler;
import io.netty.channel.epoll.EpollServerSocketChannel;
import io.netty.channel.unix.DomainSocketAddress;
import io.netty.channel.unix.DomainSocketReadMode;
import io.netty.channel.unix.FileDescriptor;
import io.netty.handler.codec.LineBasedFrameDecoder;
import io.netty.handler.codec.string.StringDecoder;
import io.netty.handler.codec.string.StringEncoder;
import io.vertx.core.json.JsonArray;
import io.vertx.core.json.JsonObject;
import io.vxgate.config.ListenerConfig;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

/**
 * The new process's side of a takeover (see {@link TakeoverServer} for the exchange). Blocking: it
 * runs in {@code main} before the node starts.
 */
public final class TakeoverClient implements AutoCloseable {
  private final EventLoopGroup group;
  private final EpollDomainSocketChannel ch;

  /** What the running node sent: lines, then descriptors, then {@link #CLOSED} at the end. */
  private final BlockingQueue<Object> in;

  private final Duration timeout;

  /** The running node's answer to hello: its pid and listeners. */
  private final JsonObject manifest;

  /** Greets the running node at the other end of {@code ch} as node {@code nodeId}. */
  private TakeoverClient(
      EventLoopGroup group,
      EpollDomainSocketChannel ch,
      BlockingQueue<Object> in,
      Duration timeout,
      String nodeId)
      throws IOException {
    this.group = group;
    this.ch = ch;
    this.in = in;
    this.timeout = timeout;
    this.manifest =
        ask(
            new JsonObject()
                .put("op", "hello")
                .put("node", nodeId)
                .put("pid", ProcessHandle.current().pid()));
  }

  /**
   * Connects to the running node at {@code path} and greets it as node {@code nodeId}.
   *
   * @throws IOException when no node of that id listens there, or it refuses
   */
  public static TakeoverClient connect(Path path, String nodeId, Duration timeout)
      throws IOException {
    EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, EpollIoHandler.newFactory());
    BlockingQueue<Object> queue = new LinkedBlockingQueue<>();
    try {
      var f =
          new Bootstrap()
              .group(group)
              .channel(EpollDomainSocketChannel.class)
              .handler(
                  new ChannelInitializer<EpollDomainSocketChannel>() {
                    @Override
                    protected void initChannel(EpollDomainSocketChannel c) {
                      c.pipeline()
                          .addLast(new LineBasedFrameDecoder(64 * 1024))
                          .addLast(new StringDecoder(StandardCharsets.UTF_8))
                          .addLast(new StringEncoder(StandardCharsets.UTF_8))
                          .addLast(
                              new ChannelInboundHandlerAdapter() {
                                @Override
                                public void channelRead(ChannelHandlerContext ctx, Object msg) {
                                  queue.add(msg);
                                }

                                @Override
                                public void channelInactive(ChannelHandlerContext ctx) {
                                  queue.add(CLOSED);
                                }
                              });
                    }
                  })
              .connect(new DomainSocketAddress(path.toString()))
              .awaitUninterruptibly();
      if (!f.isSuccess()) {
        throw new IOException(
            "no running node with id " + nodeId + " at " + path + " (" + f.cause() + ")");
      }
      EpollDomainSocketChannel ch = (EpollDomainSocketChannel) f.channel();
      if (ch.peerCredentials().uid() != TakeoverSocket.uid()) {
        throw new IOException(path + " belongs to another user");
      }
      return new TakeoverClient(group, ch, queue, timeout, nodeId);
    } catch (IOException | RuntimeException e) {
      group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
      throw e;
    }
  }

  private static final Object CLOSED = new Object();

  /** The running process's id. */
  public long peerPid() {
    return manifest.getLong("pid", -1L);
  }

  /**
   * Receives the listening sockets of the running node and keeps those of the listeners that {@code
   * listeners} has with the same name and port (or port 0); the others are closed.
   *
   * @return the sockets by listener name, ready to be served ({@code GatewayNode.start})
   */
  public Map<String, List<ServerChannel>> sockets(List<ListenerConfig> listeners)
      throws IOException {
    JsonArray all = manifest.getJsonArray("listeners", new JsonArray());
    int total = 0;
    for (int i = 0; i < all.size(); i++) {
      total += all.getJsonObject(i).getInteger("sockets", 0);
    }
    ch.config().setReadMode(DomainSocketReadMode.FILE_DESCRIPTORS);
    ch.writeAndFlush(new JsonObject().put("op", "sockets").encode() + "\n").awaitUninterruptibly();
    List<FileDescriptor> fds = new ArrayList<>();
    while (fds.size() < total) {
      Object m = next();
      if (!(m instanceof FileDescriptor fd)) {
        fds.forEach(TakeoverClient::closeQuietly);
        throw new IOException("the running node sent " + m + " instead of a socket");
      }
      fds.add(fd);
    }
    ch.config().setReadMode(DomainSocketReadMode.BYTES);
    Map<String, List<ServerChannel>> out = new LinkedHashMap<>();
    int k = 0;
    for (int i = 0; i < all.size(); i++) {
      JsonObject l = all.getJsonObject(i);
      String name = l.getString("name");
      int port = l.getInteger("port", 0);
      List<FileDescriptor> mine = fds.subList(k, k + l.getInteger("sockets", 0));
      k += mine.size();
      boolean kept =
          listeners.stream()
              .anyMatch(
                  c -> c.name().equals(name) && (c.bind().port() == port || c.bind().port() == 0));
      if (!kept) {
        mine.forEach(TakeoverClient::closeQuietly);
        continue;
      }
      List<ServerChannel> socks = new ArrayList<>();
      mine.forEach(fd -> socks.add(new EpollServerSocketChannel(fd.intValue())));
      out.put(name, socks);
    }
    return out;
  }

  /** Asks the running node to leave the cluster and free its admin address (it keeps serving). */
  public void leave() throws IOException {
    ask(new JsonObject().put("op", "leave"));
  }

  /** Tells the running node that this process serves: it stops accepting, drains and exits. */
  public void serving() throws IOException {
    ask(new JsonObject().put("op", "serving"));
  }

  private JsonObject ask(JsonObject request) throws IOException {
    ch.writeAndFlush(request.encode() + "\n").awaitUninterruptibly();
    Object m = next();
    if (!(m instanceof String line)) {
      throw new IOException("the running node did not answer " + request.getString("op"));
    }
    JsonObject reply = new JsonObject(line);
    if (!reply.getBoolean("ok", false)) {
      throw new IOException("the running node refused: " + reply.getString("error", line));
    }
    return reply;
  }

  private Object next() throws IOException {
    try {
      Object m = in.poll(timeout.toMillis(), TimeUnit.MILLISECONDS);
      if (m == null) {
        throw new IOException("the running node did not answer within " + timeout);
      }
      if (m == CLOSED) {
        throw new IOException("the running node closed the takeover connection");
      }
      return m;
    } catch (InterruptedException e) {
      Thread.currentThread().interrupt();
      throw new IOException("interrupted", e);
    }
  }

  private static void closeQuietly(FileDescriptor fd) {
    try {
      fd.close();
    } catch (IOException e) {
      // nothing to do
    }
  }

  @Override
  public void close() {
    ch.close().awaitUninterruptibly();
    group.shutdownGracefully(0, 1, TimeUnit.SECONDS);
  }
}
