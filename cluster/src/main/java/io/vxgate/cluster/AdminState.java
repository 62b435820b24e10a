package io.vxgate.cluster;

import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * A server's operator state (HAProxy's READY / DRAIN / MAINT), cluster-wide: it travels with the
 * config versions ({@link AdminStates}) and every node applies it. The JSON names ({@link #json()})
 * and the verbs of the admin API ({@link #action()}) are defined here and nowhere else.
 */
public enum AdminState {
  /** Takes new requests. */
  ENABLED("enabled", "enable"),
  /** Takes no new requests (sticky ones included); in-flight requests finish. */
  DRAIN("drain", "drain"),
  /** Takes nothing; health checks continue so the state is known when re-enabled. */
  DISABLED("disabled", "disable");

  /** The JSON names, in order: {@code enabled, drain, disabled}. */
  public static final List<String> NAMES = Stream.of(values()).map(AdminState::json).toList();

  private final String json;
  private final String action;

  AdminState(String json, String action) {
    this.json = json;
    this.action = action;
  }

  /** The JSON name: {@code enabled}, {@code drain} or {@code disabled}. */
  public String json() {
    return json;
  }

  /**
   * The admin API's verb that sets this state: {@code enable}, {@code drain} or {@code disable}.
   */
  public String action() {
    return action;
  }

  /** The state of a JSON name, or null when {@code name} is none. */
  public static @Nullable AdminState fromJson(String name) {
    for (AdminState s : values()) {
      if (s.json.equals(name)) {
        return s;
      }
    }
    return null;
  }

  /** The state an admin API verb sets, or null when {@code verb} is none. */
  public static @Nullable AdminState ofAction(String verb) {
    for (AdminState s : values()) {
      if (s.action.equals(verb)) {
        return s;
      }
    }
    return null;
  }

  /** {@code one of enabled, drain, disabled}, for error messages. */
  public static String expected() {
    return "one of " + String.join(", ", NAMES);
  }
}
