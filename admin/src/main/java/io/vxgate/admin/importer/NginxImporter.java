package io.vxgate.admin.importer;

import java.nio.file.Path;
import java.util.List;

/** {@code vxgatectl import nginx FILE}: an nginx config as a vxgate config. */
final class NginxImporter {
  private NginxImporter() {}

  static Translation translate(Path file, String shownAs) throws ImportException {
    Report report = new Report();
    SourceFiles files = new SourceFiles(file);
    List<NginxDirective> top = new NginxParser(files, report).parse(file, shownAs);
    Output out = new NginxTranslator(report, files.baseDir()).translate(top);
    String yaml =
        out.yaml(
            List.of(
                "vxgate config imported from nginx config " + shownAs + " (vxgatectl import nginx)",
                "Each block names the nginx directive it comes from; what was not translated is",
                "listed on stderr and in docs/migrating.md."));
    return new Translation(yaml, report.notes());
  }
}
