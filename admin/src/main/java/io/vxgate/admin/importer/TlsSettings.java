package io.vxgate.admin.importer;

import io.vxgate.config.ConfigException;
import io.vxgate.config.ConfigLoader;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;

/**
 * The TLS versions and ciphers of an nginx server or a HAProxy bind, as a listener's {@code tls}.
 */
final class TlsSettings {
  private static final List<String> OFFERED = List.of("TLSv1.2", "TLSv1.3");

  private TlsSettings() {}

  /** {@code min-version} or {@code protocols} for the versions the input accepts. */
  static void protocols(
      Yaml.YMap tls, List<String> versions, Source at, String text, Report report) {
    List<String> keep = new ArrayList<>();
    List<String> dropped = new ArrayList<>();
    for (String v : versions) {
      (OFFERED.contains(v) ? keep : dropped).add(v);
    }
    if (!dropped.isEmpty()) {
      report.approximated(at, text, "vxgate never offers " + String.join(", ", dropped));
    }
    if (keep.isEmpty()) {
      report.unsupported(at, text, "no version vxgate offers: its defaults are written");
    } else if (keep.equals(List.of("TLSv1.3"))) {
      tls.put("min-version", "TLSv1.3");
    } else if (keep.equals(List.of("TLSv1.2"))) {
      if (PlannedKey.TLS_PROTOCOLS.available()) {
        tls.put("protocols", Yaml.YList.of(keep));
      } else {
        report.planned(at, text, PlannedKey.TLS_PROTOCOLS, "TLSv1.3 is accepted too");
      }
    }
  }

  /**
   * {@code ciphers} (TLS 1.2) or {@code ciphersuites} (TLS 1.3), when vxgate knows every suite of
   * the list.
   */
  static void ciphers(
      Yaml.YMap tls, String key, String ciphers, Source at, String text, Report report) {
    if (!PlannedKey.TLS_CIPHERS.available()) {
      report.planned(at, text, PlannedKey.TLS_CIPHERS);
      return;
    }
    Object certs = tls.get("certificates");
    Yaml.YMap sample = new Yaml.YMap().put("certificates", certs).put(key, ciphers);
    String yaml =
        Yaml.write(
            new Yaml.YMap()
                .put(
                    "listeners",
                    new Yaml.YList()
                        .add(
                            new Yaml.YMap()
                                .put("name", "t")
                                .put("bind", "127.0.0.1:0")
                                .put("tls", sample))),
            List.of());
    try {
      ConfigLoader.parse(
          yaml, "ciphers", null, null, ConfigLoader.Environment.of(Map.of(), "import"));
      tls.put(key, ciphers);
    } catch (ConfigException e) {
      report.unsupported(at, text, "suites vxgate does not know: its default suites are written");
    }
  }
}
