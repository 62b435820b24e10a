package io.vxgate.config;

import java.net.URI;
import java.net.URISyntaxException;
import org.jspecify.annotations.Nullable;

/** Reads {@code tracing:} (docs/configuration.md, section "tracing"). */
final class TracingSection {
  static final String URL = "an http:// or https:// URL";
  static final String RATIO = "a number 0..1";

  private TracingSection() {}

  static TracingConfig read(Cursor c) {
    if (!c.present()) {
      return TracingConfig.DEFAULT;
    }
    Cursor.Fields f = c.fields("otlp", "sample");
    String otlp = f.get("otlp").scalar(URL, TracingSection::url);
    double sample =
        f.get("sample").scalar(RATIO, TracingSection::ratio, TracingConfig.DEFAULT_SAMPLE);
    return new TracingConfig(otlp, sample);
  }

  /** An http(s) URL with a host; one without a path gets OTLP's traces path, {@code /v1/traces}. */
  static @Nullable String url(String s) {
    try {
      URI u = new URI(s.trim());
      String scheme = u.getScheme();
      if (scheme == null
          || !(scheme.equalsIgnoreCase("http") || scheme.equalsIgnoreCase("https"))
          || u.getHost() == null
          || u.getRawQuery() != null
          || u.getRawFragment() != null) {
        return null;
      }
      String path = u.getRawPath();
      return path == null || path.isEmpty() || path.equals("/")
          ? scheme.toLowerCase(java.util.Locale.ROOT) + "://" + u.getRawAuthority() + "/v1/traces"
          : u.toString();
    } catch (URISyntaxException e) {
      return null;
    }
  }

  private static @Nullable Double ratio(String s) {
    try {
      double d = Double.parseDouble(s.trim());
      return d >= 0 && d <= 1 ? d : null;
    } catch (NumberFormatException e) {
      return null;
    }
  }
}
