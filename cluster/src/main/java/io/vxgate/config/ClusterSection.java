package io.vxgate.config;

import java.util.ArrayList;
import java.util.List;

/** Reads {@code cluster:} (docs/configuration.md, section "cluster"). */
final class ClusterSection {
  private ClusterSection() {}

  static ClusterConfig read(Cursor c, Binds binds) {
    Cursor.Fields f = c.fields("name", "bind", "members", "kubernetes");
    String name = f.get("name").scalar(Values.NAME, Syntax::name, ClusterConfig.DEFAULT_NAME);
    Cursor bc = f.get("bind");
    HostPort bind = bc.scalar(Values.BIND, s -> Syntax.hostPort(s, 0), ClusterConfig.DEFAULT_BIND);
    binds.add("cluster.bind", bind, bc);
    List<HostPort> members = new ArrayList<>();
    for (Cursor m : f.get("members").items("a list of HOST:PORT")) {
      if (m.require(Values.BIND)) {
        HostPort hp = m.scalar(Values.BIND, s -> Syntax.hostPort(s, 1));
        if (hp != null) {
          members.add(hp);
        }
      }
    }
    String serviceDns = null;
    Cursor k = f.get("kubernetes");
    if (k.present()) {
      Cursor dns = k.fields("service-dns").get("service-dns");
      if (dns.require(Values.DNS_NAME)) {
        serviceDns = dns.scalar(Values.DNS_NAME, s -> Syntax.dnsName(s) ? s : null);
      }
    }
    return new ClusterConfig(name, bind, members, serviceDns);
  }
}
