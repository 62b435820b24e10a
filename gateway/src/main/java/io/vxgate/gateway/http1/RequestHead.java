package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;

/**
 * A request line and its header fields. The method and target keep the bytes the client sent; the
 * gateway rewrites the target and the fields in place before writing the head to an origin.
 */
public final class RequestHead {
  private final String method;
  private String target;
  private int version;
  private final HeaderFields fields;

  /**
   * @param version 10 for HTTP/1.0, 11 for HTTP/1.1 (and HTTP/2 requests, which reach origins as
   *     HTTP/1.1)
   */
  public RequestHead(String method, String target, int version, HeaderFields fields) {
    this.method = method;
    this.target = target;
    this.version = version;
    this.fields = fields;
  }

  public String method() {
    return method;
  }

  /** The request target (origin-form, absolute-form, authority-form or {@code *}). */
  public String target() {
    return target;
  }

  public void target(String target) {
    this.target = target;
  }

  /** 10 or 11. */
  public int version() {
    return version;
  }

  public void version(int version) {
    this.version = version;
  }

  public HeaderFields fields() {
    return fields;
  }

  public boolean isHead() {
    return method.equals("HEAD");
  }

  /** Writes the request line and fields, ended by the empty line. */
  public void writeTo(ByteBuf out) {
    ByteBufUtil.writeAscii(out, method);
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, target);
    out.writeBytes(version == 10 ? HTTP10_CRLF : HTTP11_CRLF);
    fields.writeTo(out);
    out.writeShort(HeaderFields.CRLF);
  }

  /** An estimate of the bytes {@link #writeTo} writes. */
  public int encodedLength() {
    return method.length() + target.length() + 15 + fields.encodedLength();
  }

  private static final byte[] HTTP10_CRLF =
      " HTTP/1.0\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);
  private static final byte[] HTTP11_CRLF =
      " HTTP/1.1\r\n".getBytes(java.nio.charset.StandardCharsets.US_ASCII);

  @Override
  public String toString() {
    return method + " " + target + " HTTP/1." + (version - 10) + "\n" + fields;
  }
}
