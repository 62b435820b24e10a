package io.vxgate.config;

import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** Conditions under which a request is tried again on the next server ({@code retry-on:}). */
public enum RetryOn {
  /** The TCP connection could not be established; nothing was sent. */
  CONNECT_FAILURE("connect-failure"),
  /** The connection was reset or closed before a complete response header arrived. */
  RESET("reset"),
  /** No response header within {@code timeouts.response}. */
  TIMEOUT("timeout"),
  HTTP_500("500"),
  HTTP_502("502"),
  HTTP_503("503"),
  HTTP_504("504");

  private final String configName;

  RetryOn(String configName) {
    this.configName = configName;
  }

  /** The name written in the config file. */
  public String configName() {
    return configName;
  }

  /** The value for a config name, or null. */
  public static @Nullable RetryOn of(String name) {
    for (RetryOn r : values()) {
      if (r.configName.equals(name.toLowerCase(Locale.ROOT))) {
        return r;
      }
    }
    return null;
  }

  /** The value for an origin status, or null when that status is not a retry condition. */
  public static @Nullable RetryOn ofStatus(int status) {
    return switch (status) {
      case 500 -> HTTP_500;
      case 502 -> HTTP_502;
      case 503 -> HTTP_503;
      case 504 -> HTTP_504;
      default -> null;
    };
  }
}
