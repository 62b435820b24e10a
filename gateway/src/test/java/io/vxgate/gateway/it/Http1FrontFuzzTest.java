package io.vxgate.gateway.it;

import static org.assertj.core.api.Assertions.assertThat;

import com.code_intelligence.jazzer.api.BugDetectors;
import com.code_intelligence.jazzer.junit.FuzzTest;
import io.netty.buffer.ByteBuf;
import io.netty.buffer.ByteBufUtil;
import io.netty.buffer.Unpooled;
import io.netty.channel.embedded.EmbeddedChannel;
import io.netty.handler.codec.http.FullHttpRequest;
import io.netty.handler.codec.http.HttpObjectAggregator;
import io.netty.handler.codec.http.HttpRequestDecoder;
import io.netty.util.ReferenceCountUtil;
import io.vxgate.gateway.http1.Authority;
import io.vxgate.gateway.http1.BodyDecoder;
import io.vxgate.gateway.http1.HeadParser;
import io.vxgate.gateway.http1.Http1CodecFuzzTest;
import io.vxgate.gateway.http1.Http1Exception;
import io.vxgate.gateway.http1.Leaks;
import io.vxgate.gateway.http1.RequestFraming;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.route.PathNormalizer;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.atomic.AtomicLong;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;

/**
 * Coverage-guided fuzzing (Jazzer) of the whole HTTP/1 front: a real node on loopback gets each
 * input as the bytes of one client connection (then the client's FIN), in front of an origin that
 * reads every request it gets twice, with the gateway's own parser and with Netty's strict decoder.
 * Invariants: the gateway answers and closes (no hang, no exception escaping a handler: an escaped
 * one would leave the connection open), the two readings of every forwarded request agree on
 * method, target, fields and body (a disagreement is a potential desync), the forwarded Host and
 * path are in their normal forms, no buffer leaks, and the node then serves a normal request.
 *
 * <p>The front cannot run in an {@code EmbeddedChannel}: its requests take origin connections of
 * the node's own event loops. docs/reliability.md#fuzzing.
 */
class Http1FrontFuzzTest {
  private static Harness h;
  private static RecordingOrigin origin;

  static {
    Leaks.watch();
  }

  @BeforeAll
  static void start() throws IOException {
    h = new Harness();
    origin = new RecordingOrigin();
    h.gateway(
        """
        listeners:
          - {name: web, bind: 127.0.0.1:0, request-header-timeout: 2s, max-header-size: 2k, max-request-body: 64k}
        upstreams:
          app:
            servers: [{name: o, address: $O}]
            retries: 0
            timeouts: {connect: 2s, response: 2s, idle: 2s}
        routes:
          - {name: deny, match: {path-prefix: /admin}, return: {status: 403}}
          - {name: host, match: {host: "*.internal.example"}, return: {status: 451}}
          - {name: default, upstream: app}
        """
            .replace("$O", origin.address()));
  }

  @AfterAll
  static void stop() {
    try {
      assertThat(origin.problems).isEmpty();
      Leaks.assertNone();
    } finally {
      if (h != null) {
        h.close();
      }
      if (origin != null) {
        origin.close();
      }
    }
  }

  @FuzzTest(maxDuration = "12s")
  void front(byte[] input) throws Exception {
    // The test talks to the node over loopback on purpose (Jazzer flags connections as SSRF).
    try (var allowed = BugDetectors.allowNetworkConnections();
        Socket s = new Socket("127.0.0.1", h.port)) {
      s.setSoTimeout(10_000);
      OutputStream out = s.getOutputStream();
      try {
        out.write(input);
        out.flush();
        s.shutdownOutput();
      } catch (IOException closedEarly) {
        // the gateway refused the request and closed before reading all of it
      }
      InputStream in = s.getInputStream();
      byte[] buf = new byte[8192];
      try {
        while (in.read(buf) >= 0) {
          // what the gateway answers is the front's business; that it ends is checked
        }
      } catch (SocketTimeoutException hang) {
        throw new AssertionError("the gateway neither answered nor closed within 10 s");
      } catch (IOException reset) {
        // a reset ends the connection too
      }
    }
    assertThat(origin.problems).isEmpty();
    if (origin.requests.get() % 1000 == 999) {
      Leaks.assertNone();
    }
  }

  /**
   * An origin that reads each request twice, with the gateway's parser and with Netty's strict
   * decoder, and answers {@code 200} with no body; disagreements go to {@link #problems}.
   */
  static final class RecordingOrigin implements AutoCloseable {
    final Queue<String> problems = new ConcurrentLinkedQueue<>();
    final AtomicLong requests = new AtomicLong();
    private final ServerSocket server;
    private final ExecutorService threads =
        Executors.newCachedThreadPool(
            r -> {
              Thread t = new Thread(r, "recording-origin");
              t.setDaemon(true);
              return t;
            });

    RecordingOrigin() throws IOException {
      server = new ServerSocket(0, 128, InetAddress.getLoopbackAddress());
      threads.execute(this::accept);
    }

    String address() {
      return "127.0.0.1:" + server.getLocalPort();
    }

    private void accept() {
      while (!server.isClosed()) {
        try {
          Socket s = server.accept();
          threads.execute(() -> serve(s));
        } catch (IOException closed) {
          return;
        }
      }
    }

    private static final byte[] OK =
        "HTTP/1.1 200 OK\r\nContent-Length: 0\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

    private void serve(Socket s) {
      HeadParser parser = new HeadParser(true, 65536, 65536);
      BodyDecoder body = new BodyDecoder(400, 65536);
      EmbeddedChannel netty =
          new EmbeddedChannel(
              new HttpRequestDecoder(Http1CodecFuzzTest.strict()),
              new HttpObjectAggregator(1 << 20));
      ByteBuf pending = Unpooled.buffer();
      RequestHead head = null;
      ByteBuf content = Unpooled.buffer();
      try (s) {
        InputStream in = s.getInputStream();
        OutputStream out = s.getOutputStream();
        byte[] buf = new byte[8192];
        int n;
        while ((n = in.read(buf)) >= 0) {
          pending.writeBytes(buf, 0, n);
          netty.writeInbound(Unpooled.copiedBuffer(buf, 0, n));
          while (pending.isReadable()) {
            if (head == null) {
              if (!parser.feed(pending)) {
                break;
              }
              head = parser.request();
              parser.reset();
              RequestFraming f = RequestFraming.of(head.fields(), head.version());
              if (f.kind() == RequestFraming.Kind.REJECT) {
                problems.add("the gateway sent a request framed ambiguously: " + head);
                return;
              }
              body.start(
                  f.kind() == RequestFraming.Kind.CHUNKED
                      ? BodyDecoder.Framing.CHUNKED
                      : f.hasBody() ? BodyDecoder.Framing.LENGTH : BodyDecoder.Framing.NONE,
                  f.length());
            }
            List<ByteBuf> parts = new ArrayList<>();
            boolean done = body.done() || body.decode(pending, parts::add);
            for (ByteBuf p : parts) {
              content.writeBytes(p);
              p.release();
            }
            if (!done) {
              break;
            }
            compare(head, content, netty.readInbound());
            requests.incrementAndGet();
            head = null;
            content.clear();
            out.write(OK);
            out.flush();
          }
          pending.discardReadBytes();
        }
      } catch (Http1Exception e) {
        problems.add("the gateway sent what its own parser refuses: " + e.getMessage());
      } catch (IOException | RuntimeException | AssertionError e) {
        if (!(e instanceof IOException)) {
          problems.add(e.toString());
        }
      } finally {
        pending.release();
        content.release();
        netty.finishAndReleaseAll();
      }
    }

    private void compare(RequestHead ours, ByteBuf body, Object msg) {
      try {
        if (!(msg instanceof FullHttpRequest theirs)) {
          problems.add("Netty read no request where the gateway's parser read " + ours);
          return;
        }
        if (theirs.decoderResult().isFailure()) {
          problems.add("Netty refused " + ours + ": " + theirs.decoderResult().cause());
          return;
        }
        String mismatch = null;
        if (!theirs.method().name().equals(ours.method())) {
          mismatch = "method";
        } else if (!theirs.uri().equals(ours.target())) {
          mismatch = "target";
        } else if (!ByteBufUtil.equals(theirs.content(), body)) {
          mismatch = "body";
        } else {
          try {
            Http1CodecFuzzTest.assertSameFields(theirs, ours.fields());
          } catch (AssertionError e) {
            mismatch = e.getMessage();
          }
        }
        if (mismatch != null) {
          problems.add("Netty and the gateway's parser disagree on the " + mismatch + ": " + ours);
        }
        String host = ours.fields().get("Host");
        Authority a = host == null ? null : Authority.parse(host);
        if (a == null || !a.toString().equals(host)) {
          problems.add("a Host not in its normal form: " + host);
        }
        String target = ours.target();
        int q = target.indexOf('?');
        String path = q < 0 ? target : target.substring(0, q);
        if (!path.equals(PathNormalizer.normalize(path))) {
          problems.add("a path not in its normal form: " + target);
        }
      } finally {
        ReferenceCountUtil.release(msg);
      }
    }

    @Override
    public void close() {
      try {
        server.close();
      } catch (IOException ignored) {
        // closing anyway
      }
      threads.shutdownNow();
    }
  }
}
