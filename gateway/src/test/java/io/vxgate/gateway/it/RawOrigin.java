package io.vxgate.gateway.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * An HTTP/1.x origin on a plain {@link ServerSocket} (127.0.0.1, ephemeral port) that answers
 * exactly the bytes a test scripts: chunked responses, responses that end by closing, interim 1xx
 * responses before the final one, {@code Connection: close}, answers held back until the test lets
 * them go. It reads each request (head, then a Content-Length or chunked body), records it, and
 * hands it to the current {@link Handler}, one thread per connection. Counts the connections it
 * accepted, so that tests can see connection reuse.
 */
final class RawOrigin implements AutoCloseable {
  /** How the origin answers one request. */
  @FunctionalInterface
  interface Handler {
    /**
     * Writes the answer to {@code out} (flushed by the caller afterwards).
     *
     * @return whether to keep the connection open for a next request (false: close it now)
     */
    boolean answer(Request request, OutputStream out) throws Exception;
  }

  /**
   * One request as the origin read it.
   *
   * @param connection the number of the connection it came on (1 for the first accepted)
   * @param method the method
   * @param target the request target
   * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
   * @param fields the header fields in order, names as sent
   * @param body the body, decoded when chunked
   * @param chunked whether the body came chunked
   * @param trailers the trailer fields of a chunked body
   */
  record Request(
      int connection,
      String method,
      String target,
      String version,
      List<Map.Entry<String, String>> fields,
      byte[] body,
      boolean chunked,
      List<Map.Entry<String, String>> trailers) {
    /** The first value of {@code name} (case-insensitive), or null. */
    String header(String name) {
      for (Map.Entry<String, String> f : fields) {
        if (f.getKey().equalsIgnoreCase(name)) {
          return f.getValue();
        }
      }
      return null;
    }

    /** Every value of {@code name}, in order. */
    List<String> headers(String name) {
      return values(fields, name);
    }

    /** The field names, lower-cased, in order. */
    List<String> names() {
      return fields.stream().map(f -> f.getKey().toLowerCase(java.util.Locale.ROOT)).toList();
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }

    @Override
    public String toString() {
      return method + " " + target + " " + version + " " + fields + " body=" + bodyText();
    }
  }

  private final ServerSocket server;
  private final ExecutorService threads =
      Executors.newCachedThreadPool(
          r -> {
            Thread t = new Thread(r, "raw-origin");
            t.setDaemon(true);
            return t;
          });
  private final Set<Socket> sockets = ConcurrentHashMap.newKeySet();
  private volatile Handler handler;

  /** Connections accepted so far. */
  final AtomicInteger accepted = new AtomicInteger();

  /** Every request read, in the order they were complete. */
  final Queue<Request> requests = new ConcurrentLinkedQueue<>();

  private RawOrigin(Handler handler) throws IOException {
    this.handler = handler;
    this.server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
    threads.execute(this::acceptLoop);
  }

  /** Starts an origin answering with {@code handler}. */
  static RawOrigin start(Handler handler) throws IOException {
    return new RawOrigin(handler);
  }

  /** Replaces the handler (for requests read from now on). */
  void handler(Handler h) {
    this.handler = h;
  }

  String address() {
    return "127.0.0.1:" + server.getLocalPort();
  }

  /** The requests read so far, oldest first. */
  List<Request> seen() {
    return List.copyOf(requests);
  }

  /** A handler that writes the same bytes to every request and keeps the connection open. */
  static Handler fixed(String response) {
    byte[] bytes = ascii(response);
    return (req, out) -> {
      out.write(bytes);
      return true;
    };
  }

  /**
   * A handler answering 200 with the body {@code "METHOD TARGET"} followed by {@code " BODY"} when
   * the request had one, with a Content-Length, keeping the connection open.
   */
  static Handler echo() {
    return (req, out) -> {
      String text =
          req.method() + " " + req.target() + (req.body().length > 0 ? " " + req.bodyText() : "");
      out.write(ascii(response(200, text)));
      return true;
    };
  }

  /** A complete HTTP/1.1 response with a Content-Length. */
  static String response(int status, String body) {
    return "HTTP/1.1 "
        + status
        + " "
        + (status == 200 ? "OK" : "Status")
        + "\r\n"
        + "Content-Type: text/plain\r\n"
        + "Content-Length: "
        + body.getBytes(StandardCharsets.ISO_8859_1).length
        + "\r\n\r\n"
        + body;
  }

  /** Every value of the fields named {@code name} (case-insensitive), in order. */
  static List<String> values(List<Map.Entry<String, String>> fields, String name) {
    List<String> out = new ArrayList<>();
    for (Map.Entry<String, String> f : fields) {
      if (f.getKey().equalsIgnoreCase(name)) {
        out.add(f.getValue());
      }
    }
    return out;
  }

  static byte[] ascii(String s) {
    return s.getBytes(StandardCharsets.ISO_8859_1);
  }

  private void acceptLoop() {
    while (!server.isClosed()) {
      Socket s;
      try {
        s = server.accept();
      } catch (IOException closed) {
        return;
      }
      int n = accepted.incrementAndGet();
      sockets.add(s);
      threads.execute(() -> serve(s, n));
    }
  }

  private void serve(Socket s, int connection) {
    try (s) {
      InputStream in = new BufferedInputStream(s.getInputStream());
      OutputStream out = s.getOutputStream();
      while (true) {
        Request req = read(in, connection);
        if (req == null) {
          return;
        }
        requests.add(req);
        boolean keep = handler.answer(req, out);
        out.flush();
        if (!keep) {
          return;
        }
      }
    } catch (Exception e) {
      // the peer left, or the test closed the origin
    } finally {
      sockets.remove(s);
    }
  }

  /** Reads one request; null on a clean end of stream before it. */
  private static Request read(InputStream in, int connection) throws IOException {
    String line = readLine(in, true);
    while (line != null && line.isEmpty()) {
      line = readLine(in, true);
    }
    if (line == null) {
      return null;
    }
    String[] start = line.split(" ", 3);
    if (start.length != 3) {
      throw new IOException("bad request line: " + line);
    }
    List<Map.Entry<String, String>> fields = readFields(in);
    Request head =
        new Request(
            connection, start[0], start[1], start[2], fields, new byte[0], false, List.of());
    String te = head.header("Transfer-Encoding");
    if (te != null && te.toLowerCase(java.util.Locale.ROOT).contains("chunked")) {
      ByteArrayOutputStream body = new ByteArrayOutputStream();
      List<Map.Entry<String, String>> trailers = readChunked(in, body);
      return new Request(
          connection, start[0], start[1], start[2], fields, body.toByteArray(), true, trailers);
    }
    String cl = head.header("Content-Length");
    if (cl != null) {
      byte[] body = in.readNBytes(Integer.parseInt(cl.trim()));
      return new Request(connection, start[0], start[1], start[2], fields, body, false, List.of());
    }
    return head;
  }

  /** Decodes a chunked body into {@code body}; returns its trailer fields. */
  static List<Map.Entry<String, String>> readChunked(InputStream in, ByteArrayOutputStream body)
      throws IOException {
    while (true) {
      String sizeLine = readLine(in, false);
      int semi = sizeLine.indexOf(';');
      int size = Integer.parseInt((semi < 0 ? sizeLine : sizeLine.substring(0, semi)).trim(), 16);
      if (size == 0) {
        return readFields(in);
      }
      byte[] data = in.readNBytes(size);
      if (data.length < size) {
        throw new EOFException("chunk cut short");
      }
      body.write(data);
      if (!readLine(in, false).isEmpty()) {
        throw new IOException("chunk data not followed by CRLF");
      }
    }
  }

  /** Header (or trailer) fields up to the empty line. */
  static List<Map.Entry<String, String>> readFields(InputStream in) throws IOException {
    List<Map.Entry<String, String>> fields = new ArrayList<>();
    String line;
    while (!(line = readLine(in, false)).isEmpty()) {
      int colon = line.indexOf(':');
      if (colon <= 0) {
        throw new IOException("bad field line: " + line);
      }
      fields.add(Map.entry(line.substring(0, colon), line.substring(colon + 1).trim()));
    }
    return fields;
  }

  /**
   * One CRLF-ended line without its CRLF (a bare LF is refused).
   *
   * @param eofOk return null on an end of stream before any byte, else throw
   */
  static String readLine(InputStream in, boolean eofOk) throws IOException {
    StringBuilder sb = new StringBuilder();
    int c;
    while ((c = in.read()) >= 0) {
      if (c == '\n') {
        if (sb.length() == 0 || sb.charAt(sb.length() - 1) != '\r') {
          throw new IOException("line not ended by CRLF: " + sb);
        }
        sb.setLength(sb.length() - 1);
        return sb.toString();
      }
      sb.append((char) c);
    }
    if (eofOk && sb.length() == 0) {
      return null;
    }
    throw new EOFException("end of stream in a line: " + sb);
  }

  @Override
  public void close() {
    try {
      server.close();
    } catch (IOException ignored) {
      // closing anyway
    }
    for (Socket s : sockets) {
      try {
        s.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
    threads.shutdownNow();
  }
}
