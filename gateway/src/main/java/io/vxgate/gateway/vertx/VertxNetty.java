package io.vxgate.gateway.vertx;

import io.netty.channel.Channel;
import io.netty.channel.ChannelFactory;
import io.netty.channel.EventLoop;
import io.netty.channel.ServerChannel;
import io.netty.resolver.AddressResolverGroup;
import io.netty.util.concurrent.EventExecutor;
import io.vertx.core.Vertx;
import io.vertx.core.internal.VertxInternal;
import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;

/**
 * The data plane's only door into Vert.x internals ({@code io.vertx.core.internal}, which Vert.x
 * may change in any release): the Netty pieces of a Vert.x instance that the request path runs on.
 *
 * <p>Why internals at all: the request path is plain Netty (docs/architecture.md, "Why the request
 * path is plain Netty"), yet it must live on Vert.x's own event loops, so that Vert.x and the proxy
 * share threads and one transport (epoll when it loads), and on Vert.x's resolver, so that origin
 * names resolve as the rest of the node resolves them. Vert.x's public API exposes none of these as
 * Netty objects. A Vert.x upgrade that moves them changes this class only.
 */
public final class VertxNetty {
  private VertxNetty() {}

  /** Vert.x's Netty event loops, in Vert.x's order (the same order for every call). */
  public static List<EventLoop> eventLoops(Vertx vertx) {
    List<EventLoop> loops = new ArrayList<>();
    for (EventExecutor e : internal(vertx).nettyEventLoopGroup()) {
      loops.add((EventLoop) e);
    }
    return loops;
  }

  /** Makes client sockets of Vert.x's transport (TCP, not domain sockets). */
  public static ChannelFactory<? extends Channel> channelFactory(Vertx vertx) {
    return internal(vertx).transport().channelFactory(false);
  }

  /** Makes server sockets of Vert.x's transport (TCP, not domain sockets). */
  public static ChannelFactory<? extends ServerChannel> serverChannelFactory(Vertx vertx) {
    return internal(vertx).transport().serverChannelFactory(false);
  }

  /** Vert.x's name resolver, as Netty's bootstraps take it. */
  public static AddressResolverGroup<InetSocketAddress> resolver(Vertx vertx) {
    return internal(vertx).nameResolver().nettyAddressResolverGroup();
  }

  private static VertxInternal internal(Vertx vertx) {
    return (VertxInternal) vertx;
  }
}
