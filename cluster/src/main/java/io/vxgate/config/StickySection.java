package io.vxgate.config;

import io.vxgate.config.UpstreamConfig.StickyConfig;
import java.time.Duration;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Reads an upstream's {@code sticky:} (docs/configuration.md, section "upstreams"). */
final class StickySection {
  private StickySection() {}

  /** The section, or null (no sticky sessions) when absent. */
  static @Nullable StickyConfig read(Cursor c) {
    if (!c.present()) {
      return null;
    }
    Cursor.Fields f = c.fields("cookie", "path", "http-only", "secure", "same-site", "max-age");
    Cursor cc = f.get("cookie");
    String cookie = cc.require("a cookie name") ? cc.scalar("a cookie name", Syntax::token) : null;
    String path = f.get("path").scalar(Values.PATH, Values::path, StickyConfig.DEFAULT_PATH);
    boolean httpOnly =
        f.get("http-only").scalar(Values.BOOL, Syntax::bool, StickyConfig.DEFAULT_HTTP_ONLY);
    boolean secure = f.get("secure").scalar(Values.BOOL, Syntax::bool, false);
    String sameSite =
        f.get("same-site")
            .scalar(
                "Strict, Lax or None",
                s ->
                    switch (s.toLowerCase(Locale.ROOT)) {
                      case "strict" -> "Strict";
                      case "lax" -> "Lax";
                      case "none" -> "None";
                      default -> null;
                    },
                StickyConfig.DEFAULT_SAME_SITE);
    Duration maxAge = f.get("max-age").scalar(Values.POSITIVE_DURATION, Values::positive);
    return new StickyConfig(
        cookie == null ? "?" : cookie, path, httpOnly, secure, sameSite, maxAge);
  }
}
