package io.vxgate.gateway.node;

import io.vxgate.config.AccessLogConfig;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.TracingConfig;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import org.jspecify.annotations.Nullable;

/**
 * What a reload changes of the access log and the span export, in words for its report ({@code
 * access-log: json to file /var/log/vxgate/access.log (was: combined to stdout)}), and whether the
 * access log must switch to a new setup (docs/operations.md, "Reloading").
 */
final class AccessLogChanges {
  private AccessLogChanges() {}

  /**
   * Whether the access log needs a new setup: its section changed, or the OTLP endpoint did (the
   * sampling ratio is read from the snapshot).
   */
  static boolean reopens(GatewayConfig before, GatewayConfig after) {
    return !Objects.equals(before.accessLog(), after.accessLog())
        || !Objects.equals(before.tracing().otlp(), after.tracing().otlp());
  }

  /** The changes in words; empty when there are none. */
  static List<String> of(GatewayConfig before, GatewayConfig after) {
    List<String> out = new ArrayList<>();
    if (!Objects.equals(before.accessLog(), after.accessLog())) {
      out.add(
          "access-log: "
              + describe(after.accessLog())
              + " (was: "
              + describe(before.accessLog())
              + ")");
    }
    TracingConfig a = before.tracing();
    TracingConfig b = after.tracing();
    if (!Objects.equals(a.otlp(), b.otlp())) {
      out.add("tracing.otlp: " + otlp(b) + " (was: " + otlp(a) + ")");
    }
    if (a.sample() != b.sample()) {
      out.add("tracing.sample: " + b.sample() + " (was: " + a.sample() + ")");
    }
    return out;
  }

  private static String otlp(TracingConfig t) {
    return t.otlp() == null ? "none" : t.otlp();
  }

  /** {@code json to file /x.log}, {@code off}. */
  static String describe(@Nullable AccessLogConfig c) {
    if (c == null) {
      return "off";
    }
    String to =
        c.destination() instanceof AccessLogConfig.File f
            ? "file " + f.path()
            : c.destination() instanceof AccessLogConfig.Syslog s
                ? "syslog " + s.address()
                : "stdout";
    String format =
        c.format() == AccessLogConfig.Format.CUSTOM
            ? "custom '" + c.template() + "'"
            : c.format().configName();
    return format
        + " to "
        + to
        + (c.queue() == AccessLogConfig.DEFAULT_QUEUE ? "" : ", queue " + c.queue());
  }
}
