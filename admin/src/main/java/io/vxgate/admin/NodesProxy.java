package io.vxgate.admin;

import static java.util.Objects.requireNonNull;

import io.netty.channel.ConnectTimeoutException;
import io.vertx.core.Future;
import io.vertx.core.Handler;
import io.vertx.core.Vertx;
import io.vertx.core.buffer.Buffer;
import io.vertx.core.http.HttpClientAgent;
import io.vertx.core.http.HttpClientOptions;
import io.vertx.core.http.HttpClientRequest;
import io.vertx.core.http.PoolOptions;
import io.vertx.core.http.RequestOptions;
import io.vertx.core.net.SocketAddress;
import io.vertx.ext.web.RoutingContext;
import io.vertx.ext.web.proxy.handler.ProxyHandler;
import io.vertx.httpproxy.Body;
import io.vertx.httpproxy.HttpProxy;
import io.vertx.httpproxy.ProxyContext;
import io.vertx.httpproxy.ProxyInterceptor;
import io.vertx.httpproxy.ProxyOptions;
import io.vertx.httpproxy.ProxyResponse;
import io.vxgate.cluster.Member;
import io.vxgate.cluster.Membership;
import io.vxgate.config.HostPort;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeoutException;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code /api/nodes/{id}/{rest}}: forwards the request to member {@code id}'s own admin listener as
 * {@code /{rest}} (query included), with vertx-web-proxy's {@link ProxyHandler}, so one admin
 * address reaches every member (docs/admin.md, "One address for the whole cluster").
 *
 * <p>The caller's token has been checked by this node and is passed on unchanged. The member's
 * address is its {@code vxgate.admin} member attribute (a wildcard host of this node's own address
 * becomes the loopback address); this node's own id is proxied to itself like any other. An unknown
 * or departed member answers 404 naming the current members; a member that does not connect within
 * {@link #CONNECT_TIMEOUT} or sends nothing for the answer timeout ({@link #ANSWER_TIMEOUT} on a
 * node) answers 504; any other failure 502. One hop only: a forwarded request carries {@value #HOP}
 * and a node refuses to forward such a request again, so {@code /api/nodes/a/api/nodes/b/...} is
 * refused (400).
 */
final class NodesProxy implements Handler<RoutingContext> {
  private static final Logger log = LoggerFactory.getLogger(NodesProxy.class);

  /** The mount point. */
  static final String PREFIX = "/api/nodes";

  /** The request header of a forwarded request: the id of the node that forwarded it. */
  static final String HOP = "X-Vxgate-Hop";

  /** The response header of a forwarded request: the id of the member that answered. */
  static final String ANSWERED_BY = "X-Vxgate-Node";

  static final Duration CONNECT_TIMEOUT = Duration.ofSeconds(2);

  /**
   * The default longest silence of a member before the answer is 504 (it also ends a silent
   * stream).
   */
  static final Duration ANSWER_TIMEOUT = Duration.ofSeconds(10);

  private static final String TARGET = "vxgate.target";

  private final Membership membership;
  private final Duration answerTimeout;
  private final HttpClientAgent client;
  private final ProxyHandler handler;

  /** A member chosen for a request, with the address its admin listener is reached at. */
  private record Target(String id, HostPort address) {}

  NodesProxy(Vertx vertx, Membership membership, Duration answerTimeout) {
    this.membership = requireNonNull(membership, "membership");
    this.answerTimeout = requireNonNull(answerTimeout, "answerTimeout");
    this.client =
        vertx.createHttpClient(
            new HttpClientOptions()
                .setConnectTimeout((int) CONNECT_TIMEOUT.toMillis())
                .setKeepAlive(true)
                .setMetricsName("admin-nodes"),
            new PoolOptions().setHttp1MaxSize(16).setMaxWaitQueueSize(256));
    HttpProxy proxy =
        HttpProxy.reverseProxy(new ProxyOptions().setSupportWebSocket(false), client)
            .origin(this::originRequest)
            .addInterceptor(new Forward());
    this.handler = ProxyHandler.create(proxy);
  }

  @Override
  public void handle(RoutingContext rc) {
    String hop = rc.request().getHeader(HOP);
    if (hop != null) {
      refuse(rc, HOP, hop, "a request no node forwarded (" + PREFIX + " forwards one hop only)");
      return;
    }
    // the member is chosen from the path as sent: it must be the path the router matched
    String path = rc.request().path();
    if (!path.equals(rc.normalizedPath())) {
      refuse(rc, "path", path, "a normalized path (no '.' or '..' segments)");
      return;
    }
    handler.handle(rc);
  }

  private static void refuse(RoutingContext rc, String what, String value, String expected) {
    AdminHttp.reply(
        rc, AdminCommands.refusal(400, List.of(AdminCommands.error(what, value, expected))));
  }

  Future<Void> close() {
    return client.close();
  }

  private Future<HttpClientRequest> originRequest(ProxyContext pc) {
    Target t = pc.get(TARGET, Target.class);
    if (t == null) {
      return Future.failedFuture(new IllegalStateException("no member chosen"));
    }
    return pc.client()
        .request(
            new RequestOptions()
                .setServer(SocketAddress.inetSocketAddress(t.address().port(), t.address().host()))
                .setConnectTimeout(CONNECT_TIMEOUT.toMillis())
                .setIdleTimeout(answerTimeout.toMillis()));
  }

  /** Chooses the member, rewrites the URI, marks the hop and maps failures to 502/504. */
  private final class Forward implements ProxyInterceptor {
    @Override
    public Future<ProxyResponse> handleProxyRequest(ProxyContext pc) {
      String uri = pc.request().getURI();
      // PREFIX + "/" + ID [+ "/" + REST] [+ "?" + QUERY]
      int start =
          uri.length() > PREFIX.length() && uri.charAt(PREFIX.length()) == '/'
              ? PREFIX.length() + 1
              : PREFIX.length();
      int end = start;
      while (end < uri.length() && uri.charAt(end) != '/' && uri.charAt(end) != '?') {
        end++;
      }
      String id = decode(uri.substring(start, end));
      String rest = end == uri.length() ? "/" : uri.substring(end);
      if (rest.startsWith("?")) {
        rest = "/" + rest;
      }
      List<Member> members = membership.members();
      Member m = members.stream().filter(x -> x.id().equals(id)).findFirst().orElse(null);
      if (m == null) {
        return refuse(
            pc,
            404,
            AdminCommands.error(
                "node",
                id.isEmpty() ? "(missing)" : id,
                "one of the members: "
                    + String.join(", ", members.stream().map(Member::id).toList())));
      }
      String restPath = rest.indexOf('?') < 0 ? rest : rest.substring(0, rest.indexOf('?'));
      if (restPath.equals(PREFIX) || restPath.startsWith(PREFIX + "/")) {
        return refuse(
            pc,
            400,
            AdminCommands.error(
                "path", uri, "one hop: " + PREFIX + "/ID/PATH with a PATH outside " + PREFIX));
      }
      HostPort address = reachable(m);
      if (address == null) {
        return refuse(
            pc,
            502,
            m.id()
                + ": no reachable admin address (it publishes '"
                + m.admin()
                + "'; set its admin.bind to an address and port the other members can reach)");
      }
      Target t = new Target(m.id(), address);
      pc.set(TARGET, t);
      pc.request().setURI(rest);
      pc.request().headers().set(HOP, membership.local().id());
      return pc.sendRequest()
          .recover(
              err -> {
                boolean timeout =
                    err instanceof TimeoutException || err instanceof ConnectTimeoutException;
                log.atDebug()
                    .addKeyValue("node", t.id())
                    .addKeyValue("admin", t.address())
                    .addKeyValue("error", String.valueOf(err))
                    .log("member's admin API failed");
                Duration limit =
                    err instanceof ConnectTimeoutException ? CONNECT_TIMEOUT : answerTimeout;
                String reason =
                    timeout
                        ? "did not answer within " + text(limit)
                        : "unreachable: " + err.getMessage();
                // the request was sent (its body read): no release(), which would throw
                return answer(
                    pc.request().response(),
                    timeout ? 504 : 502,
                    t.id() + " (" + t.address() + ") " + reason);
              });
    }

    @Override
    public Future<Void> handleProxyResponse(ProxyContext pc) {
      Target t = pc.get(TARGET, Target.class);
      if (t != null && pc.response().proxiedResponse() != null) {
        pc.response().putHeader(ANSWERED_BY, t.id());
      }
      return pc.sendResponse();
    }
  }

  /**
   * The address {@code m}'s admin listener is reached at, or null when it publishes none that can
   * be reached (no address, port 0, or a wildcard host of another member).
   */
  private @Nullable HostPort reachable(Member m) {
    HostPort hp = HostPort.parse(m.admin());
    if (hp == null || hp.port() == 0) {
      return null;
    }
    if (!HostPort.wildcard(hp.host())) {
      return hp;
    }
    if (!m.id().equals(membership.local().id())) {
      return null;
    }
    return new HostPort(hp.host().equals("0.0.0.0") ? "127.0.0.1" : "::1", hp.port());
  }

  /** Answers without sending the request (its body is dropped). */
  private static Future<ProxyResponse> refuse(ProxyContext pc, int status, String error) {
    return answer(pc.request().release().response(), status, error);
  }

  private static Future<ProxyResponse> answer(ProxyResponse r, int status, String error) {
    Buffer body = Buffer.buffer(AdminCommands.refusal(status, List.of(error)).encode());
    return Future.succeededFuture(
        r.setStatusCode(status)
            .putHeader("Content-Type", "application/json")
            .putHeader("Cache-Control", "no-store")
            .setBody(Body.body(body)));
  }

  private static String text(Duration d) {
    return d.toMillis() % 1000 == 0 ? d.toSeconds() + "s" : d.toMillis() + "ms";
  }

  private static String decode(String s) {
    try {
      return URLDecoder.decode(s.replace("+", "%2B"), StandardCharsets.UTF_8);
    } catch (IllegalArgumentException e) {
      return s;
    }
  }
}
