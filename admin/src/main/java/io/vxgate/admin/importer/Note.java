package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

/**
 * One directive of the input that was not translated exactly, printed on stderr as {@code
 * FILE:LINE: directive: why}.
 */
record Note(Source source, String directive, Kind kind, String why) {
  /** Why a directive is not in the output as it was. */
  enum Kind {
    /** Irrelevant to a gateway (process, logging, file-serving tuning): nothing is lost. */
    IGNORED("ignored"),
    /** Translated into something close; {@link #why} says how it differs. */
    APPROXIMATED("approximated"),
    /** Left out: vxgate has no equivalent. */
    UNSUPPORTED("not supported"),
    /** Left out until a vxgate key that is being added lands (see {@link PlannedKey}). */
    PLANNED("not yet supported by vxgate");

    private final String label;

    Kind(String label) {
      this.label = label;
    }

    /** Whether a note of this kind means that something was left out (exit code 3). */
    boolean leavesOut() {
      return this != IGNORED;
    }
  }

  Note {
    requireNonNull(source, "source");
    requireNonNull(directive, "directive");
    requireNonNull(kind, "kind");
    requireNonNull(why, "why");
  }

  /** The stderr line. */
  String line() {
    return source + ": " + directive + ": " + kind.label + ": " + why;
  }
}
