package io.vxgate.gateway.it;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.handler.codec.http2.DefaultHttp2Headers;
import io.netty.handler.codec.http2.DefaultHttp2HeadersDecoder;
import io.netty.handler.codec.http2.DefaultHttp2HeadersEncoder;
import io.netty.handler.codec.http2.Http2Exception;
import io.netty.handler.codec.http2.Http2Headers;
import io.netty.handler.codec.http2.Http2HeadersEncoder;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

/**
 * A raw HTTP/2 client over TLS (ALPN {@code h2}) that writes exactly the frames a test scripts,
 * valid or not (a CONTINUATION flood, a HEADERS frame right after its RST_STREAM), and reads the
 * server's frames on a thread of its own: responses per stream, RST_STREAM, GOAWAY, and the
 * connection's end. Header blocks are HPACK-encoded with Netty's encoder without any validation, so
 * a test can send what a well-behaved client would refuse to.
 *
 * <p>The reader answers SETTINGS with an ACK and nothing else: WINDOW_UPDATE and PING are a test's
 * to send (or not).
 */
final class H2Client implements AutoCloseable {
  static final int DATA = 0;
  static final int HEADERS = 1;
  static final int RST_STREAM = 3;
  static final int SETTINGS = 4;
  static final int PING = 6;
  static final int GOAWAY = 7;
  static final int WINDOW_UPDATE = 8;
  static final int CONTINUATION = 9;

  static final int END_STREAM = 0x1;
  static final int END_HEADERS = 0x4;
  static final int ACK = 0x1;

  private static final byte[] PREFACE =
      "PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  /**
   * A response as read so far.
   *
   * @param headers the response's header block (null until it came)
   * @param body the DATA received
   * @param ended END_STREAM came
   * @param resetCode the RST_STREAM error code, or -1
   */
  record Response(Http2Headers headers, byte[] body, boolean ended, long resetCode) {
    int status() {
      return headers == null ? 0 : Integer.parseInt(headers.status().toString());
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  private final SSLSocket socket;
  private final OutputStream out;
  private final DataInputStream in;
  private final DefaultHttp2HeadersEncoder encoder =
      new DefaultHttp2HeadersEncoder(Http2HeadersEncoder.NEVER_SENSITIVE, true);
  private final DefaultHttp2HeadersDecoder decoder = new DefaultHttp2HeadersDecoder(false);
  private final Map<Integer, Stream> streams = new ConcurrentHashMap<>();
  private final CountDownLatch gone = new CountDownLatch(1);
  private final AtomicReference<long[]> goAway = new AtomicReference<>();
  private final AtomicInteger nextStream = new AtomicInteger(1);

  /** Frames read, of every type. */
  final AtomicLong framesRead = new AtomicLong();

  /** SETTINGS frames read (without ACK). */
  final AtomicLong settingsRead = new AtomicLong();

  /** PING ACKs read. */
  final AtomicLong pingAcks = new AtomicLong();

  private static final class Stream {
    volatile Http2Headers headers;
    final ByteArrayOutputStream body = new ByteArrayOutputStream();
    volatile boolean ended;
    volatile long reset = -1;
  }

  private final int port;

  private H2Client(SSLSocket socket, int port) throws IOException {
    this.socket = socket;
    this.port = port;
    this.out = new BufferedOutputStream(socket.getOutputStream(), 64 * 1024);
    this.in = new DataInputStream(new java.io.BufferedInputStream(socket.getInputStream()));
  }

  /**
   * Connects to {@code port} on 127.0.0.1 with SNI {@code sni}, ALPN {@code h2} and any certificate
   * trusted; sends the preface and {@code settings} (id, value pairs).
   */
  static H2Client connect(int port, String sni, int... settings) throws Exception {
    // The listener gives a TLS handshake 10 s; on a loaded test machine the first ones (cold JIT)
    // can take longer: the test is about what follows, so a handshake is tried three times.
    for (int attempt = 1; ; attempt++) {
      try {
        return connectOnce(port, sni, settings);
      } catch (javax.net.ssl.SSLException e) {
        if (attempt == 3) {
          throw e;
        }
      }
    }
  }

  private static H2Client connectOnce(int port, String sni, int... settings) throws Exception {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    SSLSocket s =
        (SSLSocket)
            TlsIT.trustAll().getSocketFactory().createSocket(plain, "127.0.0.1", port, true);
    SSLParameters p = s.getSSLParameters();
    p.setServerNames(List.of(new SNIHostName(sni)));
    p.setApplicationProtocols(new String[] {"h2"});
    s.setSSLParameters(p);
    s.setTcpNoDelay(true);
    s.startHandshake();
    if (!"h2".equals(s.getApplicationProtocol())) {
      s.close();
      throw new IOException("no h2: " + s.getApplicationProtocol());
    }
    H2Client c = new H2Client(s, port);
    c.out.write(PREFACE);
    ByteBuf b = Unpooled.buffer();
    for (int i = 0; i + 1 < settings.length; i += 2) {
      b.writeShort(settings[i]).writeInt(settings[i + 1]);
    }
    c.frame(SETTINGS, 0, 0, ByteBufUtil.getBytes(b));
    c.flush();
    Thread reader = new Thread(c::readLoop, "h2-client-reader");
    reader.setDaemon(true);
    reader.start();
    return c;
  }

  /** A new client stream id (odd, increasing). */
  int newStream() {
    return nextStream.getAndAdd(2);
  }

  /**
   * A request's headers: {@code :method}, {@code :scheme https}, {@code :authority}, {@code :path}.
   */
  static Http2Headers request(String method, String authority, String path) {
    Http2Headers h = new DefaultHttp2Headers(false);
    h.method(method).scheme("https").path(path);
    if (authority != null) {
      h.authority(authority);
    }
    return h;
  }

  /** HPACK-encodes {@code headers} with this connection's encoder (its table changes). */
  synchronized byte[] headerBlock(Http2Headers headers) {
    ByteBuf b = Unpooled.buffer();
    try {
      encoder.encodeHeaders(0, headers, b);
      return ByteBufUtil.getBytes(b);
    } catch (Http2Exception e) {
      throw new IllegalStateException(e);
    } finally {
      b.release();
    }
  }

  /** The server's port. */
  int port() {
    return port;
  }

  /** Sends one HEADERS frame with an encoded block as it is; not flushed. */
  void headers(int stream, Http2Headers ignored, boolean endStream, byte[] block)
      throws IOException {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, block);
  }

  /** Sends one HEADERS frame with the whole block; not flushed. */
  void headers(int stream, Http2Headers headers, boolean endStream) throws IOException {
    frame(HEADERS, END_HEADERS | (endStream ? END_STREAM : 0), stream, headerBlock(headers));
  }

  /** Sends a complete GET and flushes; returns its stream id. */
  int get(String authority, String path) throws IOException {
    int id = newStream();
    headers(id, request("GET", authority, path), true);
    flush();
    return id;
  }

  /** Writes one frame (not flushed). */
  synchronized void frame(int type, int flags, int stream, byte[] payload) throws IOException {
    int n = payload.length;
    out.write(n >>> 16);
    out.write(n >>> 8);
    out.write(n);
    out.write(type);
    out.write(flags);
    out.write((stream >>> 24) & 0x7f);
    out.write(stream >>> 16);
    out.write(stream >>> 8);
    out.write(stream);
    out.write(payload);
  }

  void rstStream(int stream, int code) throws IOException {
    frame(RST_STREAM, 0, stream, new byte[] {(byte) (code >>> 24), (byte) (code >>> 16), 0, 0});
  }

  void windowUpdate(int stream, int increment) throws IOException {
    frame(
        WINDOW_UPDATE,
        0,
        stream,
        new byte[] {
          (byte) (increment >>> 24),
          (byte) (increment >>> 16),
          (byte) (increment >>> 8),
          (byte) increment
        });
  }

  synchronized void flush() throws IOException {
    out.flush();
  }

  /** The response on {@code stream} once it ended or was reset, within {@code wait}; else null. */
  Response await(int stream, Duration wait) throws InterruptedException {
    long end = System.nanoTime() + wait.toNanos();
    while (System.nanoTime() - end < 0) {
      Response r = response(stream);
      if (r.ended() || r.resetCode() >= 0 || gone.getCount() == 0) {
        return r;
      }
      Thread.sleep(5);
    }
    return null;
  }

  /** The response on {@code stream} as read so far. */
  Response response(int stream) {
    Stream s = streams.get(stream);
    if (s == null) {
      return new Response(null, new byte[0], false, -1);
    }
    synchronized (s.body) {
      return new Response(s.headers, s.body.toByteArray(), s.ended, s.reset);
    }
  }

  /** The GOAWAY received: {last stream id, error code}; null when none came. */
  long[] goAway() {
    return goAway.get();
  }

  /** Whether the server closed the connection (or it failed) within {@code wait}. */
  boolean closedWithin(Duration wait) throws InterruptedException {
    return gone.await(wait.toMillis(), TimeUnit.MILLISECONDS);
  }

  boolean closed() {
    return gone.getCount() == 0;
  }

  private void readLoop() {
    try {
      byte[] pendingBlock = null;
      int pendingStream = 0;
      while (true) {
        int len = in.readUnsignedByte() << 16 | in.readUnsignedByte() << 8 | in.readUnsignedByte();
        int type = in.readUnsignedByte();
        int flags = in.readUnsignedByte();
        int stream = in.readInt() & 0x7fffffff;
        byte[] payload = new byte[len];
        in.readFully(payload);
        framesRead.incrementAndGet();
        switch (type) {
          case SETTINGS -> {
            if ((flags & ACK) == 0) {
              settingsRead.incrementAndGet();
              frame(SETTINGS, ACK, 0, new byte[0]);
              flush();
            }
          }
          case PING -> {
            if ((flags & ACK) != 0) {
              pingAcks.incrementAndGet();
            }
          }
          case GOAWAY -> {
            long last = ((payload[0] & 0x7fL) << 24) | (payload[1] & 0xffL) << 16;
            last |= (payload[2] & 0xffL) << 8 | payload[3] & 0xffL;
            long code = (payload[4] & 0xffL) << 24 | (payload[5] & 0xffL) << 16;
            code |= (payload[6] & 0xffL) << 8 | payload[7] & 0xffL;
            goAway.compareAndSet(null, new long[] {last, code});
          }
          case RST_STREAM -> {
            long code = (payload[0] & 0xffL) << 24 | (payload[1] & 0xffL) << 16;
            stream(stream).reset = code | (payload[2] & 0xffL) << 8 | payload[3] & 0xffL;
          }
          case HEADERS, CONTINUATION -> {
            byte[] block = type == HEADERS ? headersFragment(flags, payload) : payload;
            pendingBlock = pendingBlock == null ? block : concat(pendingBlock, block);
            pendingStream = stream;
            if ((flags & END_HEADERS) != 0) {
              Http2Headers h =
                  decoder.decodeHeaders(pendingStream, Unpooled.wrappedBuffer(pendingBlock));
              Stream s = stream(pendingStream);
              boolean interim = h.status() != null && h.status().toString().startsWith("1");
              if (s.headers == null && !interim) {
                s.headers = h;
              }
              pendingBlock = null;
            }
            if ((flags & END_STREAM) != 0) {
              stream(stream).ended = true;
            }
          }
          case DATA -> {
            Stream s = stream(stream);
            int pad = (flags & 0x8) != 0 ? payload[0] & 0xff : -1;
            synchronized (s.body) {
              if (pad < 0) {
                s.body.write(payload);
              } else {
                s.body.write(payload, 1, payload.length - 1 - pad);
              }
            }
            if ((flags & END_STREAM) != 0) {
              s.ended = true;
            }
          }
          default -> {}
        }
      }
    } catch (EOFException | java.net.SocketException closed) {
      // the server closed the connection
    } catch (IOException | Http2Exception e) {
      // a broken connection counts as closed
    } finally {
      gone.countDown();
    }
  }

  private static byte[] headersFragment(int flags, byte[] payload) {
    int start = 0;
    int end = payload.length;
    if ((flags & 0x8) != 0) {
      start = 1;
      end -= payload[0] & 0xff;
    }
    if ((flags & 0x20) != 0) {
      start += 5;
    }
    return java.util.Arrays.copyOfRange(payload, start, end);
  }

  private static byte[] concat(byte[] a, byte[] b) {
    byte[] c = java.util.Arrays.copyOf(a, a.length + b.length);
    System.arraycopy(b, 0, c, a.length, b.length);
    return c;
  }

  private Stream stream(int id) {
    return streams.computeIfAbsent(id, i -> new Stream());
  }

  @Override
  public void close() {
    try {
      socket.close();
    } catch (IOException ignored) {
      // closing anyway
    }
  }

  /** Writes {@code frames} times the frame, flushing every 64 KiB; for floods. */
  void repeat(int type, int flags, int stream, byte[] payload, int frames) {
    try {
      for (int i = 0; i < frames; i++) {
        frame(type, flags, stream, payload);
      }
      flush();
    } catch (IOException e) {
      throw new UncheckedIOException(e);
    }
  }
}
