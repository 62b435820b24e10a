package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.util.ByteProcessor;

/**
 * Reads one message body from a byte stream and hands its data on as retained slices of the buffers
 * read (no copy): a fixed length, the chunked coding (sizes, extensions and trailer fields are
 * checked and dropped, the data is passed on), or everything until the connection closes. Bytes
 * after the body stay in the buffer. Strict like {@link HeadParser}: a malformed chunk size or
 * framing is an error. Confined to one connection's event loop.
 */
public final class BodyDecoder {
  /** Where the data goes. */
  public interface Sink {
    /** A part of the body; the sink owns the slice. */
    void data(ByteBuf slice);
  }

  /** The framing of a body. */
  public enum Framing {
    /** No body. */
    NONE,
    /** Content-Length bytes. */
    LENGTH,
    /** Transfer-Encoding: chunked. */
    CHUNKED,
    /** Everything until the connection closes (responses only). */
    UNTIL_CLOSE
  }

  private static final int SIZE = 0;
  private static final int DATA = 1;
  private static final int DATA_CR = 2;
  private static final int DATA_LF = 3;
  private static final int TRAILER = 4;
  private static final int DONE = 5;
  private static final int MAX_SIZE_LINE = 4096;

  private final int errorStatus;
  private final int maxTrailers;
  private Framing framing = Framing.NONE;
  private long remaining;
  private int state = DONE;
  private byte[] line = new byte[64];
  private int lineLength;
  private int trailerBytes;

  /**
   * @param errorStatus the status of a framing error (400 for requests, 502 for responses)
   * @param maxTrailers the most bytes of trailer fields accepted
   */
  public BodyDecoder(int errorStatus, int maxTrailers) {
    this.errorStatus = errorStatus;
    this.maxTrailers = maxTrailers;
  }

  /** Starts a body; {@code length} counts for {@link Framing#LENGTH} only. */
  public void start(Framing framing, long length) {
    this.framing = framing;
    this.remaining = length;
    this.lineLength = 0;
    this.trailerBytes = 0;
    this.state =
        switch (framing) {
          case NONE -> DONE;
          case LENGTH -> length == 0 ? DONE : DATA;
          case CHUNKED -> SIZE;
          case UNTIL_CLOSE -> DATA;
        };
  }

  public Framing framing() {
    return framing;
  }

  /** Whether the body was read completely. */
  public boolean done() {
    return state == DONE;
  }

  /**
   * Reads body bytes from {@code in}, passing data to {@code sink}; returns true once the body is
   * complete (then {@code in} holds what follows it).
   */
  public boolean decode(ByteBuf in, Sink sink) throws Http1Exception {
    while (state != DONE && in.isReadable()) {
      switch (state) {
        case DATA -> {
          if (framing == Framing.UNTIL_CLOSE) {
            sink.data(in.readRetainedSlice(in.readableBytes()));
            return false;
          }
          int n = (int) Math.min(remaining, in.readableBytes());
          remaining -= n;
          ByteBuf slice = in.readRetainedSlice(n);
          if (remaining == 0) {
            state = framing == Framing.CHUNKED ? DATA_CR : DONE;
          }
          sink.data(slice);
        }
        case DATA_CR -> {
          expect(in.readByte(), '\r');
          state = DATA_LF;
        }
        case DATA_LF -> {
          expect(in.readByte(), '\n');
          state = SIZE;
        }
        case SIZE -> {
          if (readLine(in, MAX_SIZE_LINE)) {
            long size = chunkSize();
            lineLength = 0;
            if (size == 0) {
              state = TRAILER;
            } else {
              remaining = size;
              state = DATA;
            }
          }
        }
        case TRAILER -> {
          if (readLine(in, maxTrailers - trailerBytes)) {
            trailerBytes += lineLength + 2;
            if (lineLength == 0) {
              state = DONE;
            } else {
              checkTrailer();
            }
            lineLength = 0;
          }
        }
        default -> throw new IllegalStateException();
      }
    }
    return state == DONE;
  }

  private void expect(byte got, char wanted) throws Http1Exception {
    if (got != wanted) {
      throw new Http1Exception(errorStatus, "chunk data not followed by CRLF");
    }
  }

  /** Accumulates one CRLF-ended line (without the CRLF) into {@link #line}; true when complete. */
  private boolean readLine(ByteBuf in, int max) throws Http1Exception {
    int lf = in.forEachByte(ByteProcessor.FIND_LF);
    int take = (lf < 0 ? in.writerIndex() : lf + 1) - in.readerIndex();
    if (lineLength + take > max + 2) {
      throw new Http1Exception(errorStatus, "chunk size line or trailer too long");
    }
    if (lineLength + take > line.length) {
      line = java.util.Arrays.copyOf(line, Math.max(lineLength + take, line.length * 2));
    }
    in.readBytes(line, lineLength, take);
    lineLength += take;
    if (lf < 0) {
      return false;
    }
    if (lineLength < 2 || line[lineLength - 2] != '\r') {
      throw new Http1Exception(errorStatus, "a chunk line not ended by CRLF");
    }
    lineLength -= 2;
    for (int i = 0; i < lineLength; i++) {
      int c = line[i] & 0xff;
      if ((c < 0x20 && c != '\t') || c == 0x7f) {
        throw new Http1Exception(errorStatus, "a control character in a chunk line");
      }
    }
    return true;
  }

  /** The size of a chunk-size line: hex digits, then nothing or {@code ;extensions}. */
  private long chunkSize() throws Http1Exception {
    long size = 0;
    int i = 0;
    for (; i < lineLength; i++) {
      int d = Character.digit(line[i], 16);
      if (d < 0) {
        break;
      }
      if (i >= 15) {
        throw new Http1Exception(errorStatus, "chunk size too large");
      }
      size = size * 16 + d;
    }
    if (i == 0) {
      throw new Http1Exception(errorStatus, "invalid chunk size");
    }
    if (!extensions(i)) {
      throw new Http1Exception(errorStatus, "invalid chunk size or extension");
    }
    return size;
  }

  /**
   * Whether {@code line} from {@code i} is a valid list of chunk extensions (RFC 9112 section
   * 7.1.1): {@code *( BWS ";" BWS name [ BWS "=" BWS ( token / quoted-string ) ] )}. They are
   * dropped, but a parser that reads them differently (a quote, a bare CR) is how a chunk is
   * smuggled.
   */
  private boolean extensions(int i) {
    int n = lineLength;
    i = skipWhitespace(i);
    while (i < n) {
      if (line[i] != ';') {
        return false;
      }
      i = skipWhitespace(i + 1);
      int name = i;
      while (i < n && Tokens.isTokenChar(line[i])) {
        i++;
      }
      if (i == name) {
        return false;
      }
      i = skipWhitespace(i);
      if (i < n && line[i] == '=') {
        i = skipWhitespace(i + 1);
        int value = i;
        if (i < n && line[i] == '"') {
          i = quotedStringEnd(i + 1);
          if (i < 0) {
            return false;
          }
        } else {
          while (i < n && Tokens.isTokenChar(line[i])) {
            i++;
          }
          if (i == value) {
            return false;
          }
        }
        i = skipWhitespace(i);
      }
    }
    return true;
  }

  private int skipWhitespace(int i) {
    while (i < lineLength && (line[i] == ' ' || line[i] == '\t')) {
      i++;
    }
    return i;
  }

  /** The index after the closing quote of a quoted-string whose content starts at {@code i}. */
  private int quotedStringEnd(int i) {
    while (i < lineLength) {
      int c = line[i] & 0xff;
      if (c == '"') {
        return i + 1;
      }
      if (c == '\\') {
        if (++i == lineLength) {
          return -1;
        }
      }
      i++;
    }
    return -1;
  }

  private void checkTrailer() throws Http1Exception {
    int i = 0;
    while (i < lineLength && Tokens.isTokenChar(line[i])) {
      i++;
    }
    if (i == 0 || i >= lineLength || line[i] != ':') {
      throw new Http1Exception(errorStatus, "invalid trailer field");
    }
  }
}
