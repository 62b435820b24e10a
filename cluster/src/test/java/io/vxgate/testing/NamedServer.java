package io.vxgate.testing;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.DatagramSocket;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.SecureRandom;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import org.xbill.DNS.AAAARecord;
import org.xbill.DNS.ARecord;
import org.xbill.DNS.DClass;
import org.xbill.DNS.Message;
import org.xbill.DNS.Name;
import org.xbill.DNS.Rcode;
import org.xbill.DNS.Record;
import org.xbill.DNS.Section;
import org.xbill.DNS.SimpleResolver;
import org.xbill.DNS.Type;

/**
 * A real BIND 9 {@code named} for tests: authoritative for one zone on 127.0.0.1 and an ephemeral
 * port, no recursion, updates allowed with the TSIG key {@value #KEY_NAME} ({@code hmac-sha256}, a
 * fresh random secret). Everything (config, zone, journal, pid file, session key) lives in the
 * given directory; named runs in the foreground as a child process and stops with {@link #close}.
 *
 * <p>named is required, not optional: {@code bin/test} installs it (Debian {@code bind9}). When it
 * is missing, {@link #start} fails with a message that says so.
 */
public final class NamedServer implements AutoCloseable {
  /** The TSIG key name. */
  public static final String KEY_NAME = "vxgate";

  private final Process process;
  private final int port;
  private final String secret;
  private final Path log;

  private NamedServer(Process process, int port, String secret, Path log) {
    this.process = process;
    this.port = port;
    this.secret = secret;
    this.log = log;
  }

  /**
   * Starts named for {@code zone} in {@code dir}, with the zone file's records after the SOA and
   * NS: {@code records} lines such as {@code "gw 30 IN A 192.0.2.1"}.
   */
  public static NamedServer start(Path dir, String zone, List<String> records)
      throws IOException, InterruptedException {
    String named = named();
    byte[] key = new byte[32];
    new SecureRandom().nextBytes(key);
    String secret = Base64.getEncoder().encodeToString(key);
    Path zoneFile = dir.resolve("db." + zone);
    StringBuilder z = new StringBuilder();
    z.append("$ORIGIN ").append(zone).append(".\n$TTL 300\n");
    z.append("@ IN SOA ns1 hostmaster ( 1 3600 600 604800 30 )\n");
    z.append("  IN NS ns1\nns1 IN A 127.0.0.1\n");
    records.forEach(r -> z.append(r).append('\n'));
    Files.writeString(zoneFile, z);
    IOException last = null;
    for (int attempt = 0; attempt < 5; attempt++) {
      int port = freePort();
      Path conf = dir.resolve("named.conf");
      Files.writeString(conf, conf(dir, zone, zoneFile, port, secret));
      Path log = dir.resolve("named-" + port + ".log");
      Process p =
          new ProcessBuilder(named, "-g", "-u", "root", "-c", conf.toString())
              .redirectErrorStream(true)
              .redirectOutput(log.toFile())
              .start();
      NamedServer server = new NamedServer(p, port, secret, log);
      try {
        server.awaitUp(zone, Duration.ofSeconds(15));
        return server;
      } catch (IOException e) {
        server.close();
        last = e;
      }
    }
    throw last;
  }

  private static String conf(Path dir, String zone, Path zoneFile, int port, String secret) {
    return """
        key "%s" { algorithm hmac-sha256; secret "%s"; };
        controls { };
        options {
          directory "%s";
          pid-file "%s";
          session-keyfile "%s";
          listen-on port %d { 127.0.0.1; };
          listen-on-v6 { none; };
          recursion no;
          allow-query { any; };
          allow-transfer { none; };
          dnssec-validation no;
          notify no;
        };
        zone "%s" {
          type primary;
          file "%s";
          allow-update { key "%s"; };
        };
        """
        .formatted(
            KEY_NAME,
            secret,
            dir,
            dir.resolve("named.pid"),
            dir.resolve("session.key"),
            port,
            zone,
            zoneFile,
            KEY_NAME);
  }

  /** The path of {@code named}; fails with what to install when there is none. */
  public static String named() {
    List<String> dirs = new ArrayList<>();
    String path = System.getenv("PATH");
    if (path != null) {
      dirs.addAll(List.of(path.split(File.pathSeparator)));
    }
    dirs.addAll(List.of("/usr/sbin", "/usr/local/sbin", "/sbin"));
    for (String d : dirs) {
      Path p = Path.of(d, "named");
      if (Files.isExecutable(p)) {
        return p.toString();
      }
    }
    throw new IllegalStateException(
        "named (BIND 9) is not installed, and the DNS sync tests need a real one: install the"
            + " Debian package bind9 (apt-get install -y bind9 bind9-utils), as bin/test does");
  }

  private void awaitUp(String zone, Duration max) throws IOException, InterruptedException {
    long deadline = System.nanoTime() + max.toNanos();
    while (System.nanoTime() < deadline) {
      if (!process.isAlive()) {
        throw new IOException("named exited " + process.exitValue() + ":\n" + logTail());
      }
      try {
        Message r = query(zone, Type.SOA);
        if (r.getRcode() == Rcode.NOERROR && !r.getSection(Section.ANSWER).isEmpty()) {
          return;
        }
      } catch (IOException notYet) {
        // not listening yet
      }
      Thread.sleep(100);
    }
    throw new IOException("named did not answer within " + max + ":\n" + logTail());
  }

  /** The port named listens on (UDP and TCP, 127.0.0.1). */
  public int port() {
    return port;
  }

  /** {@code 127.0.0.1:port}. */
  public String server() {
    return "127.0.0.1:" + port;
  }

  /** The base64 TSIG secret of {@value #KEY_NAME}. */
  public String secret() {
    return secret;
  }

  /** Queries named directly, unsigned. */
  public Message query(String name, int type) throws IOException {
    SimpleResolver r =
        new SimpleResolver(new InetSocketAddress(InetAddress.getLoopbackAddress(), port));
    r.setTimeout(Duration.ofSeconds(1));
    Name n = Name.fromString(name, Name.root);
    return r.send(Message.newQuery(Record.newRecord(n, type, DClass.IN)));
  }

  /** The A and AAAA addresses of {@code name}, sorted as text. */
  public Set<String> addresses(String name) throws IOException {
    Set<String> out = new TreeSet<>();
    for (int type : new int[] {Type.A, Type.AAAA}) {
      for (Record r : query(name, type).getSection(Section.ANSWER)) {
        if (r instanceof ARecord a) {
          out.add(a.getAddress().getHostAddress());
        } else if (r instanceof AAAARecord a) {
          out.add(a.getAddress().getHostAddress());
        }
      }
    }
    return out;
  }

  /** The end of named's log. */
  public String logTail() {
    try {
      List<String> lines = Files.readAllLines(log);
      return String.join("\n", lines.subList(Math.max(0, lines.size() - 30), lines.size()));
    } catch (IOException e) {
      return "(no log: " + e + ")";
    }
  }

  @Override
  public void close() {
    process.destroy();
    try {
      if (!process.waitFor(5, java.util.concurrent.TimeUnit.SECONDS)) {
        process.destroyForcibly().waitFor(5, java.util.concurrent.TimeUnit.SECONDS);
      }
    } catch (InterruptedException e) {
      process.destroyForcibly();
      Thread.currentThread().interrupt();
    }
  }

  private static int freePort() {
    for (int i = 0; i < 50; i++) {
      try (DatagramSocket udp = new DatagramSocket(0, InetAddress.getLoopbackAddress())) {
        int port = udp.getLocalPort();
        try (ServerSocket tcp = new ServerSocket(port, 1, InetAddress.getLoopbackAddress())) {
          return port;
        } catch (IOException taken) {
          // try another
        }
      } catch (IOException e) {
        throw new UncheckedIOException(e);
      }
    }
    throw new IllegalStateException("no free UDP+TCP port on 127.0.0.1");
  }
}
