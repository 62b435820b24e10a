package io.vxgate.admin.importer;

import java.io.IOException;
import java.nio.file.FileSystems;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.PathMatcher;
import java.util.ArrayList;
import java.util.List;
import java.util.stream.Stream;
import org.jspecify.annotations.Nullable;

/**
 * Reads an nginx config into directives, with nginx's own tokenizer rules: words separated by white
 * space, {@code ;} and braces; single and double quotes with backslash escapes; {@code #} comments
 * from the start of a word to the end of the line; {@code ${var}} inside a word.
 *
 * <p>{@code include} is expanded where it stands. Its path may hold glob characters ({@code *},
 * {@code ?}, {@code [...]}; matches are read in name order, none is fine). A relative path is
 * looked up next to the including file first, then in the main file's directory (nginx's config
 * prefix). A missing file is reported and skipped.
 */
final class NginxParser {
  private static final int MAX_DEPTH = 16;

  private final SourceFiles files;
  private final Report report;

  NginxParser(SourceFiles files, Report report) {
    this.files = files;
    this.report = report;
  }

  /** The top-level directives of {@code file} and the files it includes. */
  List<NginxDirective> parse(Path file, String shownAs) throws ImportException {
    return parseFile(file, shownAs, 0);
  }

  private List<NginxDirective> parseFile(Path file, @Nullable String shownAs, int depth)
      throws ImportException {
    String name = files.display(file, shownAs);
    report.file(name);
    String text;
    try {
      text = SourceFiles.read(file);
    } catch (IOException e) {
      throw new ImportException(name + ": cannot be read (" + e.getClass().getSimpleName() + ")");
    }
    Lexer lx = new Lexer(text, name);
    List<NginxDirective> out = block(lx, file, depth, null);
    return out;
  }

  /** Directives until the matching '}' (or the end of the file when {@code open} is null). */
  private List<NginxDirective> block(Lexer lx, Path file, int depth, @Nullable Source open)
      throws ImportException {
    List<NginxDirective> out = new ArrayList<>();
    List<String> words = new ArrayList<>();
    // the first word's position; replaced before any directive is made of the words
    Source start = open != null ? open : new Source(file.toString(), 1);
    while (true) {
      Lexer.Token t = lx.next();
      switch (t.kind()) {
        case EOF -> {
          if (!words.isEmpty()) {
            throw new ImportException(t.at(), "unexpected end of file, expecting \";\" or \"}\"");
          }
          if (open != null) {
            throw new ImportException(
                t.at(),
                "unexpected end of file, expecting \"}\" (the block opened at line "
                    + open.line()
                    + ")");
          }
          return out;
        }
        case WORD -> {
          if (words.isEmpty()) {
            start = t.at();
          }
          words.add(t.text());
        }
        case SEMICOLON -> {
          if (words.isEmpty()) {
            throw new ImportException(t.at(), "unexpected \";\"");
          }
          NginxDirective d =
              new NginxDirective(words.get(0), words.subList(1, words.size()), start, null);
          if (d.name().equals("include")) {
            out.addAll(include(d, file, depth));
          } else {
            out.add(d);
          }
          words.clear();
        }
        case OPEN -> {
          if (words.isEmpty()) {
            throw new ImportException(t.at(), "unexpected \"{\"");
          }
          Source at = start;
          List<NginxDirective> inner = block(lx, file, depth, at);
          List<String> args = words.subList(1, words.size());
          if (words.get(0).equals("if")) {
            args = ifArgs(args, at);
          }
          out.add(new NginxDirective(words.get(0), args, at, inner));
          words.clear();
        }
        case CLOSE -> {
          if (!words.isEmpty()) {
            throw new ImportException(
                t.at(), "unexpected \"}\", expecting \";\" after \"" + words.get(0) + "\"");
          }
          if (open == null) {
            throw new ImportException(t.at(), "unexpected \"}\"");
          }
          return out;
        }
        default -> throw new IllegalStateException();
      }
    }
  }

  /**
   * The words of {@code if (...)} without the parentheses, as nginx's rewrite module reads them.
   */
  private static List<String> ifArgs(List<String> words, Source at) throws ImportException {
    List<String> a = new ArrayList<>(words);
    if (a.isEmpty() || !a.get(0).startsWith("(") || !a.get(a.size() - 1).endsWith(")")) {
      throw new ImportException(at, "invalid condition in \"if\"");
    }
    a.set(0, a.get(0).substring(1));
    int last = a.size() - 1;
    a.set(last, a.get(last).substring(0, a.get(last).length() - 1));
    a.removeIf(String::isEmpty);
    return a;
  }

  private List<NginxDirective> include(NginxDirective d, Path from, int depth)
      throws ImportException {
    if (d.args().size() != 1) {
      throw new ImportException(d.source(), "invalid number of arguments in \"include\"");
    }
    if (depth >= MAX_DEPTH) {
      throw new ImportException(
          d.source(), "include nested deeper than " + MAX_DEPTH + " (a loop?)");
    }
    String pattern = d.args().get(0);
    boolean glob = pattern.matches(".*[*?\\[].*");
    List<Path> candidates = new ArrayList<>();
    Path p = Path.of(pattern);
    if (p.isAbsolute()) {
      candidates.add(p);
    } else {
      Path abs = from.toAbsolutePath();
      Path parent = abs.getParent(); // a file read has one
      Path dir = parent == null ? abs : parent;
      candidates.add(dir.resolve(pattern));
      if (!dir.equals(files.baseDir())) {
        candidates.add(files.baseDir().resolve(pattern));
      }
    }
    List<NginxDirective> out = new ArrayList<>();
    for (Path c : candidates) {
      List<Path> matches = glob ? glob(c) : Files.isRegularFile(c) ? List.of(c) : List.of();
      if (matches.isEmpty()) {
        continue;
      }
      for (Path m : matches) {
        out.addAll(parseFile(m, null, depth + 1));
      }
      return out;
    }
    if (!glob) {
      if (pattern.equals("proxy_params")) {
        report.approximated(
            d.source(),
            d.text(),
            "file not found: read as Debian's /etc/nginx/proxy_params (Host $http_host, X-Real-IP,"
                + " X-Forwarded-For, X-Forwarded-Proto)");
        List<NginxDirective> debian = new ArrayList<>();
        for (String[] h :
            new String[][] {
              {"Host", "$http_host"},
              {"X-Real-IP", "$remote_addr"},
              {"X-Forwarded-For", "$proxy_add_x_forwarded_for"},
              {"X-Forwarded-Proto", "$scheme"}
            }) {
          debian.add(new NginxDirective("proxy_set_header", List.of(h), d.source(), null));
        }
        return debian;
      }
      if (p.getFileName() != null && p.getFileName().toString().equals("mime.types")) {
        report.ignored(d.source(), d.text(), "MIME types of files nginx serves itself");
      } else {
        report.unsupported(
            d.source(),
            d.text(),
            "file not found (looked for "
                + String.join(", ", candidates.stream().map(c -> files.display(c, null)).toList())
                + "): its directives are not translated");
      }
    }
    return out;
  }

  private static List<Path> glob(Path pattern) {
    Path dir = pattern.getParent();
    while (dir != null && dir.toString().matches(".*[*?\\[].*")) {
      dir = dir.getParent();
    }
    if (dir == null || !Files.isDirectory(dir)) {
      return List.of();
    }
    PathMatcher m =
        FileSystems.getDefault().getPathMatcher("glob:" + pattern.toString().replace("\\", "\\\\"));
    try (Stream<Path> s = Files.walk(dir, 8)) {
      return s.filter(Files::isRegularFile).filter(m::matches).sorted().toList();
    } catch (IOException e) {
      return List.of();
    }
  }

  /** nginx's tokenizer. */
  static final class Lexer {
    enum Kind {
      WORD,
      SEMICOLON,
      OPEN,
      CLOSE,
      EOF
    }

    record Token(Kind kind, String text, Source at) {}

    private final String s;
    private final String file;
    private int i;
    private int line = 1;

    Lexer(String s, String file) {
      this.s = s;
      this.file = file;
    }

    Token next() throws ImportException {
      while (i < s.length()) {
        char c = s.charAt(i);
        if (c == '\n') {
          line++;
          i++;
        } else if (Character.isWhitespace(c)) {
          i++;
        } else if (c == '#') {
          while (i < s.length() && s.charAt(i) != '\n') {
            i++;
          }
        } else {
          break;
        }
      }
      Source at = new Source(file, line);
      if (i >= s.length()) {
        return new Token(Kind.EOF, "", at);
      }
      char c = s.charAt(i);
      switch (c) {
        case ';' -> {
          i++;
          return new Token(Kind.SEMICOLON, ";", at);
        }
        case '{' -> {
          i++;
          return new Token(Kind.OPEN, "{", at);
        }
        case '}' -> {
          i++;
          return new Token(Kind.CLOSE, "}", at);
        }
        case '"', '\'' -> {
          return quoted(c, at);
        }
        default -> {
          return word(at);
        }
      }
    }

    private Token quoted(char q, Source at) throws ImportException {
      i++;
      StringBuilder sb = new StringBuilder();
      while (true) {
        if (i >= s.length()) {
          throw new ImportException(at, "unexpected end of file in a quoted string");
        }
        char c = s.charAt(i++);
        if (c == '\n') {
          line++;
        }
        if (c == '\\' && i < s.length()) {
          escape(sb);
        } else if (c == q) {
          break;
        } else {
          sb.append(c);
        }
      }
      if (i < s.length()) {
        char n = s.charAt(i);
        // nginx lets ')' follow a quoted word, as the closing of an if condition
        if (!Character.isWhitespace(n) && n != ';' && n != '{' && n != '}' && n != ')') {
          throw new ImportException(
              new Source(file, line), "unexpected \"" + n + "\" after a quoted string");
        }
      }
      return new Token(Kind.WORD, sb.toString(), at);
    }

    private Token word(Source at) {
      StringBuilder sb = new StringBuilder();
      while (i < s.length()) {
        char c = s.charAt(i);
        if (Character.isWhitespace(c) || c == ';') {
          break;
        }
        if (c == '{') {
          // "${" inside a word is a variable, not a block
          if (sb.length() > 0 && sb.charAt(sb.length() - 1) == '$') {
            int close = s.indexOf('}', i);
            if (close > 0) {
              sb.append(s, i, close + 1);
              i = close + 1;
              continue;
            }
          }
          break;
        }
        if (c == '}') {
          break;
        }
        i++;
        if (c == '\\' && i < s.length()) {
          escape(sb);
        } else {
          sb.append(c);
        }
      }
      return new Token(Kind.WORD, sb.toString(), at);
    }

    /** The character after a backslash: nginx unescapes quotes, backslash, t, r and n. */
    private void escape(StringBuilder sb) {
      char n = s.charAt(i++);
      switch (n) {
        case '"', '\'', '\\' -> sb.append(n);
        case 't' -> sb.append('\t');
        case 'r' -> sb.append('\r');
        case 'n' -> sb.append('\n');
        case '\n' -> {
          line++;
          sb.append('\\').append(n);
        }
        default -> sb.append('\\').append(n);
      }
    }
  }
}
