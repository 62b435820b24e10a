package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import java.util.HashMap;
import java.util.HashSet;
import java.util.Map;
import java.util.Set;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

/**
 * {@code balance: uri} with {@code hash-query: true} hashes the path and query (nginx's {@code hash
 * $request_uri}): {@code /a?x=1} and {@code /a?x=2} are different keys, each on a fixed server;
 * without it, the query is not part of the key.
 */
class HashQueryIT {
  @RegisterExtension final Harness h = new Harness();

  private void start(boolean hashQuery) {
    TestOrigin a = h.origin("a");
    TestOrigin b = h.origin("b");
    TestOrigin c = h.origin("c");
    h.gateway(
        """
        %LISTENER%
        upstreams:
          app:
            balance: uri
            hash-query: HQ
            servers: [{name: a, address: $A}, {name: b, address: $B}, {name: c, address: $C}]
        routes: [{name: default, upstream: app}]
        """
            .replace("HQ", Boolean.toString(hashQuery))
            .replace("$A", a.address())
            .replace("$B", b.address())
            .replace("$C", c.address()));
  }

  /** The server that answers each of /a?x=0 .. /a?x=29, asked three times each. */
  private Map<String, String> servers() {
    Map<String, String> byUri = new HashMap<>();
    for (int round = 0; round < 3; round++) {
      for (int i = 0; i < 30; i++) {
        String uri = "/a?x=" + i;
        String server = h.get(uri).body();
        String before = byUri.putIfAbsent(uri, server);
        assertThat(before == null ? server : before)
            .as("%s stays on one server", uri)
            .isEqualTo(server);
      }
    }
    return byUri;
  }

  @Test
  void theQuerySpreadsOneUriOverTheServersEachToAFixedOne() {
    start(true);
    Map<String, String> byUri = servers();
    Set<String> used = new HashSet<>(byUri.values());
    assertThat(used).as("30 queries of one path over 3 servers").hasSizeGreaterThan(1);
  }

  @Test
  void withoutHashQueryEveryQueryOfAPathGoesToTheSameServer() {
    start(false);
    assertThat(new HashSet<>(servers().values())).hasSize(1);
  }
}
