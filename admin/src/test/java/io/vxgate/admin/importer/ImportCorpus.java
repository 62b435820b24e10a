package io.vxgate.admin.importer;

import io.vertx.core.http.HttpMethod;
import io.vxgate.config.ConfigLoader;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.RouteConfig;
import io.vxgate.gateway.geoip.CountryResolver;
import io.vxgate.gateway.route.RequestView;
import io.vxgate.gateway.route.Route;
import io.vxgate.gateway.route.Router;
import io.vxgate.testing.MmdbWriter;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.stream.Stream;

/**
 * The test corpus of nginx and HAProxy configs (src/test/resources/import): copied to a work
 * directory with a generated GeoLite2-style database, translated, and the routing decisions of the
 * result asked of vxgate's own {@link Router}.
 */
final class ImportCorpus {
  private ImportCorpus() {}

  /** Copies {@code import/FORMAT} into {@code dir} and adds the GeoIP test database. */
  static Path copy(String format, Path dir) {
    try {
      Path src = Path.of(ImportCorpus.class.getResource("/import/" + format).toURI());
      try (Stream<Path> s = Files.walk(src)) {
        for (Path p : s.toList()) {
          Path to = dir.resolve(src.relativize(p).toString());
          if (Files.isDirectory(p)) {
            Files.createDirectories(to);
          } else {
            Files.copy(p, to);
          }
        }
      }
      new MmdbWriter("GeoLite2-Country", 24)
          .insert("81.2.69.0/24", MmdbWriter.country("GB"))
          .insert("2.16.0.0/16", MmdbWriter.country("DE"))
          .insert("2.17.0.0/16", MmdbWriter.country("FR"))
          .insert("175.45.176.0/22", MmdbWriter.country("KP"))
          .insert("3.0.0.0/8", MmdbWriter.country("US"))
          .write(dir.resolve("GeoLite2-Country.mmdb"));
      return dir;
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /**
   * Translates a corpus config, checks it with the loader, and returns its notes next to the
   * expected ones ({@code NAME.notes}). With {@code -Dimport.record=true} the current notes are
   * written to the source tree as the expected ones (for a reviewed change of the translation).
   */
  static List<List<String>> notes(String format, Path dir, String name) throws Exception {
    Path file = dir.resolve(name);
    Translation t = ImportCommand.translate(format, file, name);
    ImportCommand.check(t.yaml());
    List<String> notes = t.notes().stream().map(Note::line).toList();
    if (Boolean.getBoolean("import.record")) {
      Path src = Path.of("src/test/resources/import", format, name);
      Path out =
          src.resolveSibling(src.getFileName().toString().replaceAll("\\.[a-z]+$", ".notes"));
      Files.writeString(
          out, notes.isEmpty() ? "" : String.join("\n", notes) + "\n", StandardCharsets.UTF_8);
    }
    if (t.exitCode() != (notes.stream().allMatch(n -> n.contains(": ignored: ")) ? 0 : 3)) {
      throw new AssertionError("exit code " + t.exitCode() + " for " + notes);
    }
    return List.of(notes, expectedNotes(file));
  }

  /** The expected notes of a config: {@code NAME.notes} next to it, one line each. */
  static List<String> expectedNotes(Path config) {
    Path f =
        config.resolveSibling(
            config.getFileName().toString().replaceAll("\\.[a-z]+$", "") + ".notes");
    try {
      return Files.readAllLines(f, StandardCharsets.UTF_8).stream()
          .filter(l -> !l.isBlank())
          .toList();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }

  static GatewayConfig load(String yaml) {
    return ConfigLoader.parse(
        yaml, "imported", null, null, ConfigLoader.Environment.of(Map.of(), "test"));
  }

  /** A request for {@link #decide}. */
  record Req(String method, String host, String path, Map<String, String> headers, String source) {
    static Req get(String host, String path) {
      return new Req("GET", host, path, Map.of(), "203.0.113.7");
    }

    Req from(String address) {
      return new Req(method, host, path, headers, address);
    }

    Req method(String m) {
      return new Req(m, host, path, headers, source);
    }

    Req header(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Req(method, host, path, h, source);
    }
  }

  /**
   * What the translated config does with a request: {@code upstream NAME}, {@code redirect STATUS
   * LOCATION}, {@code return STATUS}, or {@code 404} when no route matches.
   */
  static String decide(GatewayConfig config, Req r) {
    Router router = Router.compile(config.routes(), CountryResolver.forConfig(config.geoip()));
    int q = r.path().indexOf('?');
    String path = q < 0 ? r.path() : r.path().substring(0, q);
    String query = q < 0 ? "" : r.path().substring(q + 1);
    Route route =
        router.route(
            new RequestView() {
              public String path() {
                return path;
              }

              public String host() {
                return r.host().replaceAll(":[0-9]+$", "").toLowerCase(Locale.ROOT);
              }

              public HttpMethod method() {
                return HttpMethod.valueOf(r.method());
              }

              public String header(String name) {
                if (name.equalsIgnoreCase("Host")) {
                  return r.host();
                }
                for (Map.Entry<String, String> e : r.headers().entrySet()) {
                  if (e.getKey().equalsIgnoreCase(name)) {
                    return e.getValue();
                  }
                }
                return null;
              }

              public String queryParam(String name) {
                for (String kv : query.split("&")) {
                  String[] p = kv.split("=", 2);
                  if (p[0].equals(name)) {
                    return p.length > 1 ? p[1] : "";
                  }
                }
                return null;
              }

              public InetAddress source() {
                try {
                  return InetAddress.getByName(r.source());
                } catch (IOException e) {
                  throw new UncheckedIOException(e);
                }
              }

              public boolean websocket() {
                return "websocket".equalsIgnoreCase(header("Upgrade"));
              }
            });
    if (route == null) {
      return "404";
    }
    RouteConfig.Action a = route.config().action();
    if (a instanceof RouteConfig.Forward f) {
      return "upstream " + f.upstream();
    }
    if (a instanceof RouteConfig.Redirect rd) {
      return "redirect " + rd.status() + " " + rd.location() + (rd.keepPath() ? " +path" : "");
    }
    return "return " + ((RouteConfig.Return) a).status();
  }

  /** The corpus configs of a format that parse (not {@code broken-*}). */
  static java.util.stream.Stream<String> parsingConfigs(String format, String ext) {
    try {
      Path src = Path.of(ImportCorpus.class.getResource("/import/" + format).toURI());
      return configs(src, ext).stream().filter(c -> !c.startsWith("broken-"));
    } catch (URISyntaxException e) {
      throw new IllegalStateException(e);
    }
  }

  /** Every config file of a format directory, relative to it, sorted. */
  static List<String> configs(Path dir, String ext) {
    List<String> out = new ArrayList<>();
    try (Stream<Path> s = Files.walk(dir)) {
      s.filter(p -> p.toString().endsWith("." + ext))
          .filter(p -> !dir.relativize(p).toString().contains("conf.d/"))
          .filter(p -> !dir.relativize(p).toString().contains("snippets/"))
          .forEach(p -> out.add(dir.relativize(p).toString()));
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
    out.sort(null);
    return out;
  }
}
