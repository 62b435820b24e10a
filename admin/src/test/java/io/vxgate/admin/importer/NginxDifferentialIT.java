package io.vxgate.admin.importer;

import static io.vxgate.admin.importer.DiffClient.Request.get;
import static org.assertj.core.api.Assertions.assertThat;

import java.nio.file.Path;
import java.util.List;
import java.util.Map;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * Same decisions as nginx: corpus configs run by real nginx and, translated by {@code vxgatectl
 * import nginx}, by a vxgate node, in front of the same origins; every request must reach the same
 * upstream group with the same status (redirects: the same location), and weighted upstreams must
 * share requests alike.
 */
class NginxDifferentialIT {
  static DiffOrigins origins;

  @BeforeAll
  static void origins() {
    origins = new DiffOrigins();
  }

  @AfterAll
  static void stop() {
    origins.close();
  }

  @Test
  void virtualHosts(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "virtual-hosts.conf", origins, work)) {
      for (String host :
          List.of(
              "example.org",
              "www.example.org",
              "Example.ORG:80",
              "a.tenants.example.org",
              "api.tenants.example.org",
              "legacy.example.org",
              "x.legacy.example.org",
              "eu.example.org",
              "asia.example.org",
              "unknown.test")) {
        d.compare(80, get(host, "/"), false);
        d.compare(80, get(host, "/some/page?x=1"), false);
      }
    }
  }

  @Test
  void locationsOfAnApiGateway(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "api-gateway.conf", origins, work)) {
      String h = "api.example.com";
      for (String path :
          List.of(
              "/healthz",
              "/healthz/",
              "/v1/users",
              "/v1/orders",
              "/v1/orders/7.json",
              "/v1/users/7.json",
              "/v1/search?q=a",
              "/v1/suggest/x",
              "/v1/internal/x",
              "/v1/internal",
              "/v1/things/debug",
              "/v1/users/debug",
              "/v1/x.XML",
              "/v1",
              "/v1/",
              "/legacy/a",
              "/legacyx",
              "/",
              "/unknown/path")) {
        d.compare(8000, get(h, path), false);
      }
      d.compare(8000, get(h, "/v1/users/42"), true);
      d.compare(8000, get(h, "/v1/orders/9"), false);
      d.compare(8000, get(h, "/v1/users/1").method("POST"), false);
      d.compare(8000, get(h, "/v1/users/1").method("DELETE"), false);
      d.compare(8000, get("other.host", "/v1/users/1"), false);
      d.compare(8000, get(h, "/chat").upgrade(), false);
    }
  }

  @Test
  void accessRules(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "access-control.conf", origins, work)) {
      for (String path : List.of("/", "/x", "/public/x", "/public", "/metrics", "/metricsx")) {
        d.compare(80, get("intranet.example.com", path), false);
      }
    }
  }

  @Test
  void conditionsOnMethodsHeadersArgumentsAndAddresses(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "conditions.conf", origins, work)) {
      String h = "tenants.example.com";
      d.compare(80, get(h, "/x"), false);
      d.compare(80, get(h, "/x").method("DELETE"), false);
      d.compare(80, get(h, "/x").method("POST"), false);
      d.compare(80, get(h, "/x").header("User-Agent", "sqlmap/1.7"), false);
      d.compare(80, get(h, "/x").header("X-Tenant", "acme"), false);
      d.compare(80, get(h, "/x").header("X-Tenant", "big-corp"), false);
      d.compare(80, get(h, "/x").header("X-Tenant", "small"), false);
      d.compare(80, get(h, "/internal/a"), false);
      d.compare(80, get(h, "/internal"), false);
      d.compare(80, get(h, "/beta/a?preview=1"), false);
      d.compare(80, get(h, "/beta/a?preview=0"), false);
      d.compare(80, get(h, "/beta/a"), false);
    }
  }

  @Test
  void redirectsAndAnswers(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "redirects.conf", origins, work)) {
      d.compare(80, get("old.example.com", "/a?b=1"), false);
      d.compare(80, get("old.example.com", "/"), false);
      d.compare(80, get("www.example.com", "/a/b"), false);
      for (String path :
          List.of(
              "/old-page",
              "/docs",
              "/blog/x?y=1",
              "/gone",
              "/robots.txt",
              "/secret",
              "/store",
              "/store/x",
              "/anything")) {
        d.compare(80, get("example.com", path), false);
      }
    }
  }

  @Test
  void includesAndWeights(@TempDir Path work) throws Exception {
    try (Differential d =
        new Differential("nginx", "site-with-includes/nginx.conf", origins, work)) {
      d.compare(80, get("shop.example.com", "/"), false);
      d.compare(80, get("shop.example.com", "/cart"), false);
      d.compare(80, get("shop.example.com", "/reports/x"), true);
      d.compare(80, get("shop.example.com", "/reports"), false);
      d.compare(80, get("admin.example.com", "/"), false);
      d.compare(80, get("unknown.example.com", "/"), false);
      Map<String, Integer> viaNginx = d.spread(80, get("shop.example.com", "/"), 250, true);
      Map<String, Integer> viaVxgate = d.spread(80, get("shop.example.com", "/"), 250, false);
      assertThat(viaVxgate.keySet()).isEqualTo(viaNginx.keySet());
      for (String origin : viaNginx.keySet()) {
        // weights 2:2:1: smooth weighted round robin on both sides
        assertThat(Math.abs(viaVxgate.get(origin) - viaNginx.get(origin)))
            .as("%s: vxgate %s, nginx %s", origin, viaVxgate, viaNginx)
            .isLessThanOrEqualTo(250 / 20);
      }
    }
  }

  @Test
  void webSocketsAndTheirIdiom(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "websocket-map.conf", origins, work)) {
      String h = "chat.example.com";
      d.compare(8080, get(h, "/ws/room/1").upgrade(), false);
      d.compare(8080, get(h, "/ws/room/1"), false);
      d.compare(8080, get(h, "/ws"), false);
      d.compare(8080, get(h, "/"), false);
      d.compare(8080, get(h, "/page"), false);
    }
  }

  @Test
  void tlsAndTheHttpsRedirect(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "tls-hsts.conf", origins, work)) {
      d.compare(80, get("example.com", "/x?y=1"), false);
      d.compare(80, get("www.example.com", "/"), false);
      d.compare(443, get("example.com", "/x").overTls(), false);
      d.compare(443, get("www.example.com", "/").overTls(), false);
    }
  }

  @Test
  void gunicornDeploymentExample(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("nginx", "gunicorn-docs.conf", origins, work)) {
      d.compare(80, get("example.com", "/"), false);
      d.compare(80, get("www.example.com", "/accounts/login/"), false);
      d.compare(80, get("example.com", "/500.html"), false);
      d.compare(80, get("evil.example", "/"), false);
    }
  }
}
