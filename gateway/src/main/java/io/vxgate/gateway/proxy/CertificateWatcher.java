package io.vxgate.gateway.proxy;

import static java.util.Objects.requireNonNull;

import io.vertx.core.Vertx;
import io.vxgate.config.TlsConfig;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.function.Supplier;
import org.jspecify.annotations.Nullable;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * {@code tls.reload: watch} (docs/operations.md, "Rotating certificates"): polls the certificate
 * and key files of the watching TLS listeners every {@link #PERIOD}, on a worker thread (never an
 * event loop). The files are compared with how they were when the listener's certificates in force
 * were read ({@link Listener.Certificates#files}, so a change made right after the node started or
 * reloaded is not taken for the baseline); a file counts as changed when its {@link FileStamp}
 * differs. A change is loaded once the files have stayed the same for one more period, so a renewal
 * that writes the certificate and the key one after the other is seen as one change; the pair is
 * then loaded and checked ({@link Listener.Certificates#load}) and swapped in for new handshakes,
 * or refused with a log line, the old pair staying in force until the files change again. A change
 * is seen within two periods, so in force within about 2-3 s.
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

  /**
   * One listener's files: the certificates they were compared for, the files judged in force, a
   * change seen but not yet loaded.
   */
  private static final class State {
    final Listener.Certificates basis;
    List<FileStamp> inForce;
    @Nullable List<FileStamp> pending;

    State(Listener.Certificates basis) {
      this.basis = basis;
      this.inForce = basis.files();
    }
  }

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
    states.keySet().retainAll(new HashSet<>(now));
    for (Listener l : now) {
      TlsConfig tls = l.config().tls();
      Listener.Certificates current = l.certificates();
      if (tls == null || !tls.watch() || current == null) {
        states.remove(l);
        continue;
      }
      State s = states.get(l);
      if (s == null || s.basis != current) {
        // new, or loaded again (a reload, or this watcher): compare with what was read
        s = new State(current);
        states.put(l, s);
      }
      List<FileStamp> seen = FileStamp.of(paths(tls));
      if (seen.equals(s.inForce)) {
        s.pending = null;
      } else if (!seen.equals(s.pending)) {
        s.pending = seen; // changed: load when it has stayed so for one more period
      } else {
        s.inForce = seen; // refused or loaded, not tried again until the files change again
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

  /** The files of {@code tls}: each pair's certificate, then its key. */
  static List<String> paths(TlsConfig tls) {
    List<String> out = new ArrayList<>();
    tls.certificates().forEach(c -> out.addAll(List.of(c.cert(), c.key())));
    return out;
  }
}
