package io.vxgate.config;

import java.time.Duration;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;

/** Reads {@code node:} (docs/configuration.md, section "node"). */
final class NodeSection {
  private NodeSection() {}

  /**
   * @param hostname the default {@code node.id}, asked only when it is not set
   */
  static NodeConfig read(Cursor c, Supplier<String> hostname) {
    Cursor.Fields f = c.fields("id", "datacenter", "advertise", "shutdown-grace");
    Cursor idc = f.get("id");
    String id = idc.scalar(Values.NAME, Syntax::name);
    if (!idc.present()) {
      id = hostname.get();
      if (Syntax.name(id) == null) {
        idc.error(id, Values.NAME + " (node.id is not set: the host name is used)");
      }
    }
    String dc =
        f.get("datacenter").scalar(Values.NAME, Syntax::name, NodeConfig.DEFAULT_DATACENTER);
    String advertise =
        f.get("advertise").scalar("a host name or IP address", NodeSection::bareHost);
    Duration grace =
        f.get("shutdown-grace")
            .scalar(Values.DURATION, Syntax::duration, NodeConfig.DEFAULT_SHUTDOWN_GRACE);
    return new NodeConfig(id == null ? "?" : id, dc, advertise, grace);
  }

  private static @Nullable String bareHost(String s) {
    String h = s.startsWith("[") && s.endsWith("]") ? s.substring(1, s.length() - 1) : s;
    return Syntax.host(h) ? h : null;
  }
}
