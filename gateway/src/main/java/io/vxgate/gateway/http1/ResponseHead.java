package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.handler.codec.http.HttpResponseStatus;
import java.nio.charset.StandardCharsets;
import org.jspecify.annotations.Nullable;

/** A status line and its header fields. */
public final class ResponseHead {
  private final int status;
  private @Nullable String reason;
  private int version;
  private final HeaderFields fields;

  /**
   * @param version 10 or 11
   * @param reason null: the standard phrase of {@code status}
   */
  public ResponseHead(int version, int status, @Nullable String reason, HeaderFields fields) {
    this.version = version;
    this.status = status;
    this.reason = reason;
    this.fields = fields;
  }

  public int status() {
    return status;
  }

  /** The reason phrase: the origin's, or the standard one. */
  public String reason() {
    return reason != null ? reason : HttpResponseStatus.valueOf(status).reasonPhrase();
  }

  public int version() {
    return version;
  }

  public void version(int version) {
    this.version = version;
  }

  public HeaderFields fields() {
    return fields;
  }

  /** Writes the status line and fields, ended by the empty line. */
  public void writeTo(ByteBuf out) {
    out.writeBytes(version == 10 ? HTTP10 : HTTP11);
    byte[] code = status >= 100 && status < 600 ? CODES[status - 100] : null;
    if (code != null) {
      out.writeBytes(code);
    } else {
      ByteBufUtil.writeAscii(out, Integer.toString(status));
    }
    out.writeByte(' ');
    ByteBufUtil.writeAscii(out, reason());
    out.writeShort(HeaderFields.CRLF);
    fields.writeTo(out);
    out.writeShort(HeaderFields.CRLF);
  }

  /** An estimate of the bytes {@link #writeTo} writes. */
  public int encodedLength() {
    return 18 + reason().length() + fields.encodedLength();
  }

  private static final byte[] HTTP10 = "HTTP/1.0 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[] HTTP11 = "HTTP/1.1 ".getBytes(StandardCharsets.US_ASCII);
  private static final byte[][] CODES = new byte[500][];

  static {
    for (int i = 0; i < CODES.length; i++) {
      CODES[i] = Integer.toString(100 + i).getBytes(StandardCharsets.US_ASCII);
    }
  }

  @Override
  public String toString() {
    return "HTTP/1." + (version - 10) + " " + status + " " + reason() + "\n" + fields;
  }
}
