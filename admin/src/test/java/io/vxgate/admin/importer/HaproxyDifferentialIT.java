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
 * Same decisions as HAProxy: corpus configs run by real HAProxy and, translated by {@code vxgatectl
 * import haproxy}, by a vxgate node, in front of the same origins.
 */
class HaproxyDifferentialIT {
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
  void aclRouting(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "acl-routing.cfg", origins, work)) {
      for (String host :
          List.of(
              "www.example.com",
              "api.example.com",
              "shop.example.com",
              "eu.shop.example.com",
              "a.tenants.example.com",
              "tenants.example.com")) {
        d.compare(80, get(host, "/"), false);
      }
      for (String path :
          List.of(
              "/api/x",
              "/v2/items",
              "/admin/users",
              "/ADMIN",
              "/app.css",
              "/x/app.JS",
              "/reports/12",
              "/reports/x",
              "/")) {
        d.compare(80, get("x.test", path), false);
      }
      d.compare(80, get("x.test", "/app.css").method("POST"), false);
      d.compare(80, get("x.test", "/app.png").method("DELETE"), false);
      d.compare(80, get("x.test", "/").header("X-Beta", "YES"), false);
      d.compare(80, get("x.test", "/").header("X-Beta", "no"), false);
    }
  }

  @Test
  void answeringRules(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "answers.cfg", origins, work)) {
      for (String path : List.of("/haproxy-health", "/ping", "/old", "/blog/a?x=1", "/page")) {
        d.compare(80, get("x.test", path), false);
      }
      d.compare(80, get("old.example.com", "/a?b=1"), false);
      d.compare(80, get("x.test", "/a").method("TRACE"), false);
    }
  }

  @Test
  void hostMap(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "host-map.cfg", origins, work)) {
      for (String host :
          List.of(
              "www.example.com",
              "WWW.Example.com",
              "api.example.com",
              "example.org",
              "nobody.test")) {
        d.compare(80, get(host, "/"), false);
      }
    }
  }

  @Test
  void balancingAndWeights(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "balance.cfg", origins, work)) {
      for (String path :
          List.of("/source/a", "/uri/a", "/header/a", "/random/a", "/whole/a", "/other")) {
        d.compare(80, get("x.test", path), false);
      }
      Map<String, Integer> viaHaproxy = d.spread(80, get("x.test", "/"), 200, true);
      Map<String, Integer> viaVxgate = d.spread(80, get("x.test", "/"), 200, false);
      assertThat(viaVxgate.keySet()).isEqualTo(viaHaproxy.keySet());
      for (String origin : viaHaproxy.keySet()) {
        // weights 3:1
        assertThat(Math.abs(viaVxgate.get(origin) - viaHaproxy.get(origin)))
            .as("%s: vxgate %s, haproxy %s", origin, viaVxgate, viaHaproxy)
            .isLessThanOrEqualTo(200 / 20);
      }
    }
  }

  @Test
  void tlsAndTheHttpsRedirect(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "mixed-binds.cfg", origins, work)) {
      d.compare(80, get("example.com", "/account?x=1"), false);
      d.compare(443, get("example.com", "/account/1").overTls(), false);
      d.compare(443, get("example.com", "/").overTls(), false);
    }
  }

  @Test
  void webSockets(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "websocket.cfg", origins, work)) {
      d.compare(80, get("x.test", "/ws/chat").upgrade(), false);
      d.compare(80, get("x.test", "/ws/chat"), false);
      d.compare(80, get("x.test", "/").upgrade(), false);
      d.compare(80, get("x.test", "/"), false);
    }
  }

  @Test
  void headerRulesAndStrippedPrefixes(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "rewrites.cfg", origins, work)) {
      d.compare(80, get("x.test", "/api/x"), true);
      d.compare(80, get("x.test", "/api/"), true);
      d.compare(80, get("x.test", "/site/page"), true);
    }
  }

  @Test
  void defaultsFrontendAndBackend(@TempDir Path work) throws Exception {
    try (Differential d = new Differential("haproxy", "basic.cfg", origins, work)) {
      d.compare(80, get("x.test", "/"), false);
      d.compare(80, get("x.test", "/any/path").method("POST"), false);
    }
  }
}
