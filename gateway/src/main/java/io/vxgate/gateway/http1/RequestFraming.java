package io.vxgate.gateway.http1;

import static java.util.Objects.requireNonNull;

/**
 * How a request's body is delimited, decided from its head alone (RFC 9112 sections 6.1 and 6.3),
 * strictly: where the RFC lets a server choose between reading a message one way and refusing it,
 * the gateway refuses, because an origin might read it the other way (request smuggling).
 *
 * <ul>
 *   <li>Transfer-Encoding: on HTTP/1.0, in more than one field line, or together with
 *       Content-Length: 400. Exactly {@code chunked}: a chunked body. {@code chunked} anywhere but
 *       last: 400. Any other coding: 501 (the gateway implements none).
 *   <li>Content-Length: in more than one field line, a list (even {@code 5, 5}), or not a decimal
 *       number: 400. Zero: no body. Otherwise a body of that length.
 *   <li>Neither: no body.
 * </ul>
 *
 * @param kind how the body is delimited, or {@link Kind#REJECT}
 * @param length the body's length for {@link Kind#LENGTH}; 0 for {@link Kind#NONE}; -1 otherwise
 * @param status the status refusing the request for {@link Kind#REJECT} (400 or 501); 0 otherwise
 */
public record RequestFraming(Kind kind, long length, int status) {
  /** How a request body is delimited. */
  public enum Kind {
    /** No body (no framing field, or Content-Length: 0). */
    NONE,
    /** Content-Length bytes, at least one. */
    LENGTH,
    /** The chunked coding. */
    CHUNKED,
    /** The framing is malformed or not implemented: refused with {@link #status}. */
    REJECT
  }

  /** No body. */
  public static final RequestFraming NONE = new RequestFraming(Kind.NONE, 0, 0);

  /** A chunked body. */
  public static final RequestFraming CHUNKED = new RequestFraming(Kind.CHUNKED, -1, 0);

  /** Ambiguous or malformed framing. */
  public static final RequestFraming BAD_REQUEST = new RequestFraming(Kind.REJECT, -1, 400);

  /** A transfer coding the gateway does not implement. */
  public static final RequestFraming NOT_IMPLEMENTED = new RequestFraming(Kind.REJECT, -1, 501);

  /**
   * The {@link Kind#LENGTH} results of lengths below this are made once and kept (as {@code
   * Integer.valueOf} keeps small integers), so that the request path allocates nothing for them; a
   * larger body costs one small object next to its buffers.
   */
  private static final int CACHED_LENGTHS = 4096;

  private static final RequestFraming[] LENGTHS = new RequestFraming[CACHED_LENGTHS];

  public RequestFraming {
    requireNonNull(kind, "kind");
  }

  /**
   * The framing of a request with these fields (values as {@link HeadParser} leaves them: without
   * surrounding whitespace). Allocates nothing but for a body of 4 KiB or more.
   *
   * @param version 10 or 11 (HTTP/1.0 or HTTP/1.1)
   */
  public static RequestFraming of(HeaderFields fields, int version) {
    String te = fields.get("Transfer-Encoding");
    String cl = fields.get("Content-Length");
    if (te != null) {
      if (fields.count("Transfer-Encoding") > 1 || version == 10 || cl != null) {
        return BAD_REQUEST;
      }
      te = te.trim();
      if (te.equalsIgnoreCase("chunked")) {
        return CHUNKED;
      }
      return chunkedNotLast(te) ? BAD_REQUEST : NOT_IMPLEMENTED;
    }
    if (cl == null) {
      return NONE;
    }
    long length = fields.count("Content-Length") > 1 ? -1 : HeaderFields.parseLength(cl);
    if (length < 0) {
      return BAD_REQUEST;
    }
    return length == 0 ? NONE : length(length);
  }

  private static RequestFraming length(long length) {
    if (length >= CACHED_LENGTHS) {
      return new RequestFraming(Kind.LENGTH, length, 0);
    }
    // Racy on purpose: two threads may both make one, either is right (a record is immutable).
    RequestFraming f = LENGTHS[(int) length];
    if (f == null) {
      f = new RequestFraming(Kind.LENGTH, length, 0);
      LENGTHS[(int) length] = f;
    }
    return f;
  }

  /** Whether a request with this framing has a body to read. */
  public boolean hasBody() {
    return kind == Kind.LENGTH || kind == Kind.CHUNKED;
  }

  /** Whether a Transfer-Encoding list names chunked, but not as its last coding. */
  // String.split drops trailing empty elements, as an HTTP list may end with one (RFC 9110 5.6.1)
  @SuppressWarnings("StringSplitter")
  private static boolean chunkedNotLast(String te) {
    String[] codings = te.split(",");
    for (int i = 0; i < codings.length - 1; i++) {
      if (codings[i].trim().equalsIgnoreCase("chunked")) {
        return true;
      }
    }
    return false;
  }
}
