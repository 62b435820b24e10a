package io.vxgate.gateway.it;

import java.io.BufferedInputStream;
import java.io.ByteArrayOutputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * Raw-socket HTTP/1.x clients: {@link #exchange} sends exact bytes and returns everything until the
 * connection ends (hostile-input tests); a {@link Client} keeps one connection and reads each
 * response strictly by its framing (protocol tests).
 */
final class RawHttp {
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

  /** How long a {@link Client} waits for the next byte. */
  static final Duration READ_TIMEOUT = Duration.ofSeconds(5);

  private RawHttp() {}

  /**
   * What came back on one connection.
   *
   * @param text everything read
   * @param closed whether the gateway closed the connection (else the read timed out)
   */
  record Result(String text, boolean closed) {
    /** The statuses of every response, in order. */
    List<Integer> statuses() {
      List<Integer> out = new ArrayList<>();
      Matcher m = STATUS.matcher(text);
      int from = 0;
      while (m.find(from)) {
        if (m.start() == 0 || text.startsWith("\n", m.start() - 1)) {
          out.add(Integer.parseInt(m.group(1)));
        }
        from = m.end();
      }
      return out;
    }
  }

  /** Sends {@code request} (ISO-8859-1) on a new connection and reads until close or timeout. */
  static Result exchange(int port, String request, Duration readTimeout) throws IOException {
    return exchange(port, request.getBytes(StandardCharsets.ISO_8859_1), readTimeout);
  }

  static Result exchange(int port, byte[] request, Duration readTimeout) throws IOException {
    try (Socket s = new Socket("127.0.0.1", port)) {
      s.setSoTimeout((int) readTimeout.toMillis());
      OutputStream out = s.getOutputStream();
      out.write(request);
      out.flush();
      return readUntilClose(s.getInputStream());
    }
  }

  static Result readUntilClose(InputStream in) {
    StringBuilder sb = new StringBuilder();
    byte[] buf = new byte[8192];
    try {
      int n;
      while ((n = in.read(buf)) >= 0) {
        sb.append(new String(buf, 0, n, StandardCharsets.ISO_8859_1));
      }
      return new Result(sb.toString(), true);
    } catch (SocketTimeoutException e) {
      return new Result(sb.toString(), false);
    } catch (IOException reset) {
      return new Result(sb.toString(), true);
    }
  }

  /** Whether a new connection to {@code port} is refused. */
  static boolean refused(int port) {
    try (Socket s = new Socket("127.0.0.1", port)) {
      return false;
    } catch (ConnectException e) {
      return true;
    } catch (IOException e) {
      return false;
    }
  }

  /**
   * {@code n} lower-case letters in a fixed order that does not repeat every 26: a body to compare.
   */
  static String letters(int n) {
    StringBuilder sb = new StringBuilder(n);
    for (int i = 0; i < n; i++) {
      sb.append((char) ('a' + (i * 7 + i / 26) % 26));
    }
    return sb.toString();
  }

  /**
   * One response as a {@link Client} read it.
   *
   * @param version {@code HTTP/1.1} or {@code HTTP/1.0}
   * @param chunked whether the body came chunked (it is decoded)
   * @param closeDelimited whether the body ended with the connection
   */
  record Response(
      String version,
      int status,
      List<Map.Entry<String, String>> fields,
      byte[] body,
      boolean chunked,
      boolean closeDelimited) {
    String header(String name) {
      List<String> all = headers(name);
      return all.isEmpty() ? null : all.get(0);
    }

    List<String> headers(String name) {
      return RawOrigin.values(fields, name);
    }

    String bodyText() {
      return new String(body, StandardCharsets.ISO_8859_1);
    }
  }

  /** A raw client connection to the gateway that reads responses strictly. */
  static final class Client implements AutoCloseable {
    private final Socket socket;
    private final InputStream in;
    private final OutputStream out;

    Client(int port) throws IOException {
      socket = new Socket("127.0.0.1", port);
      socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
      in = new BufferedInputStream(socket.getInputStream());
      out = socket.getOutputStream();
    }

    void send(String bytes) throws IOException {
      out.write(bytes.getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
    }

    /** A status line and fields, nothing after them. */
    Response readHead() throws IOException {
      String line = RawOrigin.readLine(in, false);
      if (!line.matches("HTTP/1\\.[01] \\d{3}( .*)?")) {
        throw new IOException("not a status line: " + line);
      }
      String version = line.substring(0, 8);
      int status = Integer.parseInt(line.substring(9, 12));
      return new Response(version, status, RawOrigin.readFields(in), new byte[0], false, false);
    }

    /** A complete response to a request other than HEAD. */
    Response read() throws IOException {
      return read(false);
    }

    /** A complete response to a HEAD request (no body, whatever its fields say). */
    Response readHeadResponse() throws IOException {
      return read(true);
    }

    private Response read(boolean head) throws IOException {
      Response r = readHead();
      int status = r.status();
      if (head || status < 200 || status == 204 || status == 304) {
        return r;
      }
      String te = r.header("Transfer-Encoding");
      if (te != null) {
        if (!te.trim().equalsIgnoreCase("chunked")) {
          throw new IOException("unexpected Transfer-Encoding: " + te);
        }
        ByteArrayOutputStream body = new ByteArrayOutputStream();
        RawOrigin.readChunked(in, body);
        return new Response(r.version(), status, r.fields(), body.toByteArray(), true, false);
      }
      String cl = r.header("Content-Length");
      if (cl != null) {
        int n = Integer.parseInt(cl.trim());
        byte[] body = in.readNBytes(n);
        if (body.length < n) {
          throw new EOFException("body cut short: " + body.length + " of " + n);
        }
        return new Response(r.version(), status, r.fields(), body, false, false);
      }
      return new Response(r.version(), status, r.fields(), in.readAllBytes(), false, true);
    }

    /** Responses up to and including the first final (non-1xx) one. */
    List<Response> readUntilFinal() throws IOException {
      List<Response> out = new ArrayList<>();
      Response r;
      do {
        r = read();
        out.add(r);
      } while (r.status() < 200);
      return out;
    }

    /** Exactly {@code n} bytes (fewer only at the end of the stream), as text. */
    String readText(int n) throws IOException {
      byte[] b = in.readNBytes(n);
      return new String(b, StandardCharsets.ISO_8859_1);
    }

    /**
     * The bytes there are, up to {@code buf.length}, into {@code buf}: their count, -1 at the end.
     */
    int readSome(byte[] buf) throws IOException {
      return in.read(buf);
    }

    /** Whether the gateway closes the connection within {@code d} (no byte may come first). */
    boolean closedWithin(Duration d) throws IOException {
      socket.setSoTimeout((int) d.toMillis());
      try {
        int b = in.read();
        if (b >= 0) {
          throw new IOException("unexpected byte after the response: " + (char) b);
        }
        return true;
      } catch (SocketTimeoutException e) {
        return false;
      } catch (IOException reset) {
        if (reset.getMessage() != null && reset.getMessage().startsWith("unexpected byte")) {
          throw reset;
        }
        return true;
      } finally {
        if (!socket.isClosed()) {
          socket.setSoTimeout((int) READ_TIMEOUT.toMillis());
        }
      }
    }

    @Override
    public void close() {
      try {
        socket.close();
      } catch (IOException ignored) {
        // closing anyway
      }
    }
  }
}
