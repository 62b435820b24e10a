package io.vxgate.gateway.it;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/** Raw-socket HTTP/1.x exchanges for hostile-input tests: exact bytes out, every response back. */
final class RawHttp {
  private static final Pattern STATUS = Pattern.compile("HTTP/1\\.[01] (\\d{3})");

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
}
