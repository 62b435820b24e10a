package io.vxgate.gateway.http1;

/**
 * A message that cannot be parsed, with the status a client gets for it: 400 (malformed), 414
 * (request line too long), 431 (header section too large), 501 (a transfer coding the gateway does
 * not implement) or 505 (HTTP version). Without a stack trace: it is a verdict on input, not a bug.
 */
public final class Http1Exception extends Exception {
  private final int status;

  public Http1Exception(int status, String message) {
    super(message, null, false, false);
    this.status = status;
  }

  public int status() {
    return status;
  }
}
