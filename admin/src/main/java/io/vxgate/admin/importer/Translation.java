package io.vxgate.admin.importer;

import java.util.List;

/** The result of an import: the vxgate config text and the notes on what was not translated. */
record Translation(String yaml, List<Note> notes) {
  Translation {
    notes = List.copyOf(notes);
  }

  /** 0 when everything relevant was translated, 3 when something was left out or approximated. */
  int exitCode() {
    return notes.stream().anyMatch(n -> n.kind().leavesOut()) ? 3 : 0;
  }
}
