package io.vxgate.admin.importer;

import static java.util.Objects.requireNonNull;

import java.io.IOException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import org.jspecify.annotations.Nullable;

/**
 * A HAProxy config read into sections of lines, with HAProxy's own tokenizer rules: words separated
 * by white space; {@code "..."} (backslash escapes) and {@code '...'} (none) quoting; {@code \ },
 * {@code \#}, {@code \\} escapes outside quotes; {@code #} comments to the end of the line. A line
 * whose first word is a section keyword starts a section.
 */
final class HaproxyConf {
  static final Set<String> SECTIONS =
      Set.of(
          "global",
          "defaults",
          "frontend",
          "backend",
          "listen",
          "userlist",
          "peers",
          "resolvers",
          "mailers",
          "cache",
          "program",
          "http-errors",
          "ring",
          "log-forward",
          "crt-store",
          "traces",
          "acme",
          "fcgi-app");

  /** One line: its words (unquoted) and where it was written. */
  record Line(List<String> words, Source source) {
    Line {
      words = List.copyOf(words);
      requireNonNull(source, "source");
    }

    @Nullable String word(int i) {
      return i < words.size() ? words.get(i) : null;
    }

    String keyword() {
      return words.get(0);
    }

    /** The line as written, for notes. */
    String text() {
      StringBuilder sb = new StringBuilder();
      for (String w : words) {
        if (sb.length() > 0) {
          sb.append(' ');
        }
        sb.append(
            w.isEmpty() || w.matches("(?s).*[\\s#].*") ? "\"" + w.replace("\"", "\\\"") + "\"" : w);
      }
      String s = sb.toString().replace("\n", "\\n").replace("\r", "\\r").replace("\t", "\\t");
      return s.length() > 80 ? s.substring(0, 77) + "..." : s;
    }
  }

  /** A section: its keyword and arguments ({@code backend app}), and its lines. */
  record Section(Line head, List<Line> lines) {
    String kind() {
      return head.keyword();
    }

    @Nullable String name() {
      return head.word(1);
    }
  }

  private HaproxyConf() {}

  static List<Section> read(Path file, String shown) throws ImportException {
    String text;
    try {
      text = SourceFiles.read(file);
    } catch (IOException e) {
      throw new ImportException(shown + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    List<Section> out = new ArrayList<>();
    List<Line> current = null;
    String[] lines = text.split("\r?\n", -1);
    for (int i = 0; i < lines.length; i++) {
      Source at = new Source(shown, i + 1);
      List<String> words = words(lines[i], at);
      if (words.isEmpty()) {
        continue;
      }
      Line l = new Line(words, at);
      if (SECTIONS.contains(words.get(0))) {
        current = new ArrayList<>();
        out.add(new Section(l, current));
      } else if (current == null) {
        throw new ImportException(at, "unknown keyword '" + words.get(0) + "' out of section");
      } else {
        current.add(l);
      }
    }
    return out;
  }

  /** The words of one line. */
  static List<String> words(String line, Source at) throws ImportException {
    List<String> out = new ArrayList<>();
    StringBuilder w = null;
    int i = 0;
    int n = line.length();
    while (i < n) {
      char c = line.charAt(i);
      if (c == ' ' || c == '\t') {
        if (w != null) {
          out.add(w.toString());
          w = null;
        }
        i++;
        continue;
      }
      if (c == '#') {
        break;
      }
      if (w == null) {
        w = new StringBuilder();
      }
      if (c == '\\' && i + 1 < n) {
        i = escape(line, i + 1, w);
      } else if (c == '"') {
        int close = i + 1;
        while (close < n && line.charAt(close) != '"') {
          if (line.charAt(close) == '\\' && close + 1 < n) {
            close = escape(line, close + 1, w);
          } else {
            w.append(line.charAt(close++));
          }
        }
        if (close >= n) {
          throw new ImportException(at, "unmatched quote");
        }
        i = close + 1;
      } else if (c == '\'') {
        int close = line.indexOf('\'', i + 1);
        if (close < 0) {
          throw new ImportException(at, "unmatched quote");
        }
        w.append(line, i + 1, close);
        i = close + 1;
      } else {
        w.append(c);
        i++;
      }
    }
    if (w != null) {
      out.add(w.toString());
    }
    return out;
  }

  /**
   * Appends the character escaped at {@code i}; returns the index after it. HAProxy unescapes only
   * space, {@code #}, backslash, quotes, {@code \r}, {@code \n}, {@code \t} and {@code \xHH}; any
   * other backslash stays (regexes keep their {@code \.} and {@code \1}).
   */
  private static int escape(String line, int i, StringBuilder w) {
    char e = line.charAt(i);
    switch (e) {
      case ' ', '#', '\\', '"', '\'' -> w.append(e);
      case 'r' -> w.append('\r');
      case 'n' -> w.append('\n');
      case 't' -> w.append('\t');
      case 'x' -> {
        if (i + 2 < line.length()) {
          try {
            w.append((char) Integer.parseInt(line.substring(i + 1, i + 3), 16));
            return i + 3;
          } catch (NumberFormatException ignored) {
            w.append('\\').append('x');
          }
        }
      }
      default -> w.append('\\').append(e);
    }
    return i + 1;
  }
}
