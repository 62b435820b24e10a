package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import org.jspecify.annotations.Nullable;

/**
 * The header fields of one HTTP/1 message head, in order, as the parser found them (names keep
 * their case; lookups ignore it). Small and flat: a few parallel arrays scanned linearly, which for
 * the 5 to 20 fields of a typical message is faster than hashing every name. Not thread-safe; a
 * head belongs to one exchange on one event loop.
 *
 * <p>The names the gateway itself looks for ({@link #KNOWN}) get a number when a field is added; a
 * bit mask says which of them are present. Asking for one that is absent (most of those asked: no
 * Transfer-Encoding, no Expect, no Upgrade...) costs a bit test, and finding one compares numbers,
 * not strings.
 */
public final class HeaderFields {
  /** The names with a number, in the spelling used when the gateway sets them. */
  static final String[] KNOWN = {
    "Host",
    "Connection",
    "Keep-Alive",
    "Proxy-Connection",
    "TE",
    "Trailer",
    "Transfer-Encoding",
    "Upgrade",
    "Expect",
    "Content-Length",
    "Cookie",
    "X-Request-Id",
    "X-Forwarded-For",
    "X-Forwarded-Proto",
    "X-Forwarded-Host",
    "X-Real-IP",
    "Strict-Transport-Security",
    "Set-Cookie",
    "Location",
    "Content-Type",
    "Cache-Control",
    "X-Accel-Buffering"
  };

  /**
   * The hop-by-hop fields a proxy never forwards (RFC 9110 section 7.6.1): Connection, Keep-Alive,
   * Proxy-Connection, TE, Trailer, Transfer-Encoding, Upgrade, Expect; for {@link #removeKnown}.
   */
  public static final long HOP_BY_HOP = 0b1_1111_1110L;

  /** Whether {@code name} is one of {@link #HOP_BY_HOP}. */
  public static boolean isHopByHop(CharSequence name) {
    int id = id(name);
    return id >= 0 && (HOP_BY_HOP & (1L << id)) != 0;
  }

  private String[] names;
  private String[] values;

  /** The number of each field's name in {@link #KNOWN}, or -1. */
  private byte[] ids;

  /** Bit n: a field named {@code KNOWN[n]} is present. */
  private long present;

  private int size;

  public HeaderFields() {
    this(12);
  }

  public HeaderFields(int capacity) {
    names = new String[Math.max(2, capacity)];
    values = new String[names.length];
    ids = new byte[names.length];
  }

  /**
   * The number of {@code name} in {@link #KNOWN}, or -1. The gateway's own lookups pass the same
   * string constants, which match by identity before any character is compared.
   */
  static int id(CharSequence name) {
    return switch (name.length()) {
      case 2 -> is(name, 4);
      case 4 -> is(name, 0);
      case 6 -> is(name, 8) >= 0 ? 8 : is(name, 10);
      case 7 -> is(name, 5) >= 0 ? 5 : is(name, 7);
      case 8 -> is(name, 18);
      case 9 -> is(name, 15);
      case 10 -> is(name, 1) >= 0 ? 1 : is(name, 2) >= 0 ? 2 : is(name, 17);
      case 12 -> is(name, 11) >= 0 ? 11 : is(name, 19);
      case 13 -> is(name, 20);
      case 14 -> is(name, 9);
      case 15 -> is(name, 12);
      case 16 -> is(name, 3) >= 0 ? 3 : is(name, 14);
      case 17 -> is(name, 6) >= 0 ? 6 : is(name, 13) >= 0 ? 13 : is(name, 21);
      case 25 -> is(name, 16);
      default -> -1;
    };
  }

  private static int is(CharSequence name, int id) {
    String k = KNOWN[id];
    if (name == k) {
      return id;
    }
    String n = name instanceof String str ? str : name.toString();
    return n.equalsIgnoreCase(k) ? id : -1;
  }

  public int size() {
    return size;
  }

  public String name(int i) {
    return names[i];
  }

  public String value(int i) {
    return values[i];
  }

  /** Replaces the value of the {@code i}th field. */
  public void value(int i, String value) {
    values[i] = value;
  }

  /** The first value of {@code name}, or null. */
  public @Nullable String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : values[i];
  }

  /** Every value of {@code name}, in order. */
  public List<String> getAll(CharSequence name) {
    int first = indexOf(name, 0);
    if (first < 0) {
      return List.of();
    }
    int next = indexOf(name, first + 1);
    if (next < 0) {
      return List.of(values[first]);
    }
    List<String> out = new ArrayList<>(4);
    out.add(values[first]);
    for (int i = next; i >= 0; i = indexOf(name, i + 1)) {
      out.add(values[i]);
    }
    return out;
  }

  public boolean contains(CharSequence name) {
    return indexOf(name, 0) >= 0;
  }

  /** How many fields are named {@code name}. */
  public int count(CharSequence name) {
    int n = 0;
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      n++;
    }
    return n;
  }

  /**
   * Whether a comma-separated value of {@code name} holds {@code token} (case-insensitive), as in
   * {@code Connection: keep-alive, Upgrade}.
   */
  public boolean containsToken(CharSequence name, String token) {
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
      if (hasToken(values[i], token)) {
        return true;
      }
    }
    return false;
  }

  /** A Content-Length value: digits only (no sign, no spaces inside), else -1. */
  public static long parseLength(String v) {
    int n = v.length();
    if (n == 0 || n > 18) {
      return -1;
    }
    long value = 0;
    for (int i = 0; i < n; i++) {
      char c = v.charAt(i);
      if (c < '0' || c > '9') {
        return -1;
      }
      value = value * 10 + (c - '0');
    }
    return value;
  }

  static boolean hasToken(String value, String token) {
    int n = value.length();
    int start = 0;
    while (start < n) {
      int comma = value.indexOf(',', start);
      int end = comma < 0 ? n : comma;
      int s = start;
      int e = end;
      while (s < e && isOws(value.charAt(s))) {
        s++;
      }
      while (e > s && isOws(value.charAt(e - 1))) {
        e--;
      }
      if (e - s == token.length() && value.regionMatches(true, s, token, 0, e - s)) {
        return true;
      }
      start = end + 1;
    }
    return false;
  }

  private static boolean isOws(char c) {
    return c == ' ' || c == '\t';
  }

  /** Appends a field. */
  public HeaderFields add(String name, String value) {
    if (size == names.length) {
      names = Arrays.copyOf(names, size * 2);
      values = Arrays.copyOf(values, size * 2);
      ids = Arrays.copyOf(ids, size * 2);
    }
    int id = id(name);
    names[size] = name;
    values[size] = value;
    ids[size] = (byte) id;
    if (id >= 0) {
      present |= 1L << id;
    }
    size++;
    return this;
  }

  /** Replaces every field named {@code name} by one with {@code value} (appended when absent). */
  public HeaderFields set(String name, String value) {
    int i = indexOf(name, 0);
    if (i < 0) {
      return add(name, value);
    }
    values[i] = value;
    names[i] = name;
    for (int j = indexOf(name, i + 1); j >= 0; j = indexOf(name, j)) {
      removeAt(j);
    }
    return this;
  }

  /** Removes every field named {@code name}; returns whether there was one. */
  public boolean remove(CharSequence name) {
    boolean any = false;
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i)) {
      removeAt(i);
      any = true;
    }
    return any;
  }

  /**
   * Removes, in one pass, every field whose name is one of {@link #KNOWN} with its bit set in
   * {@code known}; returns how many were removed.
   */
  public int removeKnown(long known) {
    if ((present & known) == 0) {
      return 0;
    }
    int w = 0;
    for (int r = 0; r < size; r++) {
      int id = ids[r];
      if (id < 0 || (known & (1L << id)) == 0) {
        names[w] = names[r];
        values[w] = values[r];
        ids[w] = ids[r];
        w++;
      }
    }
    int removed = size - w;
    Arrays.fill(names, w, size, null);
    Arrays.fill(values, w, size, null);
    size = w;
    recomputePresent();
    return removed;
  }

  public void clear() {
    Arrays.fill(names, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
    present = 0;
  }

  private void removeAt(int i) {
    int tail = size - i - 1;
    if (tail > 0) {
      System.arraycopy(names, i + 1, names, i, tail);
      System.arraycopy(values, i + 1, values, i, tail);
      System.arraycopy(ids, i + 1, ids, i, tail);
    }
    size--;
    names[size] = null;
    values[size] = null;
    recomputePresent();
  }

  /**
   * The index of the first field named {@code name} at or after {@code from}, or -1: for walking
   * every value of a name on the request path without {@link #getAll}'s list.
   */
  public int indexOf(CharSequence name, int from) {
    int id = id(name);
    if (id >= 0) {
      if ((present & (1L << id)) == 0) {
        return -1;
      }
      for (int i = from; i < size; i++) {
        if (ids[i] == id) {
          return i;
        }
      }
      return -1;
    }
    int len = name.length();
    String n = name instanceof String s ? s : name.toString();
    for (int i = from; i < size; i++) {
      String candidate = names[i];
      if (ids[i] < 0 && candidate.length() == len && candidate.regionMatches(true, 0, n, 0, len)) {
        return i;
      }
    }
    return -1;
  }

  private void recomputePresent() {
    long p = 0;
    for (int i = 0; i < size; i++) {
      if (ids[i] >= 0) {
        p |= 1L << ids[i];
      }
    }
    present = p;
  }

  /** Writes every field as {@code name: value CRLF}. */
  public void writeTo(ByteBuf out) {
    for (int i = 0; i < size; i++) {
      ByteBufUtil.writeAscii(out, names[i]);
      out.writeShort(COLON_SP);
      ByteBufUtil.writeAscii(out, values[i]);
      out.writeShort(CRLF);
    }
  }

  /** An estimate of the bytes {@link #writeTo} writes. */
  public int encodedLength() {
    int n = 0;
    for (int i = 0; i < size; i++) {
      n += names[i].length() + values[i].length() + 4;
    }
    return n;
  }

  static final short COLON_SP = (short) ((':' << 8) | ' ');
  static final short CRLF = (short) (('\r' << 8) | '\n');

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder();
    for (int i = 0; i < size; i++) {
      b.append(names[i]).append(": ").append(values[i]).append('\n');
    }
    return b.toString();
  }
}
