package io.vxgate.config;

import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

/** Reads an upstream's {@code servers:} (docs/configuration.md, section "upstreams"). */
final class ServersSection {
  static final String ADDRESS = "HOST:PORT or https://HOST:PORT";

  private ServersSection() {}

  static List<ServerConfig> read(Cursor c) {
    List<ServerConfig> out = new ArrayList<>();
    if (!c.require("a list of servers")) {
      return out;
    }
    List<Cursor> items = c.items("a list of servers");
    Map<String, String> names = new HashMap<>();
    boolean primary = false;
    for (Cursor s : items) {
      Cursor.Fields f = s.fields("name", "address", "weight", "datacenter", "backup", "max-conns");
      if (!s.present()) {
        s.missing("a server");
        continue;
      }
      if (s.notMapping()) {
        primary = true; // already reported; do not also claim that every server is a backup
        continue;
      }
      String name =
          Values.uniqueName(
              f.get("name"), names, s.path().substring(s.path().lastIndexOf('.') + 1));
      Cursor ac = f.get("address");
      Syntax.ServerAddress address =
          ac.require(ADDRESS) ? ac.scalar(ADDRESS, Syntax::serverAddress) : null;
      int weight =
          f.get("weight")
              .scalar("1..256", v -> Values.integer(v, 1, 256), ServerConfig.DEFAULT_WEIGHT);
      String dc = f.get("datacenter").scalar(Values.NAME, Syntax::name);
      boolean backup = f.get("backup").scalar(Values.BOOL, Syntax::bool, false);
      int maxConns =
          f.get("max-conns")
              .scalar("an integer >= 0", v -> Values.integer(v, 0, Integer.MAX_VALUE), 0);
      primary |= !backup;
      if (name != null && address != null) {
        out.add(
            new ServerConfig(
                name, address.hostPort(), weight, dc, backup, maxConns, address.tls()));
      }
    }
    if (!primary && c.raw() instanceof List) {
      String shown =
          out.stream().map(ServerConfig::name).collect(Collectors.joining(", ", "[", "]"));
      c.error(shown, "at least one server with backup: false");
    }
    return out;
  }
}
