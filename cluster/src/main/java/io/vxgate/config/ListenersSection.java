package io.vxgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import org.jspecify.annotations.Nullable;

/**
 * Reads {@code listeners:} (docs/configuration.md, section "listeners"); every default is the value
 * of {@link ListenerConfig#DEFAULT}, which is also the listener of a config without the section.
 */
final class ListenersSection {
  private static final ListenerConfig D = ListenerConfig.DEFAULT;

  private ListenersSection() {}

  static List<ListenerConfig> read(Cursor c, ConfigFiles files, Binds binds) {
    if (!c.present()) {
      binds.add("listeners[0]", D.bind(), c);
      return List.of(D);
    }
    List<ListenerConfig> out = new ArrayList<>();
    Map<String, String> names = new HashMap<>();
    for (Cursor l : c.items("a list of listeners")) {
      Cursor.Fields f =
          l.fields(
              "name",
              "bind",
              "redirect-https",
              "request-header-timeout",
              "request-body-timeout",
              "keepalive-timeout",
              "keepalive-requests",
              "client-timeout",
              "max-header-size",
              "max-request-body",
              "max-connections",
              "tls",
              "hsts");
      if (!l.present()) {
        l.missing("a listener");
        continue;
      }
      if (l.notMapping()) {
        continue;
      }
      String name = Values.uniqueName(f.get("name"), names, l.path());
      Cursor bc = f.get("bind");
      HostPort bind =
          bc.require(Values.BIND) ? bc.scalar(Values.BIND, s -> Syntax.hostPort(s, 0)) : null;
      Integer redirect =
          f.get("redirect-https").scalar("1..65535", s -> Values.integer(s, 1, 65535));
      Duration headerTimeout =
          f.get("request-header-timeout")
              .scalar(Values.POSITIVE_DURATION, Values::positive, D.requestHeaderTimeout());
      Duration bodyTimeout =
          f.get("request-body-timeout")
              .scalar(Values.POSITIVE_DURATION, Values::positive, D.requestBodyTimeout());
      Duration keepaliveTimeout =
          f.get("keepalive-timeout")
              .scalar(Values.DURATION, Syntax::duration, D.keepaliveTimeout());
      int keepaliveRequests =
          f.get("keepalive-requests")
              .scalar(
                  "an integer >= 0",
                  s -> Values.integer(s, 0, Integer.MAX_VALUE),
                  D.keepaliveRequests());
      Duration clientTimeout =
          f.get("client-timeout")
              .scalar(Values.POSITIVE_DURATION, Values::positive, D.clientTimeout());
      Long headerSize =
          f.get("max-header-size")
              .scalar(
                  "a size from 1k to 1m", s -> sizeIn(s, 1024, 1 << 20), (long) D.maxHeaderSize());
      Long body =
          f.get("max-request-body")
              .scalar("a size like 16k, 100m, 1g or plain bytes", Syntax::size, D.maxRequestBody());
      Integer maxConns =
          f.get("max-connections")
              .scalar(
                  "an integer >= 0",
                  s -> Values.integer(s, 0, Integer.MAX_VALUE),
                  D.maxConnections());
      TlsConfig tls = TlsSection.read(f.get("tls"), files);
      Long hsts =
          f.get("hsts")
              .scalar(
                  "a number of seconds >= 0",
                  s -> Syntax.integer(s, 0, Long.MAX_VALUE),
                  D.hstsSeconds());
      if (name != null && bind != null) {
        binds.add(l.path(), bind, bc);
        out.add(
            new ListenerConfig(
                name,
                bind,
                redirect,
                headerTimeout,
                headerSize.intValue(),
                body,
                maxConns,
                tls,
                hsts,
                bodyTimeout,
                keepaliveTimeout,
                keepaliveRequests,
                clientTimeout));
      }
    }
    return out;
  }

  private static @Nullable Long sizeIn(String s, long min, long max) {
    Long v = Syntax.size(s);
    return v == null || v < min || v > max ? null : v;
  }
}
