package io.vxgate.config;

/** Reads {@code admin:} (docs/configuration.md, section "admin"). */
final class AdminSection {
  private AdminSection() {}

  static AdminConfig read(Cursor c, Binds binds) {
    Cursor.Fields f = c.fields("bind", "token", "vertx-http-metrics");
    Cursor bc = f.get("bind");
    HostPort bind = bc.scalar(Values.BIND, s -> Syntax.hostPort(s, 0), AdminConfig.DEFAULT_BIND);
    String token = f.get("token").text("a token");
    if (token != null && token.isEmpty()) {
      token = null;
    }
    if (token == null && !Syntax.loopback(bind.host())) {
      bc.error(bind.toString(), "a loopback address unless admin.token is set");
    }
    binds.add("admin.bind", bind, bc);
    boolean vertxHttp = f.get("vertx-http-metrics").scalar(Values.BOOL, Syntax::bool, false);
    return new AdminConfig(bind, token, vertxHttp);
  }
}
