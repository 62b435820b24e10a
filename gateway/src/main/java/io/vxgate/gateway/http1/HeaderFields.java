package io.vxgate.gateway.http1;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * The header fields of one HTTP/1 message head, in order, as the parser found them (names keep
 * their case; lookups ignore it). Small and flat: a few parallel arrays scanned linearly, which for
 * the 5 to 20 fields of a typical message is faster than hashing every name. Not thread-safe; a
 * head belongs to one exchange on one event loop.
 */
public final class HeaderFields {
  private String[] names;
  private String[] values;
  private int size;

  public HeaderFields() {
    this(12);
  }

  public HeaderFields(int capacity) {
    names = new String[Math.max(2, capacity)];
    values = new String[names.length];
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
  public String get(CharSequence name) {
    int i = indexOf(name, 0);
    return i < 0 ? null : values[i];
  }

  /** Every value of {@code name}, in order. */
  public List<String> getAll(CharSequence name) {
    List<String> out = new ArrayList<>(2);
    for (int i = indexOf(name, 0); i >= 0; i = indexOf(name, i + 1)) {
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
    }
    names[size] = name;
    values[size] = value;
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
   * Removes, in one pass, every field whose name {@code drop} accepts; returns how many were
   * removed.
   */
  public int removeIf(java.util.function.Predicate<String> drop) {
    int w = 0;
    for (int r = 0; r < size; r++) {
      if (!drop.test(names[r])) {
        names[w] = names[r];
        values[w] = values[r];
        w++;
      }
    }
    int removed = size - w;
    Arrays.fill(names, w, size, null);
    Arrays.fill(values, w, size, null);
    size = w;
    return removed;
  }

  public void clear() {
    Arrays.fill(names, 0, size, null);
    Arrays.fill(values, 0, size, null);
    size = 0;
  }

  private void removeAt(int i) {
    int tail = size - i - 1;
    if (tail > 0) {
      System.arraycopy(names, i + 1, names, i, tail);
      System.arraycopy(values, i + 1, values, i, tail);
    }
    size--;
    names[size] = null;
    values[size] = null;
  }

  private int indexOf(CharSequence name, int from) {
    int len = name.length();
    String n = name instanceof String s ? s : name.toString();
    for (int i = from; i < size; i++) {
      String candidate = names[i];
      if (candidate.length() == len && candidate.regionMatches(true, 0, n, 0, len)) {
        return i;
      }
    }
    return -1;
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
