package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
import io.vxgate.config.TlsConfig;
import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.time.Duration;
import java.util.ArrayList;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Objects;
import java.util.function.Supplier;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tls.reload: watch} (docs/operations.md, "Rotating certificates"): polls the certificate
 * and key files of the watching TLS listeners every {@link #PERIOD}, on a worker thread (never an
 * event loop). A file counts as changed when its real path (a symlink swapped, as cert-manager's
 * {@code ..data} link or certbot's {@code live/} links), inode (a file renamed over it), size or
 * modification time differ. A change is loaded once the files have stayed the same for one more
 * period, so a renewal that writes the certificate and the key one after the other is seen as one
 * change; the pair is then loaded and checked ({@link Listener.Certificates#load}) and swapped in
 * for new handshakes, or refused with a log line, the old pair staying in force. A change is seen
 * within two periods, so in force within about 2-3 s.
 */
public final class CertificateWatcher {
  private static final Logger log = LoggerFactory.getLogger(CertificateWatcher.class);

  /** How often the files are looked at. */
  public static final Duration PERIOD = Duration.ofSeconds(1);

  private final Vertx vertx;
  private final Supplier<List<Listener>> listeners;
  private final IdentityHashMap<Listener, State> states = new IdentityHashMap<>();
  private long timer = -1;
  private volatile boolean closed;

  /** What was last seen of one listener's files: in force, and changed but not yet loaded. */
  private static final class State {
    List<String> paths;
    List<Stamp> inForce;
    List<Stamp> pending;
  }

  /** One file as seen on disk; null fields when it cannot be read. */
  private record Stamp(String realPath, Object inode, long size, long modified) {}

  /**
   * @param listeners the node's listeners now (those whose TLS settings say {@code watch} are
   *     watched)
   */
  public CertificateWatcher(Vertx vertx, Supplier<List<Listener>> listeners) {
    this.vertx = requireNonNull(vertx, "vertx");
    this.listeners = requireNonNull(listeners, "listeners");
  }

  /** Starts polling. */
  public void start() {
    timer =
        vertx.setPeriodic(
            PERIOD.toMillis(),
            id ->
                vertx.executeBlocking(
                    () -> {
                      check();
                      return null;
                    }));
  }

  /** Stops polling. */
  public void close() {
    closed = true;
    if (timer >= 0) {
      vertx.cancelTimer(timer);
    }
  }

  /** One look at every watched listener's files (a worker thread, one at a time). */
  synchronized void check() {
    if (closed) {
      return;
    }
    List<Listener> now = listeners.get();
    states.keySet().retainAll(new java.util.HashSet<>(now));
    for (Listener l : now) {
      TlsConfig tls = l.config().tls();
      if (tls == null || !tls.watch()) {
        states.remove(l);
        continue;
      }
      List<String> paths = paths(tls);
      List<Stamp> seen = stamps(paths);
      State s = states.get(l);
      if (s == null || !s.paths.equals(paths)) {
        // new, or its files were changed by a reload, which loaded them: the baseline
        s = new State();
        s.paths = paths;
        s.inForce = seen;
        states.put(l, s);
        continue;
      }
      if (seen.equals(s.inForce)) {
        s.pending = null;
      } else if (!seen.equals(s.pending)) {
        s.pending = seen; // changed: load when it has stayed so for one more period
      } else {
        s.inForce = seen;
        s.pending = null;
        load(l, tls);
      }
    }
  }

  private void load(Listener l, TlsConfig tls) {
    String name = l.config().name();
    try {
      Listener.Certificates certs = Listener.Certificates.load(vertx, tls);
      l.certificates(certs);
      log.atInfo()
          .addKeyValue("listener", name)
          .addKeyValue(
              "serials",
              certs.leaves().stream().map(c -> c.getSerialNumber().toString(16)).toList())
          .log("certificates changed on disk: loaded for new handshakes");
    } catch (RuntimeException e) {
      log.atWarn()
          .addKeyValue("listener", name)
          .log(
              "certificates changed on disk but refused, the previous ones stay: {}",
              e.getMessage());
    }
  }

  private static List<String> paths(TlsConfig tls) {
    List<String> out = new ArrayList<>();
    tls.certificates().forEach(c -> out.addAll(List.of(c.cert(), c.key())));
    return out;
  }

  private static List<Stamp> stamps(List<String> paths) {
    List<Stamp> out = new ArrayList<>();
    for (String p : paths) {
      out.add(stamp(Path.of(p)));
    }
    return out;
  }

  private static Stamp stamp(Path p) {
    try {
      Path real = p.toRealPath();
      BasicFileAttributes a = Files.readAttributes(real, BasicFileAttributes.class);
      Object inode = a.fileKey();
      return new Stamp(real.toString(), inode, a.size(), a.lastModifiedTime().toMillis());
    } catch (IOException | RuntimeException e) {
      return new Stamp(Objects.toString(p), null, -1, -1);
    }
  }
}
