package io.vxgate.gateway.proxy;

import io.vxgate.config.BalanceConfig;
import io.vxgate.gateway.lb.Endpoint;
import io.vxgate.gateway.lb.PickContext;
import io.vxgate.gateway.upstream.ServerState;
import io.vxgate.gateway.upstream.UpstreamSelector;
import io.vxgate.util.Ticker;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * The servers one request has tried, in order, and how it picks the next: on the first attempt the
 * server a valid sticky cookie names, when it is available; otherwise the upstream's balance, which
 * avoids the servers already tried. Shared by {@link Exchange} and {@link WebSocketTunnel};
 * confined to the request's event loop.
 */
final class Attempts implements PickContext {
  private final UpstreamSelector selector;
  private final RequestInfo view;
  private final String hashPath;
  private final StickySessions.@Nullable Table sticky;
  private final Ticker ticker;
  private ServerState[] tried = new ServerState[2];
  private int count;
  private @Nullable ServerState cookieServer;
  private boolean hashKeyComputed;
  private @Nullable CharSequence hashKey;

  /**
   * @param hashPath what {@code balance: uri} hashes ({@link #uriKey})
   * @param sticky null: no sticky sessions
   */
  Attempts(
      UpstreamSelector selector,
      RequestInfo view,
      String hashPath,
      StickySessions.@Nullable Table sticky,
      Ticker ticker) {
    this.selector = selector;
    this.view = view;
    this.hashPath = hashPath;
    this.sticky = sticky;
    this.ticker = ticker;
  }

  /** Picks and records the server of the next attempt, or returns null when none is available. */
  @Nullable ServerState next() {
    ServerState s = null;
    if (count == 0 && sticky != null) {
      cookieServer = sticky.pinned(view);
      if (cookieServer != null && cookieServer.available(ticker.nanoTime())) {
        s = cookieServer;
      }
    }
    if (s == null) {
      s = selector.pick(this);
    }
    if (s != null) {
      if (count == tried.length) {
        tried = Arrays.copyOf(tried, count * 2);
      }
      tried[count++] = s;
    }
    return s;
  }

  /** How many attempts were made. */
  int count() {
    return count;
  }

  /** The server the request's sticky cookie named (null: none or not valid). */
  @Nullable ServerState cookieServer() {
    return cookieServer;
  }

  @Override
  public @Nullable CharSequence hashKey() {
    if (!hashKeyComputed) {
      hashKeyComputed = true;
      hashKey = hashKey(selector.upstream().config().balance(), view, hashPath);
    }
    return hashKey;
  }

  /**
   * What {@code balance: uri} hashes of a request: its path, or with {@code hash-query} its path
   * and query (nginx's {@code hash $request_uri}).
   */
  static String uriKey(BalanceConfig balance, String path, String pathAndQuery) {
    return balance.hashQuery() ? pathAndQuery : path;
  }

  /** The key a hashing balance hashes for this request. */
  // a header or cookie balance has its name as argument (BalanceConfig requires it)
  @SuppressWarnings("NullAway")
  static @Nullable CharSequence hashKey(BalanceConfig balance, RequestInfo view, String hashPath) {
    return switch (balance.kind()) {
      case SOURCE -> view.clientIp();
      case URI -> hashPath;
      case HEADER -> view.header(balance.argument());
      case COOKIE -> Cookies.value(view.request().fields(), balance.argument());
      default -> null;
    };
  }

  @Override
  public boolean tried(Endpoint e) {
    for (int i = 0; i < count; i++) {
      if (tried[i] == e) {
        return true;
      }
    }
    return false;
  }
}
