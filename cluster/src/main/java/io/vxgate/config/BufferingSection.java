package io.vxgate.config;

import java.nio.file.Path;

/**
 * Reads {@code buffering:} (docs/configuration.md, section "buffering") in its three places: an
 * upstream's ({@link #upstream}), a route's override of it ({@link #route}) and the node-local
 * top-level section ({@link #node}). Defaults are {@link BufferingConfig#DEFAULT} and {@link
 * BufferingConfig.NodeLimits#DEFAULT}.
 */
final class BufferingSection {
  static final String SIZE = "a size like 64k, 100m, 1g or plain bytes";

  private BufferingSection() {}

  /** An upstream's {@code buffering:}; the defaults for what is not set. */
  static BufferingConfig upstream(Cursor c) {
    BufferingConfig.RouteOverride o = route(c);
    return o.over(BufferingConfig.DEFAULT);
  }

  /** A route's {@code buffering:}: only what it sets (null for each key that is absent). */
  static BufferingConfig.RouteOverride route(Cursor c) {
    Cursor.Fields f = c.fields("request", "response", "memory", "max-temp-file");
    return new BufferingConfig.RouteOverride(
        f.get("request").scalar(Values.ON_OFF, Values::onOff),
        f.get("response").scalar(Values.ON_OFF, Values::onOff),
        f.get("memory").scalar(SIZE, Syntax::size),
        f.get("max-temp-file").scalar(SIZE, Syntax::size));
  }

  /** The top-level, node-local {@code buffering:}. */
  static BufferingConfig.NodeLimits node(Cursor c, ConfigFiles files) {
    Cursor.Fields f = c.fields("node-memory", "temp-dir");
    Long memory = f.get("node-memory").scalar(SIZE, Syntax::size);
    Cursor dc = f.get("temp-dir");
    String dir = dc.scalar("a directory path", s -> s.isEmpty() ? null : s);
    if (dir != null && !files.json()) {
      Path p = files.resolve(dc, dir);
      dir = p == null ? null : p.toString();
    }
    return new BufferingConfig.NodeLimits(memory, dir);
  }
}
