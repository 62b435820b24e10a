package io.vxgate.admin.importer;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.security.SecureRandom;
import java.security.cert.X509Certificate;
import java.util.Base64;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509TrustManager;

/**
 * One request on its own connection, written byte for byte (the Host header too), and what came
 * back: the status, the origin that answered (its {@code X-Origin}, or the first WebSocket
 * message), the path it received, and the {@code Location}.
 */
final class DiffClient {
  private DiffClient() {}

  /** A request of the differential tests. */
  record Request(
      String method,
      String host,
      String path,
      Map<String, String> headers,
      boolean websocket,
      boolean tls) {
    static Request get(String host, String path) {
      return new Request("GET", host, path, Map.of(), false, false);
    }

    Request method(String m) {
      return new Request(m, host, path, headers, websocket, tls);
    }

    Request header(String name, String value) {
      Map<String, String> h = new LinkedHashMap<>(headers);
      h.put(name, value);
      return new Request(method, host, path, h, websocket, tls);
    }

    Request upgrade() {
      return new Request(method, host, path, headers, true, tls);
    }

    Request overTls() {
      return new Request(method, host, path, headers, websocket, true);
    }

    @Override
    public String toString() {
      return (tls ? "https " : "")
          + (websocket ? "ws " : "")
          + method
          + " "
          + host
          + path
          + (headers.isEmpty() ? "" : " " + headers);
    }
  }

  /**
   * What came back.
   *
   * @param status -1 when the connection closed without an answer
   * @param origin the answering origin's label, or null
   */
  record Answer(int status, String origin, String path, String location) {}

  static Answer send(int port, Request r) throws IOException {
    try (Socket s = socket(port, r)) {
      s.setSoTimeout(15_000);
      StringBuilder req = new StringBuilder();
      req.append(r.method()).append(' ').append(r.path()).append(" HTTP/1.1\r\n");
      req.append("Host: ").append(r.host()).append("\r\n");
      if (r.websocket()) {
        byte[] key = new byte[16];
        new SecureRandom().nextBytes(key);
        req.append("Upgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Version: 13\r\n");
        req.append("Sec-WebSocket-Key: ")
            .append(Base64.getEncoder().encodeToString(key))
            .append("\r\n");
      } else {
        req.append("Connection: close\r\n");
      }
      if (List.of("POST", "PUT", "PATCH").contains(r.method())) {
        req.append("Content-Length: 0\r\n");
      }
      r.headers().forEach((k, v) -> req.append(k).append(": ").append(v).append("\r\n"));
      req.append("\r\n");
      OutputStream out = s.getOutputStream();
      out.write(req.toString().getBytes(StandardCharsets.ISO_8859_1));
      out.flush();
      InputStream in = s.getInputStream();
      String head = head(in);
      if (head == null) {
        return new Answer(-1, null, null, null);
      }
      String[] lines = head.split("\r\n");
      int status = Integer.parseInt(lines[0].split(" ")[1]);
      Map<String, String> fields = new LinkedHashMap<>();
      for (int i = 1; i < lines.length; i++) {
        int c = lines[i].indexOf(':');
        if (c > 0) {
          fields.putIfAbsent(
              lines[i].substring(0, c).trim().toLowerCase(Locale.ROOT),
              lines[i].substring(c + 1).trim());
        }
      }
      String origin = fields.get("x-origin");
      if (status == 101) {
        origin = firstMessage(in);
      }
      return new Answer(status, origin, fields.get("x-path"), fields.get("location"));
    }
  }

  private static Socket socket(int port, Request r) throws IOException {
    Socket plain = new Socket();
    plain.connect(new InetSocketAddress("127.0.0.1", port), 5000);
    if (!r.tls()) {
      return plain;
    }
    try {
      SSLContext ctx = SSLContext.getInstance("TLS");
      ctx.init(null, new TrustManager[] {new TrustAll()}, null);
      SSLSocket s = (SSLSocket) ctx.getSocketFactory().createSocket(plain, r.host(), port, true);
      SSLParameters p = s.getSSLParameters();
      String host = r.host().replaceAll(":[0-9]+$", "");
      if (host.matches(".*[a-z].*")) {
        p.setServerNames(List.of(new SNIHostName(host)));
      }
      p.setApplicationProtocols(new String[] {"http/1.1"});
      s.setSSLParameters(p);
      s.startHandshake();
      return s;
    } catch (java.security.GeneralSecurityException e) {
      throw new IOException(e);
    }
  }

  /** The response head, or null when the connection ended first. */
  private static String head(InputStream in) throws IOException {
    ByteArrayOutputStream b = new ByteArrayOutputStream();
    int matched = 0;
    try {
      while (true) {
        int c = in.read();
        if (c < 0) {
          return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
        }
        b.write(c);
        matched = (c == '\r' || c == '\n') ? matched + 1 : 0;
        if (matched == 4) {
          String s = b.toString(StandardCharsets.ISO_8859_1);
          return s.substring(0, s.length() - 4);
        }
      }
    } catch (java.net.SocketException e) {
      return b.size() == 0 ? null : b.toString(StandardCharsets.ISO_8859_1);
    }
  }

  /** The text of the first (unmasked, short) WebSocket frame from the server. */
  private static String firstMessage(InputStream in) throws IOException {
    try {
      int b0 = in.read();
      int len = in.read() & 0x7f;
      if (b0 < 0 || len >= 126) {
        return null;
      }
      byte[] payload = in.readNBytes(len);
      return new String(payload, StandardCharsets.UTF_8);
    } catch (SocketTimeoutException e) {
      return null;
    }
  }

  private static final class TrustAll implements X509TrustManager {
    public void checkClientTrusted(X509Certificate[] c, String a) {}

    public void checkServerTrusted(X509Certificate[] c, String a) {}

    public X509Certificate[] getAcceptedIssuers() {
      return new X509Certificate[0];
    }
  }
}
