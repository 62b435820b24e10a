package io.vxgate.admin;

import java.util.List;

/** A refused admin command: an HTTP-like code (400, 401, 404, 409) and every error. */
final class CommandException extends RuntimeException {
  private static final long serialVersionUID = 1L;

  private final int code;
  private final List<String> errors;

  CommandException(int code, List<String> errors) {
    super(String.join("; ", errors), null, false, false);
    this.code = code;
    this.errors = List.copyOf(errors);
  }

  CommandException(int code, String error) {
    this(code, List.of(error));
  }

  int code() {
    return code;
  }

  List<String> errors() {
    return errors;
  }
}
