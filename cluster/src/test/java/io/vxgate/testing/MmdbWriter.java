package io.vxgate.testing;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayDeque;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.IdentityHashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * A minimal writer of MaxMind DB files (format 2.0, https://maxmind.github.io/MaxMind-DB/), for
 * tests: no MaxMind DB writer is published for Java, and tests cannot download a database.
 *
 * <p>The file is an IPv6 tree ({@code ip_version 6}); IPv4 networks live at {@code ::/96}, where
 * readers look IPv4 addresses up. A more specific network may be inserted after a less specific one
 * that contains it (the rest of the outer network keeps its data). Equal data values are stored
 * once. Data values may be {@link String}, {@link Map} (string keys), {@link List}, {@link
 * Boolean}, {@link Integer} or {@link Long} (written as uint32) and {@link Double}.
 *
 * <pre>{@code
 * new MmdbWriter("GeoIP2-Country", 24)
 *     .insert("81.2.69.0/24", MmdbWriter.country("GB"))
 *     .insert("2001:db8::/32", MmdbWriter.country("DE"))
 *     .write(dir.resolve("country.mmdb"));
 * }</pre>
 */
public final class MmdbWriter {
  private static final byte[] METADATA_MARKER = {
    (byte) 0xAB, (byte) 0xCD, (byte) 0xEF, 'M', 'a', 'x', 'M', 'i', 'n', 'd', '.', 'c', 'o', 'm'
  };
  private static final long BUILD_EPOCH = 1_700_000_000L;

  private final String databaseType;
  private final int recordSize;
  private final Node root = new Node();

  /**
   * @param databaseType e.g. {@code GeoIP2-Country}; readers choose what they accept by it
   * @param recordSize 24, 28 or 32 bits per record
   */
  public MmdbWriter(String databaseType, int recordSize) {
    if (recordSize != 24 && recordSize != 28 && recordSize != 32) {
      throw new IllegalArgumentException("record size " + recordSize);
    }
    this.databaseType = databaseType;
    this.recordSize = recordSize;
  }

  /** The record of a GeoIP2 Country database for one country. */
  public static Map<String, Object> country(String isoCode) {
    Map<String, Object> country = new LinkedHashMap<>();
    country.put("geoname_id", (long) isoCode.hashCode() & 0xffffL);
    country.put("iso_code", isoCode);
    country.put("names", Map.of("en", new Locale("", isoCode).getDisplayCountry(Locale.ENGLISH)));
    return Map.of("country", country, "registered_country", country);
  }

  /** Maps a network ({@code 10.0.0.0/8}, {@code 2001:db8::/32}, or one address) to data. */
  public MmdbWriter insert(String cidr, Map<String, Object> data) {
    int slash = cidr.indexOf('/');
    String host = slash < 0 ? cidr : cidr.substring(0, slash);
    byte[] address;
    try {
      address = InetAddress.getByName(host).getAddress();
    } catch (UnknownHostException e) {
      throw new IllegalArgumentException(cidr, e);
    }
    int prefix = slash < 0 ? address.length * 8 : Integer.parseInt(cidr.substring(slash + 1));
    if (address.length == 4) {
      byte[] v6 = new byte[16];
      System.arraycopy(address, 0, v6, 12, 4);
      address = v6;
      prefix += 96;
    }
    insert(address, prefix, new Leaf(Map.copyOf(data)));
    return this;
  }

  private void insert(byte[] address, int prefix, Leaf leaf) {
    if (prefix < 1 || prefix > 128) {
      throw new IllegalArgumentException("prefix " + prefix);
    }
    Node n = root;
    for (int i = 0; i < prefix - 1; i++) {
      int bit = bit(address, i);
      Object child = n.children[bit];
      if (!(child instanceof Node)) {
        Node split = new Node();
        split.children[0] = child; // an outer network's data (or nothing) stays on both sides
        split.children[1] = child;
        n.children[bit] = split;
        child = split;
      }
      n = (Node) child;
    }
    n.children[bit(address, prefix - 1)] = leaf;
  }

  private static int bit(byte[] address, int i) {
    return (address[i / 8] >> (7 - i % 8)) & 1;
  }

  /** The database file's bytes. */
  public byte[] toBytes() {
    // number the nodes breadth first: the root is 0
    List<Node> nodes = new ArrayList<>();
    Map<Node, Integer> ids = new IdentityHashMap<>();
    ArrayDeque<Node> queue = new ArrayDeque<>();
    queue.add(root);
    while (!queue.isEmpty()) {
      Node n = queue.poll();
      ids.put(n, nodes.size());
      nodes.add(n);
      for (Object c : n.children) {
        if (c instanceof Node child) {
          queue.add(child);
        }
      }
    }
    long nodeCount = nodes.size();

    // the data section: each distinct value once
    ByteArrayOutputStream data = new ByteArrayOutputStream();
    Map<Map<String, Object>, Integer> offsets = new HashMap<>();
    for (Node n : nodes) {
      for (Object c : n.children) {
        if (c instanceof Leaf leaf && !offsets.containsKey(leaf.data())) {
          offsets.put(leaf.data(), data.size());
          encode(data, leaf.data());
        }
      }
    }

    ByteArrayOutputStream out = new ByteArrayOutputStream();
    for (Node n : nodes) {
      long[] records = new long[2];
      for (int i = 0; i < 2; i++) {
        Object c = n.children[i];
        if (c instanceof Node child) {
          records[i] = ids.get(child);
        } else if (c instanceof Leaf leaf) {
          records[i] = nodeCount + 16 + offsets.get(leaf.data());
        } else {
          records[i] = nodeCount; // no data
        }
        if (records[i] >= 1L << recordSize) {
          throw new IllegalStateException(
              "record " + records[i] + " exceeds " + recordSize + " bits");
        }
      }
      writeNode(out, records[0], records[1]);
    }
    out.writeBytes(new byte[16]); // data section separator
    out.writeBytes(data.toByteArray());
    out.writeBytes(METADATA_MARKER);
    Map<String, Object> metadata = new LinkedHashMap<>();
    metadata.put("node_count", new U32(nodeCount));
    metadata.put("record_size", new U16(recordSize));
    metadata.put("ip_version", new U16(6));
    metadata.put("database_type", databaseType);
    metadata.put("languages", List.of("en"));
    metadata.put("binary_format_major_version", new U16(2));
    metadata.put("binary_format_minor_version", new U16(0));
    metadata.put("build_epoch", new U64(BUILD_EPOCH));
    metadata.put("description", Map.of("en", "vxgate test database"));
    encode(out, metadata);
    return out.toByteArray();
  }

  /** Writes the database to {@code file} and returns it. */
  public Path write(Path file) {
    try {
      Files.write(file, toBytes());
      return file;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  private void writeNode(ByteArrayOutputStream out, long left, long right) {
    switch (recordSize) {
      case 24 -> {
        writeBig(out, left, 3);
        writeBig(out, right, 3);
      }
      case 28 -> {
        writeBig(out, left & 0xFFFFFF, 3);
        out.write((int) (((left >> 24) & 0x0F) << 4 | ((right >> 24) & 0x0F)));
        writeBig(out, right & 0xFFFFFF, 3);
      }
      default -> {
        writeBig(out, left, 4);
        writeBig(out, right, 4);
      }
    }
  }

  private static void writeBig(ByteArrayOutputStream out, long v, int bytes) {
    for (int i = bytes - 1; i >= 0; i--) {
      out.write((int) (v >>> (8 * i)) & 0xFF);
    }
  }

  // ---- data section encoding (types: 2 string, 3 double, 5 uint16, 6 uint32, 7 map,
  //      extended: 9 uint64, 11 array, 14 boolean)

  private static void encode(ByteArrayOutputStream out, Object v) {
    if (v instanceof String s) {
      byte[] b = s.getBytes(StandardCharsets.UTF_8);
      control(out, 2, b.length);
      out.writeBytes(b);
    } else if (v instanceof Map<?, ?> m) {
      control(out, 7, m.size());
      for (Map.Entry<?, ?> e : m.entrySet()) {
        encode(out, (String) e.getKey());
        encode(out, e.getValue());
      }
    } else if (v instanceof List<?> l) {
      control(out, 11, l.size());
      l.forEach(x -> encode(out, x));
    } else if (v instanceof Boolean b) {
      control(out, 14, b ? 1 : 0);
    } else if (v instanceof Double d) {
      control(out, 3, 8);
      writeBig(out, Double.doubleToLongBits(d), 8);
    } else if (v instanceof U16 u) {
      unsigned(out, 5, u.value());
    } else if (v instanceof U64 u) {
      unsigned(out, 9, u.value());
    } else if (v instanceof U32 u) {
      unsigned(out, 6, u.value());
    } else if (v instanceof Integer || v instanceof Long) {
      long x = ((Number) v).longValue();
      if (x < 0 || x > 0xFFFFFFFFL) {
        throw new IllegalArgumentException("not a uint32: " + x);
      }
      unsigned(out, 6, x);
    } else {
      throw new IllegalArgumentException("cannot encode " + v);
    }
  }

  private static void unsigned(ByteArrayOutputStream out, int type, long v) {
    int bytes = 0;
    while (bytes < 8 && (v >>> (8 * bytes)) != 0) {
      bytes++;
    }
    control(out, type, bytes);
    writeBig(out, v, bytes);
  }

  /** A control byte, the extended type byte if any, then the size bytes. */
  private static void control(ByteArrayOutputStream out, int type, int size) {
    int first = type <= 7 ? type << 5 : 0;
    byte[] sizeBytes;
    if (size < 29) {
      first |= size;
      sizeBytes = new byte[0];
    } else if (size < 29 + 256) {
      first |= 29;
      sizeBytes = new byte[] {(byte) (size - 29)};
    } else if (size < 285 + 65536) {
      first |= 30;
      int s = size - 285;
      sizeBytes = new byte[] {(byte) (s >> 8), (byte) s};
    } else {
      first |= 31;
      int s = size - 65821;
      sizeBytes = new byte[] {(byte) (s >> 16), (byte) (s >> 8), (byte) s};
    }
    out.write(first);
    if (type > 7) {
      out.write(type - 7);
    }
    out.writeBytes(sizeBytes);
  }

  private static final class Node {
    /** Per bit: a {@link Node}, a {@link Leaf}, or null (no data). */
    final Object[] children = new Object[2];
  }

  private record Leaf(Map<String, Object> data) {}

  private record U16(long value) {}

  private record U32(long value) {}

  private record U64(long value) {}
}
