package io.vxgate.admin.importer;

import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import org.jspecify.annotations.Nullable;

/** One nginx {@code server} block: its listen addresses, names and locations. */
final class NginxServer {
  /** A {@code listen} address. */
  record Listen(
      String host, int port, boolean ssl, boolean defaultServer, NginxDirective directive) {
    String bind() {
      return (host.contains(":") ? "[" + host + "]" : host) + ":" + port;
    }
  }

  /** How a server name matches (nginx's order of precedence). */
  enum NameKind {
    EXACT,
    WILDCARD_START,
    WILDCARD_END,
    REGEX
  }

  /** A server name: {@code value} is the host, the suffix after {@code *.}, or a Java regex. */
  record Name(NameKind kind, String value) {
    /** The route condition for this name. */
    Match match() {
      return switch (kind) {
        case EXACT -> Match.host(value);
        case WILDCARD_START -> Match.host("*." + value);
        case WILDCARD_END ->
            Match.header("Host", "~(?i)^" + PathCondition.quote(value) + "\\.[^:]+(?::[0-9]+)?$");
        case REGEX -> Match.header("Host", "~" + hostRegex(value));
      };
    }

    /** Whether this name matches {@code host}. */
    boolean matches(String host) {
      String h = host.toLowerCase(Locale.ROOT);
      return switch (kind) {
        case EXACT -> h.equals(value);
        case WILDCARD_START -> h.endsWith("." + value);
        case WILDCARD_END -> h.startsWith(value + ".");
        case REGEX -> java.util.regex.Pattern.compile(value).matcher(h).find();
      };
    }

    private static String hostRegex(String regex) {
      // the Host header may carry a port, which nginx's $host does not
      String r = regex.startsWith("(?i)") ? regex : "(?i)" + regex;
      return r.endsWith("$") && !r.endsWith("\\$")
          ? r.substring(0, r.length() - 1) + "(?::[0-9]+)?$"
          : r;
    }
  }

  final NginxDirective block;
  final NginxScope scope;
  final int index;
  final List<Listen> listens = new ArrayList<>();
  final List<Name> names = new ArrayList<>();
  final List<NginxLocations.Loc<NginxLocation>> locations = new ArrayList<>();

  /** Named locations ({@code location @name}), reached from try_files. */
  final java.util.Map<String, NginxLocation> named = new java.util.LinkedHashMap<>();

  /** Set when every request on a plain listener is redirected to https (see NginxTranslator). */
  @Nullable RedirectIdiom httpsRedirect;

  NginxServer(NginxDirective block, NginxScope scope, int index) {
    this.block = block;
    this.scope = scope;
    this.index = index;
  }

  /**
   * A redirect of every plain-HTTP request to https on {@code port}, keeping host and URI.
   *
   * @param onlyPlain whether it applies only to plain listeners ({@code if ($scheme = http)})
   */
  record RedirectIdiom(int port, int status, boolean onlyPlain, List<NginxDirective> directives) {}

  boolean listensTls() {
    return listens.stream().anyMatch(Listen::ssl);
  }

  boolean listensPlain() {
    return listens.stream().anyMatch(l -> !l.ssl());
  }

  /** The first exact name, for labels. */
  String label() {
    for (Name n : names) {
      if (n.kind() == NameKind.EXACT) {
        return n.value();
      }
    }
    for (Name n : names) {
      if (n.kind() == NameKind.WILDCARD_START) {
        return "wildcard." + n.value();
      }
    }
    return "server" + (index + 1);
  }
}
