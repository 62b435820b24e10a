package io.vxgate.config;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import org.jspecify.annotations.Nullable;

/** Reads {@code cluster:} (docs/configuration.md, section "cluster"). */
final class ClusterSection {
  private static final String SECONDS = "a whole number of seconds, at least 1s, like 1s, 5s or 1m";

  private ClusterSection() {}

  static ClusterConfig read(Cursor c, ConfigFiles files, Binds binds) {
    Cursor.Fields f =
        c.fields(
            "name",
            "bind",
            "members",
            "kubernetes",
            "tls",
            "heartbeat-interval",
            "failure-timeout",
            "merge-delay");
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
    ClusterConfig.Tls tls = tls(f.get("tls"), files);
    Duration heartbeat =
        f.get("heartbeat-interval")
            .scalar(SECONDS, ClusterSection::seconds, ClusterConfig.DEFAULT_HEARTBEAT_INTERVAL);
    Cursor fc = f.get("failure-timeout");
    Duration failure =
        fc.scalar(SECONDS, ClusterSection::seconds, ClusterConfig.DEFAULT_FAILURE_TIMEOUT);
    if (failure.compareTo(heartbeat.multipliedBy(2)) < 0 && fc.present()) {
      fc.error(
          String.valueOf(fc.raw()),
          "at least twice cluster.heartbeat-interval (" + heartbeat + ")");
    }
    Duration merge =
        f.get("merge-delay")
            .scalar(SECONDS, ClusterSection::seconds, ClusterConfig.DEFAULT_MERGE_DELAY);
    return new ClusterConfig(name, bind, members, serviceDns, tls, heartbeat, failure, merge);
  }

  /** {@code cluster.tls}, or null when absent. */
  private static ClusterConfig.@Nullable Tls tls(Cursor c, ConfigFiles files) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("cert", "key", "ca");
    if (c.notMapping()) {
      return null;
    }
    String cert = files.file(f.get("cert"));
    String key = files.file(f.get("key"));
    String ca = files.file(f.get("ca"));
    return cert == null || key == null || ca == null ? null : new ClusterConfig.Tls(cert, key, ca);
  }

  private static @Nullable Duration seconds(String s) {
    Duration d = Syntax.duration(s);
    return d == null || d.toSeconds() < 1 || d.toMillis() % 1000 != 0 ? null : d;
  }
}
