package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import org.jspecify.annotations.Nullable;

/**
 * Reads one HTTP/1 message head (request or status line, header fields, empty line) from a byte
 * stream, strictly (RFC 9112): lines end with CRLF (a bare LF or a CR elsewhere is refused), field
 * names are tokens with no whitespace before the colon, values have no control character but HTAB,
 * obs-fold is replaced by one space. The head may arrive in any number of reads; the bytes after it
 * (a body, a pipelined request) are left in the buffer. One parser per connection, reset after each
 * head; confined to the connection's event loop.
 */
public final class HeadParser {
  private final boolean request;
  private final int maxLine;
  private final int maxHead;
  private byte[] buf = new byte[256];
  private int len;
  private int lineStart;

  /** The positions of the LFs that end the lines read so far. */
  private int[] lfs = new int[16];

  private int lines;
  private boolean started;
  private @Nullable RequestHead requestHead;
  private @Nullable ResponseHead responseHead;

  /**
   * @param request whether it reads requests (else responses)
   * @param maxLine the longest start line (414 beyond it, for requests)
   * @param maxHead the largest head, start line included (431 beyond it)
   */
  public HeadParser(boolean request, int maxLine, int maxHead) {
    this.request = request;
    this.maxLine = maxLine;
    this.maxHead = maxHead;
  }

  /** Forgets a partly read head (the next byte starts a new message). */
  public void reset() {
    len = 0;
    lineStart = 0;
    lines = 0;
    started = false;
    requestHead = null;
    responseHead = null;
    if (buf.length > 4096) {
      buf = new byte[256];
    }
  }

  /** Whether some bytes of a head were read (a message started). */
  public boolean started() {
    return started;
  }

  /**
   * Reads from {@code in} until a head is complete: true then, with {@code in} positioned right
   * after it; false when every byte of {@code in} was consumed and more are needed.
   *
   * @throws Http1Exception when the head is malformed or too large
   */
  public boolean feed(ByteBuf in) throws Http1Exception {
    if (!started) {
      // Empty lines (and stray whitespace) before a start line are ignored (RFC 9112 section 2.2).
      int i = in.readerIndex();
      int end = in.writerIndex();
      while (i < end && (in.getByte(i) & 0xff) <= ' ') {
        i++;
      }
      in.readerIndex(i);
      if (i == end) {
        return false;
      }
      started = true;
    }
    while (in.isReadable()) {
      int lf = in.forEachByte(ByteProcessor.FIND_LF);
      int take = (lf < 0 ? in.writerIndex() : lf + 1) - in.readerIndex();
      checkLimits(take, lf >= 0);
      ensure(len + take);
      in.readBytes(buf, len, take);
      len += take;
      if (lf < 0) {
        return false;
      }
      int lineEnd = len - 1; // the LF
      if (lineEnd == lineStart || buf[lineEnd - 1] != '\r') {
        throw new Http1Exception(request ? 400 : 502, "a line not ended by CRLF");
      }
      if (lineEnd == lineStart + 1) {
        parse();
        return true;
      }
      if (lines == lfs.length) {
        lfs = Arrays.copyOf(lfs, lines * 2);
      }
      lfs[lines++] = lineEnd;
      lineStart = len;
    }
    return false;
  }

  private void checkLimits(int take, boolean lineEnds) throws Http1Exception {
    int lineLength = len + take - lineStart - (lineEnds ? 2 : 0);
    if (lineStart == 0 && lineLength > maxLine) {
      throw new Http1Exception(request ? 414 : 502, "start line longer than " + maxLine + " bytes");
    }
    if (len + take > maxHead + 2) {
      throw new Http1Exception(
          request ? 431 : 502, "header section larger than " + maxHead + " bytes");
    }
  }

  private void ensure(int n) {
    if (n > buf.length) {
      buf = Arrays.copyOf(buf, Math.max(n, buf.length * 2));
    }
  }

  /** The request head read, or null until one is complete. */
  public @Nullable RequestHead request() {
    return requestHead;
  }

  /** The response head read, or null until one is complete. */
  public @Nullable ResponseHead response() {
    return responseHead;
  }

  // ---- parsing the complete head in buf[0, len)

  private void parse() throws Http1Exception {
    if (lines == 0) {
      throw new Http1Exception(request ? 400 : 502, "no start line");
    }
    int firstLf = lfs[0];
    int firstEnd = firstLf - 1;
    HeaderFields fields = new HeaderFields(Math.max(4, lines + 4));
    int pos = firstLf + 1;
    for (int line = 1; line < lines; line++) {
      int lf = lfs[line];
      int e = lf - 1;
      byte b = buf[pos];
      if (b == ' ' || b == '\t') {
        if (fields.size() == 0) {
          throw new Http1Exception(request ? 400 : 502, "a continuation line without a field");
        }
        String more = trimmedValue(pos, e);
        int last = fields.size() - 1;
        String prev = fields.value(last);
        fields.value(last, prev.isEmpty() ? more : more.isEmpty() ? prev : prev + ' ' + more);
      } else {
        int colon = -1;
        for (int i = pos; i < e; i++) {
          if (buf[i] == ':') {
            colon = i;
            break;
          }
          if (!Tokens.isTokenChar(buf[i])) {
            throw new Http1Exception(request ? 400 : 502, "invalid field name");
          }
        }
        if (colon <= pos) {
          throw new Http1Exception(
              request ? 400 : 502,
              colon < 0 ? "a field line without a colon" : "an empty field name");
        }
        fields.add(name(pos, colon), trimmedValue(colon + 1, e));
      }
      pos = lf + 1;
    }
    if (request) {
      requestHead = requestLine(firstEnd, fields);
    } else {
      responseHead = statusLine(firstEnd, fields);
    }
  }

  /** A field name: a shared constant for the common ones, else a new string. */
  private String name(int start, int end) {
    int n = end - start;
    if (n < KNOWN.length) {
      String[] candidates = KNOWN[n];
      if (candidates != null) {
        for (String k : candidates) {
          if (k.charAt(0) == buf[start] && matches(k, start)) {
            return k;
          }
        }
      }
    }
    return latin1(start, end);
  }

  private boolean matches(String k, int start) {
    for (int i = 1, n = k.length(); i < n; i++) {
      if (k.charAt(i) != buf[start + i]) {
        return false;
      }
    }
    return true;
  }

  /** Common field names by length, in their usual spelling. */
  private static final String[][] KNOWN = new String[32][];

  static {
    String[] names = {
      "Host",
      "host",
      "User-Agent",
      "user-agent",
      "Accept",
      "accept",
      "Accept-Encoding",
      "accept-encoding",
      "Accept-Language",
      "accept-language",
      "Connection",
      "connection",
      "Content-Length",
      "content-length",
      "Content-Type",
      "content-type",
      "Cookie",
      "cookie",
      "Transfer-Encoding",
      "transfer-encoding",
      "Date",
      "date",
      "Server",
      "server",
      "Cache-Control",
      "cache-control",
      "Upgrade",
      "upgrade",
      "Authorization",
      "authorization",
      "Referer",
      "referer",
      "Origin",
      "origin",
      "Set-Cookie",
      "set-cookie",
      "Last-Modified",
      "last-modified",
      "ETag",
      "etag",
      "Vary",
      "vary",
      "Location",
      "location",
      "Keep-Alive",
      "keep-alive",
      "Expires",
      "expires",
      "Content-Encoding",
      "content-encoding",
      "X-Forwarded-For",
      "X-Forwarded-Proto",
      "X-Forwarded-Host",
      "X-Real-IP",
      "X-Request-Id"
    };
    for (String name : names) {
      String[] old = KNOWN[name.length()];
      String[] now = old == null ? new String[1] : Arrays.copyOf(old, old.length + 1);
      now[now.length - 1] = name;
      KNOWN[name.length()] = now;
    }
  }

  /** A field value between {@code start} and {@code end}, without leading/trailing whitespace. */
  private String trimmedValue(int start, int end) throws Http1Exception {
    while (start < end && (buf[start] == ' ' || buf[start] == '\t')) {
      start++;
    }
    while (end > start && (buf[end - 1] == ' ' || buf[end - 1] == '\t')) {
      end--;
    }
    for (int i = start; i < end; i++) {
      int c = buf[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new Http1Exception(request ? 400 : 502, "a control character in a field value");
      }
    }
    return latin1(start, end);
  }

  private String latin1(int start, int end) {
    return new String(buf, start, end - start, StandardCharsets.ISO_8859_1);
  }

  private RequestHead requestLine(int end, HeaderFields fields) throws Http1Exception {
    int sp1 = -1;
    for (int i = 0; i < end; i++) {
      byte b = buf[i];
      if (b == ' ') {
        sp1 = i;
        break;
      }
      if (!Tokens.isTokenChar(b)) {
        throw new Http1Exception(400, "invalid method");
      }
    }
    if (sp1 <= 0) {
      throw new Http1Exception(400, "no method");
    }
    int sp2 = -1;
    for (int i = sp1 + 1; i < end; i++) {
      int c = buf[i] & 0xff;
      if (c == ' ') {
        sp2 = i;
        break;
      }
      if (!RequestLines.isTargetByte(c)) {
        throw new Http1Exception(400, "invalid request target");
      }
    }
    if (sp2 <= sp1 + 1) {
      throw new Http1Exception(400, "no request target");
    }
    int version = version(sp2 + 1, end);
    return new RequestHead(latin1(0, sp1), latin1(sp1 + 1, sp2), version, fields);
  }

  /** 10 or 11 for {@code HTTP/1.0} or {@code HTTP/1.1}; 505 for another HTTP version. */
  private int version(int start, int end) throws Http1Exception {
    if (end - start == 8
        && buf[start] == 'H'
        && buf[start + 1] == 'T'
        && buf[start + 2] == 'T'
        && buf[start + 3] == 'P'
        && buf[start + 4] == '/'
        && buf[start + 6] == '.'
        && isDigit(buf[start + 5])
        && isDigit(buf[start + 7])) {
      if (buf[start + 5] == '1' && (buf[start + 7] == '1' || buf[start + 7] == '0')) {
        return buf[start + 7] == '1' ? 11 : 10;
      }
      throw new Http1Exception(request ? 505 : 502, "HTTP version not supported");
    }
    throw new Http1Exception(request ? 400 : 502, "invalid HTTP version");
  }

  private ResponseHead statusLine(int end, HeaderFields fields) throws Http1Exception {
    if (end < 12 || buf[8] != ' ' || (end > 12 && buf[12] != ' ')) {
      throw new Http1Exception(502, "invalid status line");
    }
    int version = version(0, 8);
    int status = 0;
    for (int i = 9; i < 12; i++) {
      if (!isDigit(buf[i])) {
        throw new Http1Exception(502, "invalid status code");
      }
      status = status * 10 + (buf[i] - '0');
    }
    if (status < 100) {
      throw new Http1Exception(502, "invalid status code");
    }
    String reason = null;
    if (end > 13) {
      for (int i = 13; i < end; i++) {
        int c = buf[i] & 0xff;
        if ((c < 0x20 && c != '\t') || c == 0x7f) {
          throw new Http1Exception(502, "a control character in the reason phrase");
        }
      }
      reason = latin1(13, end);
    }
    return new ResponseHead(version, status, reason, fields);
  }

  private static boolean isDigit(byte b) {
    return b >= '0' && b <= '9';
  }
}
