package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.CompositeByteBuf;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.socket.DuplexChannel;
import io.netty.util.ReferenceCountUtil;
import io.netty.util.internal.PlatformDependent;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.accesslog.Termination;
import io.vxgate.gateway.http1.BodyDecoder;
import io.vxgate.gateway.http1.Chunks;
import io.vxgate.gateway.http1.HeadParser;
import io.vxgate.gateway.http1.HeaderFields;
import io.vxgate.gateway.http1.Http1Exception;
import io.vxgate.gateway.http1.RequestFraming;
import io.vxgate.gateway.http1.RequestHead;
import io.vxgate.gateway.http1.ResponseHead;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.TimeUnit;
import org.jspecify.annotations.Nullable;

/**
 * One client HTTP/1.x connection, read and written as bytes: {@link HeadParser} and {@link
 * BodyDecoder} read requests; response heads are written as built, bodies as they come (chunked
 * when an HTTP/1.1 client gets a body of unknown length, close-delimited for HTTP/1.0).
 *
 * <p>Keep-alive and pipelining: bytes of a next request that arrive while a response is on its way
 * wait (and reading pauses) until that response ended. After a refused malformed request nothing
 * more is read: a request pipelined (or smuggled in a body framed differently) behind it never
 * reaches an origin. The {@link ConnectionGuard} times the phases (408 on slow headers or body,
 * keep-alive idle close).
 *
 * <p>Lingering close (nginx's {@code lingering_close}): a connection closed after an error answer
 * while the client may still be sending (a refused upload, a malformed request) is half-closed
 * first: the answer and a FIN go out, and what the client still sends is read and dropped until it
 * closes, {@link #LINGER_IDLE_NANOS} pass without a byte, or {@link #LINGER_MAX_NANOS} in all.
 * Closing a socket with unread bytes would reset the connection, and a client that writes its whole
 * body before reading (curl, most HTTP libraries) would get the reset instead of the answer.
 */
final class Http1Front extends FrontConnection implements BodyDecoder.Sink {
  /** nginx's {@code lingering_timeout}: the longest pause in what a lingering client sends. */
  static final long LINGER_IDLE_NANOS = TimeUnit.SECONDS.toNanos(5);

  /** nginx's {@code lingering_time}: the longest a connection lingers. */
  static final long LINGER_MAX_NANOS = TimeUnit.SECONDS.toNanos(30);

  private static final byte[] CONTINUE =
      "HTTP/1.1 100 Continue\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

  private final HeadParser parser;
  private final BodyDecoder body;

  /** Null: no header/body/keep-alive timeouts. */
  private final @Nullable ConnectionGuard guard;

  /** Bytes read and not yet consumed (a pipelined request waiting for its turn). */
  private @Nullable ByteBuf pending;

  /** What the connection does with the bytes it reads. */
  private enum Phase {
    /** Reads and serves requests. */
    OPEN,
    /** Upgraded: bytes go to the tunnel as they are. */
    TUNNEL,
    /** Nothing more is read or served (a refused request, a closing connection). */
    STOPPED,
    /** Half-closed after an error answer: what still arrives is read and dropped. */
    LINGERING
  }

  /** What happens to the connection once the current response ended. */
  private enum Ending {
    /** It stays open for the next request. */
    KEEP_ALIVE,
    /** It closes. */
    CLOSE,
    /** It closes after an error answer, lingering (see the class comment). */
    LINGER
  }

  /** How the current response's body is written. */
  private enum BodyOut {
    /** As it comes: its length is in Content-Length, or the connection's close ends it. */
    AS_IS,
    /** In chunks (an HTTP/1.1 client, a body of unknown length). */
    CHUNKED,
    /** Not at all (HEAD, 1xx, 204, 304). */
    NONE
  }

  /** The fields of a request whose head could not be read (a new trace). */
  private static final HeaderFields NO_FIELDS = new HeaderFields(0);

  private Phase phase = Phase.OPEN;
  private Ending ending = Ending.KEEP_ALIVE;
  private BodyOut bodyOut = BodyOut.AS_IS;

  /**
   * The node drains. A fact of its own, not a phase: it arrives at any point of a request and holds
   * for every later one (each response then closes the connection).
   */
  private boolean draining;

  /** Whether any byte arrived: a drain lets a connection that has none yet make one request. */
  private boolean used;

  /** {@link #process} is on the stack: a nested call (from a response that ended) returns. */
  private boolean inProcess;

  /** The requests read on this connection (for {@code keepalive-requests}). */
  private int requests;

  /** When the last bytes were read (the listener's ticker). */
  private long lastReadNanos;

  /** Bytes of the next request head arrived; {@link #headStart} is when the first did. */
  private boolean headStarted;

  private long headStart;

  /** When lingering, the last byte arrived then (System.nanoTime). */
  private long lingerLastRead;

  private long lingerEnd;

  /**
   * @param guard null: no header/body/keep-alive timeouts
   */
  Http1Front(Listener listener, @Nullable ConnectionGuard guard) {
    super(listener);
    this.guard = guard;
    int maxHead = config.maxHeaderSize();
    this.parser = new HeadParser(true, Math.max(4096, Math.min(maxHead, 65536)), maxHead);
    this.body = new BodyDecoder(400, maxHead);
  }

  @Override
  public void handlerAdded(ChannelHandlerContext ctx) {
    super.handlerAdded(ctx);
    if (guard != null) {
      guard.start(this, ctx);
    }
  }

  @Override
  boolean http2() {
    return false;
  }

  @Override
  @Nullable InetSocketAddress remoteAddress() {
    return channel.remoteAddress() instanceof InetSocketAddress a ? a : null;
  }

  // ---- reading

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (!(msg instanceof ByteBuf in) || stopped()) {
      ReferenceCountUtil.release(msg);
      if (phase == Phase.LINGERING) {
        lingerLastRead = System.nanoTime();
      }
      return;
    }
    if (phase == Phase.TUNNEL) {
      Active a = active;
      if (a != null) {
        a.requestData(in);
      } else {
        in.release();
      }
      return;
    }
    used = true;
    if (guard != null) {
      guard.bytesArrived();
    }
    lastReadNanos = listener.ticker().nanoTime();
    if (pending == null) {
      pending = in;
    } else {
      pending = append(pending, in);
    }
    process();
  }

  private ByteBuf append(ByteBuf a, ByteBuf b) {
    CompositeByteBuf c;
    if (a instanceof CompositeByteBuf comp) {
      c = comp;
    } else {
      c = ctx.alloc().compositeBuffer(16);
      c.addComponent(true, a);
    }
    c.addComponent(true, b);
    return c;
  }

  /** Consumes what was read: request heads, bodies, and pipelined requests in turn. */
  private void process() {
    if (inProcess) {
      return;
    }
    inProcess = true;
    try {
      ByteBuf in;
      while ((in = pending) != null && in.isReadable() && phase == Phase.OPEN) {
        if (requestOpen) {
          if (body.decode(in, this)) {
            requestEnded();
          }
          continue;
        }
        if (responseOpen()) {
          // A pipelined request waits for the response on its way: stop reading meanwhile.
          channel.config().setAutoRead(false);
          break;
        }
        if (!headStarted) {
          headStarted = true;
          headStart = lastReadNanos;
        }
        if (!parser.feed(in)) {
          break;
        }
        headStarted = false;
        RequestHead head = parser.request();
        if (head == null) {
          // never: feed returned true, so a whole head was read
          throw new Http1Exception(400, "no request head");
        }
        parser.reset();
        startRequest(head);
      }
    } catch (Http1Exception e) {
      if (requestOpen && !responseOpen()) {
        // A bad body after its response was complete: nobody waits for an answer.
        stop();
        ctx.close();
      } else {
        malformed(e.status());
      }
    } finally {
      inProcess = false;
      ByteBuf in = pending;
      if (in != null && (!in.isReadable() || stopped())) {
        pending = null;
        in.release();
      }
    }
  }

  @Override
  public void data(ByteBuf slice) {
    Active a = active;
    if (a != null) {
      a.requestData(slice);
    } else {
      slice.release();
    }
  }

  private void requestEnded() {
    requestOpen = false;
    if (guard != null) {
      guard.requestComplete();
      if (!responseOpen()) {
        guard.responseComplete();
      }
    }
    Active a = active;
    if (a != null) {
      a.requestEnd();
    }
  }

  private void startRequest(RequestHead head) {
    method = head.method();
    version = head.version();
    HeaderFields fields = head.fields();
    RequestFraming framing = RequestFraming.of(fields, version);
    response = Response.WAITING;
    requests++;
    int maxRequests = config.keepaliveRequests();
    boolean keepAlive =
        !draining
            && config.keepAlive()
            && (maxRequests == 0 || requests < maxRequests)
            && (version == 11
                ? !fields.containsToken("Connection", "close")
                : fields.containsToken("Connection", "keep-alive"));
    ending = keepAlive ? Ending.KEEP_ALIVE : Ending.CLOSE;
    boolean hasBody = framing.hasBody();
    requestOpen = hasBody;
    if (guard != null) {
      guard.requestHead(!hasBody);
    }
    if (hasBody) {
      body.start(
          framing.kind() == RequestFraming.Kind.CHUNKED
              ? BodyDecoder.Framing.CHUNKED
              : BodyDecoder.Framing.LENGTH,
          framing.length());
    }
    onRequest(head, framing.status(), framing.length(), headStart);
  }

  /**
   * A request that cannot be parsed: answered (when nothing was yet), then the connection closes.
   */
  private void malformed(int status) {
    requestOpen = false;
    boolean served = active != null;
    boolean answered = !headWritten();
    Termination why = Termination.ofRefusal(status);
    // A request being served logs its own line (a malformed body); else this is one of its own.
    clientGone(answered ? status : 0, why);
    if (!answered) {
      stop();
      ctx.close();
      return;
    }
    response = Response.WAITING;
    ending = Ending.CLOSE;
    ProxySnapshot s = listener.snapshot();
    AccessRecord r = unreadRequest(s);
    int sent = s.errorPages().send(this, status, r, true);
    if (!served) {
      ended(s, r, status, why, sent);
    }
  }

  /** The record of a request whose head could not be read (what is known: its client). */
  private AccessRecord unreadRequest(ProxySnapshot s) {
    AccessRecord r = record(headStarted ? headStart : lastReadNanos);
    r.head(listener.ticker().nanoTime(), null, null, 0, null, null, null, RequestIds.generate());
    s.traces().begin(NO_FIELDS, r);
    return r;
  }

  /** Whether nothing more is read or served (lingering included). */
  private boolean stopped() {
    return phase == Phase.STOPPED || phase == Phase.LINGERING;
  }

  private void stop() {
    phase = Phase.STOPPED;
    channel.config().setAutoRead(false);
  }

  // ---- writing

  @Override
  void respond(int status, HeaderFields fields, ByteBuf content, boolean close) {
    if (close) {
      ending = Ending.LINGER;
      requestOpen = false;
      phase = Phase.STOPPED;
    }
    ResponseHead head = new ResponseHead(11, status, null, fields);
    if (status != 204 && status != 304) {
      fields.set("Content-Length", Integer.toString(content.readableBytes()));
    }
    writeResponseHead(head);
    writeBody(content);
    writeEnd();
  }

  @Override
  void writeResponseHead(ResponseHead head) {
    HeaderFields h = head.fields();
    int status = head.status();
    bodyOut = bodyless(status) ? BodyOut.NONE : BodyOut.AS_IS;
    if (bodyOut == BodyOut.AS_IS && !h.contains("Content-Length")) {
      if (version == 10) {
        // Delimited by the close.
        closeAfter();
      } else {
        String codings = h.get("Transfer-Encoding");
        h.set("Transfer-Encoding", codings == null ? "chunked" : codings + ", chunked");
        bodyOut = BodyOut.CHUNKED;
      }
    }
    head.version(version == 10 ? 10 : 11);
    if (ending != Ending.KEEP_ALIVE || draining) {
      closeAfter();
      h.set("Connection", "close");
    } else if (version == 10) {
      h.set("Connection", "keep-alive");
    }
    response = Response.STREAMING;
    if (guard != null && status >= 200) {
      guard.responseStarted();
    }
    // Held back until the body's first part: a small body joins it, one buffer and one write.
    ByteBuf out = ctx.alloc().buffer(head.encodedLength() + SMALL_BODY);
    head.writeTo(out);
    heldHead = out;
  }

  /** The connection closes after this response (lingering, if that was decided already). */
  private void closeAfter() {
    if (ending == Ending.KEEP_ALIVE) {
      ending = Ending.CLOSE;
    }
  }

  /** A body part up to this size is copied behind the response head into one buffer. */
  private static final int SMALL_BODY = 1024;

  /** The response head, not yet written (see {@link #writeResponseHead}; null: none). */
  private @Nullable ByteBuf heldHead;

  private void writeHeldHead() {
    ByteBuf h = heldHead;
    if (h != null) {
      heldHead = null;
      ctx.write(h, ctx.voidPromise());
    }
  }

  @Override
  void flush() {
    writeHeldHead();
    ctx.flush();
  }

  @Override
  void writeBody(ByteBuf data) {
    if (bodyOut == BodyOut.NONE || !data.isReadable()) {
      data.release();
      return;
    }
    ByteBuf h = heldHead;
    if (h != null) {
      int n = data.readableBytes();
      if (n + (bodyOut == BodyOut.CHUNKED ? 12 : 0) <= h.writableBytes()) {
        if (bodyOut == BodyOut.CHUNKED) {
          Chunks.writeSizeLine(h, n);
          copyInto(h, data);
          h.writeShort(0x0d0a);
        } else {
          copyInto(h, data);
        }
        data.release();
        return;
      }
      writeHeldHead();
    }
    if (bodyOut == BodyOut.CHUNKED) {
      ctx.write(Chunks.sizeLine(ctx.alloc(), data.readableBytes()), ctx.voidPromise());
      ctx.write(data, ctx.voidPromise());
      ctx.write(Chunks.CRLF.duplicate(), ctx.voidPromise());
    } else {
      ctx.write(data, ctx.voidPromise());
    }
  }

  /**
   * Appends {@code src}'s readable bytes to {@code dst}, which has room for them. Both are usually
   * off-heap: then one memory copy, where Netty's {@code writeBytes} from a slice (what the body
   * decoder hands out) makes two NIO views first, two allocations per response.
   */
  private static void copyInto(ByteBuf dst, ByteBuf src) {
    int n = src.readableBytes();
    if (dst.hasMemoryAddress() && src.hasMemoryAddress()) {
      int w = dst.writerIndex();
      PlatformDependent.copyMemory(
          src.memoryAddress() + src.readerIndex(), dst.memoryAddress() + w, n);
      dst.writerIndex(w + n);
    } else {
      dst.writeBytes(src, src.readerIndex(), n);
    }
  }

  @Override
  void writeEnd() {
    writeHeldHead();
    if (bodyOut == BodyOut.CHUNKED) {
      ctx.write(Chunks.LAST.duplicate(), ctx.voidPromise());
    }
    response = Response.NONE;
    active = null;
    if (ending != Ending.KEEP_ALIVE || draining) {
      // Closing as soon as this is written: whatever arrives meanwhile is dropped (stopped), and
      // reading is not switched off (one epoll_ctl less per connection). A client that does not
      // read its response is closed by the guard after client-timeout.
      phase = Phase.STOPPED;
      if (guard != null) {
        guard.closing();
      }
      if (ending == Ending.LINGER) {
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
            .addListener(f -> linger(f.isSuccess()));
      } else {
        ctx.writeAndFlush(io.netty.buffer.Unpooled.EMPTY_BUFFER)
            .addListener(ChannelFutureListener.CLOSE);
      }
      return;
    }
    ctx.flush();
    if (guard != null && !requestOpen) {
      // (While the rest of a request body still arrives, the body clock keeps running.)
      guard.responseComplete();
    }
    if (!channel.config().isAutoRead()) {
      channel.config().setAutoRead(true);
    }
    if (!requestOpen && pending != null) {
      process();
    }
  }

  /** The error answer is written: half-close, then read and drop until the client is done. */
  private void linger(boolean written) {
    if (!written || !channel.isActive() || !(channel instanceof DuplexChannel duplex)) {
      ctx.close();
      return;
    }
    ByteBuf p = pending;
    pending = null;
    if (p != null) {
      p.release();
    }
    long now = System.nanoTime();
    phase = Phase.LINGERING;
    lingerLastRead = now;
    lingerEnd = now + LINGER_MAX_NANOS;
    if (guard != null) {
      guard.disarm();
    }
    // (The client's FIN then closes the channel: half-closure is not allowed on it.)
    duplex
        .shutdownOutput()
        .addListener(
            f -> {
              if (!f.isSuccess()) {
                ctx.close();
              }
            });
    channel.config().setAutoRead(true);
    ctx.executor().schedule(this::lingerCheck, LINGER_IDLE_NANOS, TimeUnit.NANOSECONDS);
  }

  private void lingerCheck() {
    if (!channel.isActive()) {
      return;
    }
    long now = System.nanoTime();
    long idleEnd = lingerLastRead + LINGER_IDLE_NANOS;
    if (now - idleEnd >= 0 || now - lingerEnd >= 0) {
      ctx.close();
      return;
    }
    long next = Math.min(idleEnd, lingerEnd) - now;
    ctx.executor().schedule(this::lingerCheck, next, TimeUnit.NANOSECONDS);
  }

  @Override
  public void channelWritabilityChanged(ChannelHandlerContext ctx) {
    if (guard != null) {
      guard.writability(channel.isWritable());
    }
    super.channelWritabilityChanged(ctx);
  }

  @Override
  void writeContinue() {
    ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(CONTINUE), ctx.voidPromise());
  }

  @Override
  void autoRead(boolean on) {
    if (!stopped()) {
      channel.config().setAutoRead(on);
      if (on && guard != null) {
        // The pause was the gateway's (origin not ready or not reading): not the client's delay.
        guard.bytesArrived();
      }
    }
  }

  @Override
  void reset() {
    ByteBuf h = heldHead;
    heldHead = null;
    if (h != null) {
      h.release();
    }
    stop();
    active = null;
    response = Response.SENT;
    ctx.close();
  }

  @Override
  void upgraded() {
    phase = Phase.TUNNEL;
    channel.config().setAutoRead(true);
    if (guard != null) {
      guard.disarm();
    }
    response = Response.NONE;
    ByteBuf early = pending;
    pending = null;
    if (early != null && early.isReadable() && active != null) {
      active.requestData(early);
    } else if (early != null) {
      early.release();
    }
  }

  @Override
  void writeRaw(ByteBuf data) {
    writeHeldHead();
    ctx.write(data, ctx.voidPromise());
  }

  @Override
  void drain() {
    draining = true;
    // A connection accepted just before the drain (its client's request is on its way: a takeover
    // or a listener removed by a reload keeps serving the queue up to the last moment) makes one
    // request and closes after its response; the request-header timeout bounds the wait.
    if (used
        && !responseOpen()
        && !requestOpen
        && phase != Phase.TUNNEL
        && (pending == null || !pending.isReadable())) {
      stop();
      ctx.close();
    }
  }

  /** The guard's timeout: answers 408 (when {@code answer}) below everything, then closes. */
  void timedOut(byte @Nullable [] answer) {
    stop();
    boolean served = active != null;
    clientGone(answer != null ? 408 : 0, Termination.CLIENT_TIMEOUT);
    if (!served && answer != null && headStarted) {
      ProxySnapshot s = listener.snapshot();
      ended(
          s,
          unreadRequest(s),
          408,
          Termination.CLIENT_TIMEOUT,
          ConnectionGuard.TIMEOUT_BODY.length());
    }
    if (answer != null) {
      ctx.writeAndFlush(io.netty.buffer.Unpooled.wrappedBuffer(answer))
          .addListener(ChannelFutureListener.CLOSE);
    } else {
      ctx.close();
    }
  }

  @Override
  public void channelInactive(ChannelHandlerContext ctx) {
    phase = Phase.STOPPED;
    if (guard != null) {
      guard.disarm();
    }
    ByteBuf h = heldHead;
    heldHead = null;
    if (h != null) {
      h.release();
    }
    clientGone(0, Termination.CLIENT_CLOSED);
    ByteBuf p = pending;
    pending = null;
    if (p != null) {
      p.release();
    }
    ctx.fireChannelInactive();
  }
}
