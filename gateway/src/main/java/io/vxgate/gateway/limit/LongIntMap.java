package io.vxgate.gateway.limit;

/**
 * A map from non-zero {@code long} keys to positive {@code int} values in two arrays (open
 * addressing, linear probing, deletion by backward shift): the keys in flight of a policy's
 * segment, and each other node's last report of them. Not thread-safe; a map handed to other
 * threads is never changed again.
 */
final class LongIntMap {
  private long[] keys;
  private int[] values;
  private int size;

  LongIntMap(int expected) {
    int n = Integer.highestOneBit(Math.max(4, expected) * 2 - 1) * 2;
    keys = new long[n];
    values = new int[n];
  }

  int size() {
    return size;
  }

  private int home(long key) {
    return (int) ((key * 0x9E3779B97F4A7C15L) >>> 33) & (keys.length - 1);
  }

  private int bucket(long key) {
    int mask = keys.length - 1;
    int b = home(key);
    long k;
    while ((k = keys[b]) != 0 && k != key) {
      b = (b + 1) & mask;
    }
    return b;
  }

  /** The value of {@code key}, 0 when absent. */
  int get(long key) {
    return values[bucket(key)];
  }

  /** Sets {@code key} to {@code value}; 0 removes it. */
  void put(long key, int value) {
    int b = bucket(key);
    if (value == 0) {
      if (keys[b] != 0) {
        remove(b);
      }
      return;
    }
    if (keys[b] == 0) {
      if ((size + 1) * 2 > keys.length) {
        rehash(keys.length * 2);
        b = bucket(key);
      }
      keys[b] = key;
      size++;
    }
    values[b] = value;
  }

  private void remove(int b) {
    int mask = keys.length - 1;
    int i = b;
    int j = b;
    size--;
    while (true) {
      j = (j + 1) & mask;
      long k = keys[j];
      if (k == 0) {
        keys[i] = 0;
        values[i] = 0;
        return;
      }
      int h = home(k);
      boolean stays = i <= j ? i < h && h <= j : i < h || h <= j;
      if (!stays) {
        keys[i] = k;
        values[i] = values[j];
        i = j;
      }
    }
  }

  private void rehash(int n) {
    long[] oldKeys = keys;
    int[] oldValues = values;
    keys = new long[n];
    values = new int[n];
    for (int i = 0; i < oldKeys.length; i++) {
      if (oldKeys[i] != 0) {
        int b = bucket(oldKeys[i]);
        keys[b] = oldKeys[i];
        values[b] = oldValues[i];
      }
    }
  }

  /** Calls {@code out} with every entry. */
  void forEach(Reports.Sink out) {
    for (int i = 0; i < keys.length; i++) {
      if (keys[i] != 0) {
        out.add(keys[i], values[i]);
      }
    }
  }

  @Override
  public String toString() {
    StringBuilder b = new StringBuilder("{");
    forEach((k, v) -> b.append(b.length() > 1 ? ", " : "").append(k).append('=').append(v));
    return b.append('}').toString();
  }
}
