package io.vxgate.admin.importer;

import java.nio.file.Path;
import java.util.List;

/** {@code vxgatectl import haproxy FILE}: a HAProxy config as a vxgate config. */
final class HaproxyImporter {
  private HaproxyImporter() {}

  static Translation translate(Path file, String shownAs) throws ImportException {
    Report report = new Report();
    SourceFiles files = new SourceFiles(file);
    report.file(shownAs);
    List<HaproxyConf.Section> sections = HaproxyConf.read(file, shownAs);
    Output out = new HaproxyTranslator(report, files.baseDir()).translate(sections);
    String yaml =
        out.yaml(
            List.of(
                "vxgate config imported from HAProxy config "
                    + shownAs
                    + " (vxgatectl import haproxy)",
                "Each block names the HAProxy line it comes from; what was not translated is",
                "listed on stderr and in docs/migrating.md."));
    return new Translation(yaml, report.notes());
  }
}
