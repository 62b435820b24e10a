package io.vxgate.gateway.accesslog;

import static java.util.Objects.requireNonNull;

import java.net.InetSocketAddress;
import org.jspecify.annotations.Nullable;

/**
 * The facts of one request (an HTTP/1 request, an HTTP/2 stream or a WebSocket session), filled in
 * on its event loop as the request goes (head read, routed, each attempt, the origin's answer, the
 * end) and handed to the {@link AccessLog} once it ended; from then on only the log's writer thread
 * reads it. Times are the node ticker's nanoseconds; each phase is {@code -1} until it happened.
 *
 * <p>One object per request, and the only allocation the access log costs on the event loop: the
 * strings it holds are those the request already had.
 */
public final class AccessRecord {
  final long startMillis;
  final long startNanos;
  final String listener;
  final @Nullable InetSocketAddress peer;
  final @Nullable String tls;

  long headNanos = -1;
  @Nullable String method;
  @Nullable String target;
  int version;
  @Nullable String host;
  @Nullable String userAgent;
  @Nullable String referer;
  @Nullable String client;
  @Nullable String requestId;

  long traceHi;
  long traceLo;
  long parentSpan;
  long span;
  int traceFlags;

  @Nullable String route;
  @Nullable String upstream;
  @Nullable String server;
  int attempts;
  private long attemptNanos;
  long waitNanos = -1;
  long connectNanos = -1;
  private long connectedAt;
  long responseNanos = -1;
  int upstreamStatus;

  int status;
  @Nullable Termination termination;
  long bytesIn;
  long bytesOut;
  long endNanos = -1;

  /**
   * A request whose first byte arrived at {@code startNanos}.
   *
   * @param startMillis the wall-clock time of its arrival (epoch milliseconds)
   * @param peer the TCP peer (null: unknown)
   * @param tls the TLS protocol of its connection (null: none)
   */
  public AccessRecord(
      long startMillis,
      long startNanos,
      String listener,
      @Nullable InetSocketAddress peer,
      @Nullable String tls) {
    this.startMillis = startMillis;
    this.startNanos = startNanos;
    this.listener = requireNonNull(listener, "listener");
    this.peer = peer;
    this.tls = tls;
  }

  /**
   * The request head was read.
   *
   * @param version 10, 11 (HTTP/1.x) or 20 (HTTP/2)
   * @param method null: the head was not read (a malformed request)
   * @param target null: the head was not read
   * @param host the effective authority ({@code host[:port]}; null: none)
   * @param userAgent null: none
   * @param referer null: none
   */
  public void head(
      long nanos,
      @Nullable String method,
      @Nullable String target,
      int version,
      @Nullable String host,
      @Nullable String userAgent,
      @Nullable String referer,
      String requestId) {
    this.headNanos = nanos;
    this.method = method;
    this.target = target;
    this.version = version;
    this.host = host;
    this.userAgent = userAgent;
    this.referer = referer;
    this.requestId = requestId;
  }

  /**
   * The request's W3C trace context: its trace id, the caller's span (0: none, a new trace), the
   * gateway's own span and the trace flags it passes on.
   */
  public void trace(long traceHi, long traceLo, long parentSpan, long span, int flags) {
    this.traceHi = traceHi;
    this.traceLo = traceLo;
    this.parentSpan = parentSpan;
    this.span = span;
    this.traceFlags = flags;
  }

  /**
   * The {@code traceparent} that names the gateway's span: {@code 00-TRACE-SPAN-FLAGS}, what the
   * origin gets and generated error responses carry.
   */
  public String traceparent() {
    byte[] b = new byte[55];
    b[0] = '0';
    b[1] = '0';
    b[2] = '-';
    Hex.write(traceHi, b, 3);
    Hex.write(traceLo, b, 19);
    b[35] = '-';
    Hex.write(span, b, 36);
    b[52] = '-';
    b[53] = (byte) Hex.digit(traceFlags >> 4);
    b[54] = (byte) Hex.digit(traceFlags);
    return new String(b, java.nio.charset.StandardCharsets.ISO_8859_1);
  }

  /** Whether the request continues a caller's trace (its {@code tracestate} passes on). */
  public boolean continuesTrace() {
    return parentSpan != 0;
  }

  /** Whether the trace is sampled (the {@code sampled} flag). */
  public boolean sampled() {
    return (traceFlags & 1) != 0;
  }

  /** The trace id as 32 hex digits, or null when the request has none. */
  @Nullable String traceId() {
    if (traceHi == 0 && traceLo == 0) {
      return null;
    }
    char[] out = new char[32];
    Hex.write(traceHi, out, 0);
    Hex.write(traceLo, out, 16);
    return new String(out);
  }

  /** The client's address as the gateway believes it (X-Forwarded-For from a trusted proxy). */
  public void client(String ip) {
    this.client = ip;
  }

  /**
   * The request matched {@code route}.
   *
   * @param upstream null: a route the gateway answers itself
   */
  public void routed(String route, @Nullable String upstream) {
    this.route = route;
    this.upstream = upstream;
  }

  /** An attempt to {@code server} starts (the server was picked). */
  public void attempt(String server, long nanos) {
    this.server = server;
    this.attempts++;
    this.attemptNanos = nanos;
    this.waitNanos = -1;
    this.connectNanos = -1;
    this.responseNanos = -1;
    this.upstreamStatus = 0;
  }

  /**
   * The attempt has its connection.
   *
   * @param connectNanos how long a new connection took to open (0 for a pooled one); the rest of
   *     the time since the attempt started was spent waiting for the pool
   */
  public void connected(long nanos, long connectNanos) {
    long total = Math.max(0, nanos - attemptNanos);
    this.connectNanos = Math.min(total, Math.max(0, connectNanos));
    this.waitNanos = total - this.connectNanos;
    this.connectedAt = nanos;
  }

  /** The origin's response head arrived. */
  public void responseHead(int status, long nanos) {
    this.upstreamStatus = status;
    this.responseNanos = Math.max(0, nanos - connectedAt);
  }

  /**
   * The request ended.
   *
   * @param status the status sent to the client, 0 when none was
   * @param bytesIn body bytes read from the client (a WebSocket: bytes from the client)
   * @param bytesOut body bytes written to the client (a WebSocket: bytes to the client)
   */
  public void end(int status, Termination termination, long bytesIn, long bytesOut, long nanos) {
    this.status = status;
    this.termination = requireNonNull(termination, "termination");
    this.bytesIn = bytesIn;
    this.bytesOut = bytesOut;
    this.endNanos = nanos;
  }

  /** The status sent to the client, 0 when none was. */
  public int status() {
    return status;
  }

  /** The routed upstream, or null. */
  public @Nullable String upstream() {
    return upstream;
  }

  public long bytesIn() {
    return bytesIn;
  }

  public long bytesOut() {
    return bytesOut;
  }

  /** When the request's first byte arrived (the node ticker's nanoseconds). */
  public long startNanos() {
    return startNanos;
  }

  /** From the request's first byte to its end. */
  public long durationNanos() {
    return endNanos < 0 ? 0 : endNanos - startNanos;
  }

  /** How many attempts the request made (0: none). */
  public int attempts() {
    return attempts;
  }

  /** Why the request ended (null: it has not). */
  public @Nullable Termination termination() {
    return termination;
  }

  /**
   * The request's X-Request-Id: asked for only once {@link #head} has set it (a request the gateway
   * answers or forwards; a malformed one gets a generated id).
   */
  // NullAway cannot see the order of calls: the field is null only before head()
  @SuppressWarnings("NullAway")
  public String requestId() {
    return requestId;
  }
}
