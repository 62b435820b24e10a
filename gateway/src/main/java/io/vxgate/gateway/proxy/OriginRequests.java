package io.vxgate.gateway.proxy;

import io.vxgate.config.RouteConfig;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.trace.TraceContext;

/** How a client's request head becomes the one an origin gets. */
final class OriginRequests {
  private OriginRequests() {}

  /**
   * Rewrites the client's request head in place for the origin: origin-form target {@code uri},
   * HTTP/1.1, hop-by-hop fields out, X-Forwarded-For/-Proto/-Host, X-Real-IP and X-Request-Id in
   * (incoming values believed from trusted proxies only), {@code traceparent} (and {@code
   * tracestate} only with a continued trace), the route's header actions, and the Host a route set
   * or else the client's effective authority.
   *
   * <p>The body's framing is the gateway's own, from what it decoded: Content-Length and
   * Transfer-Encoding are set here, never left from the client's fields (which a Connection field
   * could have emptied, to smuggle a second request in the body).
   *
   * @param length the body's length: 0 for none, -1 when unknown (sent chunked)
   */
  static void rewrite(
      RequestInfo view,
      ProxySnapshot snapshot,
      boolean tls,
      AccessRecord record,
      String uri,
      RouteConfig route,
      long length) {
    RequestHead req = view.request();
    HeaderFields h = req.fields();
    // Everything taken from the client's fields is read before they change.
    boolean trusted = view.peerTrusted();
    String xff = snapshot.forwarded().forwardedFor(h.get("X-Forwarded-For"), view.peer(), trusted);
    String realIp = view.clientIp();
    String proto = trusted ? h.get("X-Forwarded-Proto") : null;
    String fhost = trusted ? h.get("X-Forwarded-Host") : null;
    String authority = view.authorityText();
    if (fhost == null) {
      fhost = authority;
    }
    req.target(uri);
    req.version(11);
    h.remove("Host");
    HopByHop.strip(h);
    h.set("X-Forwarded-For", xff);
    h.set("X-Real-IP", realIp);
    h.set("X-Forwarded-Proto", proto != null ? proto : tls ? "https" : "http");
    if (fhost != null) {
      h.set("X-Forwarded-Host", fhost);
    } else {
      h.remove("X-Forwarded-Host");
    }
    h.set(RequestIds.NAME, record.requestId());
    // W3C Trace Context: the gateway's span is the origin's parent; a caller's tracestate passes
    // only with the caller's trace (docs/operations.md, "Tracing")
    h.set(TraceContext.TRACEPARENT, record.traceparent());
    if (!record.continuesTrace()) {
      h.remove(TraceContext.TRACESTATE);
    }
    RouteActions.apply(route.requestHeaders(), h);
    if (!h.contains("Host") && authority != null) {
      h.add("Host", authority);
    }
    boolean saidLength = h.remove("Content-Length");
    h.remove("Transfer-Encoding");
    if (length < 0) {
      h.add("Transfer-Encoding", "chunked");
    } else if (length > 0 || saidLength) {
      // (An empty body keeps its "Content-Length: 0": some origins want one on every POST.)
      h.add("Content-Length", Long.toString(length));
    }
  }
}
