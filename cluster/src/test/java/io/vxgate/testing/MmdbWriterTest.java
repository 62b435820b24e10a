package io.vxgate.testing;

import static org.assertj.core.api.Assertions.assertThat;

import com.maxmind.db.Metadata;
import com.maxmind.db.Reader;
import java.io.IOException;
import java.net.InetAddress;
import java.nio.file.Path;
import java.util.Map;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** The test writer's files read back with MaxMind's own reader (com.maxmind.db). */
class MmdbWriterTest {
  @TempDir Path dir;

  @ParameterizedTest
  @ValueSource(ints = {24, 28, 32})
  void readsBackWithTheMaxMindReader(int recordSize) throws IOException {
    Path file =
        new MmdbWriter("GeoIP2-Country", recordSize)
            .insert("81.2.69.0/24", MmdbWriter.country("GB"))
            .insert("10.0.0.0/8", MmdbWriter.country("FR"))
            .insert("10.1.0.0/16", MmdbWriter.country("IT")) // inside 10/8
            .insert("2001:db8::/32", MmdbWriter.country("DE"))
            .insert("2001:db8:1::1", MmdbWriter.country("AT")) // one address inside 2001:db8::/32
            .write(dir.resolve("c.mmdb"));
    try (Reader r = new Reader(file.toFile())) {
      Metadata m = r.getMetadata();
      assertThat(m.databaseType()).isEqualTo("GeoIP2-Country");
      assertThat(m.recordSize()).isEqualTo(recordSize);
      assertThat(m.ipVersion()).isEqualTo(6);
      assertThat(m.binaryFormatMajorVersion()).isEqualTo(2);
      assertThat(m.languages()).containsExactly("en");

      assertThat(iso(r, "81.2.69.160")).isEqualTo("GB");
      assertThat(iso(r, "81.2.70.1")).isNull();
      assertThat(iso(r, "10.200.0.1")).isEqualTo("FR");
      assertThat(iso(r, "10.1.2.3")).isEqualTo("IT");
      assertThat(iso(r, "10.0.255.255")).isEqualTo("FR");
      assertThat(iso(r, "2001:db8::42")).isEqualTo("DE");
      assertThat(iso(r, "2001:db8:1::1")).isEqualTo("AT");
      assertThat(iso(r, "2001:db8:1::2")).isEqualTo("DE");
      assertThat(iso(r, "2001:db9::1")).isNull();
      assertThat(iso(r, "::1")).isNull();
    }
  }

  @SuppressWarnings("unchecked")
  private static String iso(Reader r, String ip) throws IOException {
    Map<String, Object> record = r.get(InetAddress.getByName(ip), Map.class);
    if (record == null) {
      return null;
    }
    return (String) ((Map<String, Object>) record.get("country")).get("iso_code");
  }
}
