package io.vxgate.gateway.proxy;

import io.vertx.core.http.HttpHeaders;
import io.vertx.core.http.HttpMethod;
import io.vertx.core.http.HttpServerRequest;
import io.vxgate.gateway.route.RequestView;
import java.net.InetAddress;
import java.util.Locale;

/** Adapts a Vert.x request (with its normalised path) to what route matchers read. */
final class VertxRequestView implements RequestView {
  private final HttpServerRequest req;
  private final String path;
  private String host;
  private InetAddress source;

  VertxRequestView(HttpServerRequest req, String path) {
    this.req = req;
    this.path = path;
  }

  @Override
  public String path() {
    return path;
  }

  @Override
  public String host() {
    if (host == null) {
      var a = req.authority();
      host = a == null ? "" : a.host().toLowerCase(Locale.ROOT);
    }
    return host;
  }

  @Override
  public HttpMethod method() {
    return req.method();
  }

  @Override
  public String header(String name) {
    return req.getHeader(name);
  }

  @Override
  public String queryParam(String name) {
    return req.getParam(name);
  }

  @Override
  public InetAddress source() {
    if (source == null && req.remoteAddress() != null) {
      source = Addresses.parseLiteral(req.remoteAddress().hostAddress());
    }
    return source;
  }

  @Override
  public boolean websocket() {
    String upgrade = req.getHeader(HttpHeaders.UPGRADE);
    return upgrade != null && upgrade.equalsIgnoreCase("websocket");
  }

  /** The peer's address text. */
  String peer() {
    var a = req.remoteAddress();
    return a == null ? "" : a.hostAddress();
  }
}
