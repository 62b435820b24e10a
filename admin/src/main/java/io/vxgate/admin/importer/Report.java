package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Set;

/** The notes of one import, in input order without duplicates. */
final class Report {
  private final Set<Note> notes = new LinkedHashSet<>();
  private final List<String> files = new ArrayList<>();

  /** Registers an input file, so that notes sort by the order files were read in. */
  void file(String name) {
    if (!files.contains(name)) {
      files.add(name);
    }
  }

  void ignored(Source at, String directive, String why) {
    add(new Note(at, directive, Note.Kind.IGNORED, why));
  }

  void approximated(Source at, String directive, String why) {
    add(new Note(at, directive, Note.Kind.APPROXIMATED, why));
  }

  void unsupported(Source at, String directive, String why) {
    add(new Note(at, directive, Note.Kind.UNSUPPORTED, why));
  }

  /** A directive left out until {@code key} lands. */
  void planned(Source at, String directive, PlannedKey key) {
    add(new Note(at, directive, Note.Kind.PLANNED, key.key() + " planned"));
  }

  /** A directive left out until {@code key} lands, and what vxgate does meanwhile. */
  void planned(Source at, String directive, PlannedKey key, String meanwhile) {
    add(new Note(at, directive, Note.Kind.PLANNED, key.key() + " planned (" + meanwhile + ")"));
  }

  void add(Note n) {
    notes.add(n);
  }

  /** The notes by file (in reading order) and line. */
  List<Note> notes() {
    List<Note> out = new ArrayList<>(notes);
    out.sort(
        Comparator.comparingInt((Note n) -> fileIndex(n.source().file()))
            .thenComparingInt(n -> n.source().line()));
    return out;
  }

  private int fileIndex(String f) {
    int i = files.indexOf(f);
    return i < 0 ? Integer.MAX_VALUE : i;
  }
}
