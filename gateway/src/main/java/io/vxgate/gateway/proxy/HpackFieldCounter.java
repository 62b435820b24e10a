package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;

/**
 * Counts the header fields of an HPACK header block (RFC 7541 §6) as its bytes pass, without
 * decoding anything: only the representations' first bytes, their integers and the lengths of their
 * strings, which it skips (Huffman-coded or not). Fed a fragment at a time, across HEADERS and
 * CONTINUATION frames and across reads ({@link Http2FrameBudget}). Confined to the connection's
 * event loop.
 */
final class HpackFieldCounter {
  /** The first byte of a representation. */
  private static final int REPRESENTATION = 0;

  /** The rest of an integer: a string's length (then its bytes), or an index or size (then on). */
  private static final int INTEGER = 1;

  /** The first byte of a string (the name, then the value; or only the value). */
  private static final int STRING = 2;

  /** The bytes of a string. */
  private static final int SKIP = 3;

  private int state = REPRESENTATION;
  private boolean integerIsLength;
  private long integer;
  private int shift;
  private long skip;

  /** Strings still to read in the current representation (2: a new name and its value). */
  private int strings;

  private int fields;

  /** A new header block starts (a HEADERS frame). */
  void start() {
    state = REPRESENTATION;
    strings = 0;
    fields = 0;
  }

  /** The fields counted since {@link #start}. */
  int fields() {
    return fields;
  }

  /** Reads {@code length} bytes of the block from {@code at}. */
  void feed(ByteBuf in, int at, int length) {
    int i = at;
    int end = at + length;
    while (i < end) {
      switch (state) {
        case SKIP -> {
          int n = (int) Math.min(skip, end - i);
          skip -= n;
          i += n;
          if (skip == 0) {
            next();
          }
        }
        case REPRESENTATION -> representation(in.getByte(i++) & 0xff);
        case STRING -> {
          int b = in.getByte(i++) & 0xff;
          if ((b & 0x7f) == 0x7f) {
            integer(0x7f, true);
          } else {
            skip(b & 0x7f);
          }
        }
        default -> {
          int b = in.getByte(i++) & 0xff;
          if (shift < 56) {
            integer += (long) (b & 0x7f) << shift;
          }
          shift += 7;
          if ((b & 0x80) == 0) {
            if (integerIsLength) {
              skip(integer);
            } else {
              next();
            }
          }
        }
      }
    }
  }

  private void representation(int b) {
    if ((b & 0x80) != 0) {
      // indexed field: an index, 7-bit prefix
      fields++;
      strings = 0;
      prefixed(b & 0x7f, 0x7f);
    } else if ((b & 0xe0) == 0x20) {
      // dynamic table size update: 5-bit prefix, no field
      strings = 0;
      prefixed(b & 0x1f, 0x1f);
    } else {
      // a literal field: with incremental indexing (6-bit prefix), or without or never indexed
      // (4-bit); index 0: a new name comes as a string before the value
      fields++;
      int mask = (b & 0x40) != 0 ? 0x3f : 0x0f;
      int index = b & mask;
      strings = index == 0 ? 2 : 1;
      prefixed(index, mask);
    }
  }

  /** An integer whose prefix holds {@code value}: more bytes follow when the prefix is full. */
  private void prefixed(int value, int max) {
    if (value == max) {
      integer(max, false);
    } else {
      next();
    }
  }

  private void integer(long start, boolean length) {
    integer = start;
    shift = 0;
    integerIsLength = length;
    state = INTEGER;
  }

  private void skip(long n) {
    if (n == 0) {
      next();
    } else {
      skip = n;
      state = SKIP;
    }
  }

  /** What follows a representation's integer or one of its strings. */
  private void next() {
    if (strings > 0) {
      strings--;
      state = STRING;
    } else {
      state = REPRESENTATION;
    }
  }
}
