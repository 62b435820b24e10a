package io.vxgate.gateway.proxy;

import io.netty.buffer.ByteBuf;
import io.netty.buffer.Unpooled;
import io.netty.channel.ChannelDuplexHandler;
import io.netty.channel.ChannelFutureListener;
import io.netty.channel.ChannelHandlerContext;
import io.netty.channel.ChannelPromise;
import io.netty.handler.codec.http2.Http2FrameCodec;
import io.netty.util.ReferenceCountUtil;
import java.util.concurrent.TimeUnit;

/**
 * The budget of the HTTP/2 frames that cost the server work but carry no request, which Netty's
 * codec handles without limit (docs/reliability.md#http2-attacks): SETTINGS and PING, at most
 * {@link #MAX_CONTROL} per {@link #WINDOW_NANOS}, each answered with an ACK; PRIORITY, at most
 * {@link #MAX_PRIORITY} per window; WINDOW_UPDATE, at most {@link #FREE_WINDOW_UPDATES} plus one
 * per KiB the server sent (a client downloading at full speed sends one per 16-32 KiB); and header
 * blocks of more fields than the header list size allows at all (an HPACK bomb: a few bytes that
 * name a large table entry thousands of times, which Netty would decode to the end). Over budget,
 * the connection gets a GOAWAY (ENHANCE_YOUR_CALM) and is closed. Netty bounds the rest (Listener:
 * resets, empty DATA frames, queued control frames, header list size).
 *
 * <p>It sits between TLS and the codec and reads the 9-byte frame headers as the bytes pass, and of
 * header blocks only the first bytes of each field and the lengths of its strings ({@link
 * HpackFieldCounter}), without copying anything. Confined to the connection's event loop.
 */
final class Http2FrameBudget extends ChannelDuplexHandler {

  static final int MAX_CONTROL = 100;

  /** RST_STREAM frames the server sends per window (streams that failed). */
  static final int MAX_RESETS_SENT = 100;

  static final int MAX_PRIORITY = 1000;
  static final int FREE_WINDOW_UPDATES = 1000;
  static final long WINDOW_NANOS = TimeUnit.SECONDS.toNanos(10);

  private static final int PREFACE = 24;
  private static final int HEADERS = 0x1;
  private static final int CONTINUATION = 0x9;
  private static final int PADDED = 0x8;
  private static final int PRIORITY_FLAG = 0x20;

  /** The least size a field adds to a header list (RFC 7541 §4.1: name, value and 32). */
  static final int MIN_FIELD_SIZE = 32;

  private static final int PRIORITY = 0x2;

  /** Stream ids from which a client can open no more than a few hundred streams. */
  private static final int LAST_STREAMS = Integer.MAX_VALUE - 1024;

  private static final int SETTINGS = 0x4;
  private static final int RST_STREAM = 0x3;
  private static final int PING = 0x6;
  private static final int WINDOW_UPDATE = 0x8;
  private static final int ACK = 0x1;

  /** GOAWAY, last stream 2^31-1, ENHANCE_YOUR_CALM (0xb). */
  private static final byte[] GOAWAY = {
    0, 0, 8, 0x7, 0, 0, 0, 0, 0, 0x7f, -1, -1, -1, 0, 0, 0, 0xb
  };

  private int prefaceLeft = PREFACE;
  private final byte[] header = new byte[9];
  private int headerFill;
  private long payloadLeft;
  private long windowStart = System.nanoTime();
  private int control;
  private int priority;
  private long windowUpdates;
  private long sentBytes;
  private boolean over;

  /**
   * The connection opened {@link #maxStreams} streams, or a stream id reached the end of the id
   * space (RFC 9113 5.1.1): it gets a graceful GOAWAY.
   */
  private boolean exhausted;

  /**
   * Streams per connection, the listener's {@code keepalive-requests} (0: no limit): then a
   * graceful GOAWAY, and the client opens a new connection. Bounds what any per-stream attack
   * (rapid reset, HPACK bombs, oversized header blocks, each answered with a reset) gets out of one
   * connection.
   */
  private final int maxStreams;

  private int resetsSent;
  private int lastStream;
  private int streams;

  /** Fields a header block may have: more cannot fit in the header list size. */
  private final int maxFields;

  private final HpackFieldCounter fields = new HpackFieldCounter();

  /** Whether the frame whose payload passes is a HEADERS or CONTINUATION frame. */
  private boolean inBlock;

  /** A HEADERS frame's pad length byte is next. */
  private boolean padLengthNext;

  /** Bytes of a HEADERS frame's priority fields still to pass. */
  private int priorityLeft;

  /** Bytes of the frame's header block fragment still to pass; then its padding. */
  private long fragmentLeft;

  /**
   * @param maxStreams the listener's {@code keepalive-requests}: streams a connection may open, 0
   *     for no limit but the stream id space
   * @param maxHeaderListSize the header list size the codec allows (SETTINGS_MAX_HEADER_LIST_SIZE)
   */
  Http2FrameBudget(int maxStreams, int maxHeaderListSize) {
    this.maxStreams = maxStreams;
    this.maxFields = Math.max(1, maxHeaderListSize / MIN_FIELD_SIZE);
  }

  private boolean closing;

  @Override
  public void channelRead(ChannelHandlerContext ctx, Object msg) {
    if (over) {
      ReferenceCountUtil.release(msg);
      return;
    }
    if (msg instanceof ByteBuf in && !scan(in)) {
      in.release();
      goAway(ctx);
      return;
    }
    ctx.fireChannelRead(msg);
    if (exhausted && !closing) {
      // No more streams: the codec says GOAWAY (NO_ERROR), lets the open streams finish (30 s at
      // most) and closes. The client opens a new connection.
      closing = true;
      Http2FrameCodec codec = ctx.pipeline().get(Http2FrameCodec.class);
      if (codec != null) {
        codec.gracefulShutdownTimeoutMillis(TimeUnit.SECONDS.toMillis(30));
      }
      ctx.channel().close();
    }
  }

  @Override
  public void write(ChannelHandlerContext ctx, Object msg, ChannelPromise promise) {
    if (msg instanceof ByteBuf b) {
      sentBytes += b.readableBytes();
      if (isReset(b) && !resetAllowed()) {
        // The client's streams keep failing (an HPACK bomb, header blocks over the limit, bad
        // requests): each costs decoding and a reset, and the connection is of no use.
        ctx.write(msg, promise);
        goAway(ctx);
        return;
      }
    }
    ctx.write(msg, promise);
  }

  /** Whether {@code b} is one whole RST_STREAM frame, as Netty's frame writer writes it. */
  private static boolean isReset(ByteBuf b) {
    int i = b.readerIndex();
    return b.readableBytes() == 13 && b.getByte(i + 3) == RST_STREAM && b.getMedium(i) == 4;
  }

  private boolean resetAllowed() {
    return ++resetsSent <= MAX_RESETS_SENT || (newWindow() && ++resetsSent <= MAX_RESETS_SENT);
  }

  private void goAway(ChannelHandlerContext ctx) {
    if (!over) {
      over = true;
      FrontConnection.log.debug(
          "HTTP/2 frame flood from {}: GOAWAY", ctx.channel().remoteAddress());
      ctx.writeAndFlush(Unpooled.wrappedBuffer(GOAWAY)).addListener(ChannelFutureListener.CLOSE);
    }
  }

  /** Walks the frame headers in {@code in}; false when the peer went over budget. */
  private boolean scan(ByteBuf in) {
    int i = in.readerIndex();
    int end = in.writerIndex();
    while (i < end) {
      if (prefaceLeft > 0) {
        int skip = Math.min(prefaceLeft, end - i);
        prefaceLeft -= skip;
        i += skip;
      } else if (payloadLeft > 0) {
        int skip = (int) Math.min(payloadLeft, end - i);
        if (inBlock && !block(in, i, skip)) {
          return false;
        }
        payloadLeft -= skip;
        i += skip;
      } else {
        header[headerFill++] = in.getByte(i++);
        if (headerFill == 9) {
          headerFill = 0;
          payloadLeft =
              ((header[0] & 0xffL) << 16) | ((header[1] & 0xff) << 8) | (header[2] & 0xff);
          if (!count(header[3] & 0xff, header[4] & 0xff)) {
            return false;
          }
        }
      }
    }
    return true;
  }

  /**
   * Passes {@code length} payload bytes of a HEADERS or CONTINUATION frame from {@code at}: its pad
   * length and priority fields, its fragment of the header block (counted), its padding. False when
   * the block has more fields than fit in the header list size.
   */
  private boolean block(ByteBuf in, int at, int length) {
    int i = at;
    int end = at + length;
    if (padLengthNext && i < end) {
      padLengthNext = false;
      fragmentLeft = Math.max(0, fragmentLeft - (in.getByte(i++) & 0xff));
    }
    int priority = Math.min(priorityLeft, end - i);
    priorityLeft -= priority;
    i += priority;
    int fragment = (int) Math.min(fragmentLeft, end - i);
    if (fragment > 0) {
      fragmentLeft -= fragment;
      fields.feed(in, i, fragment);
      return fields.fields() <= maxFields;
    }
    return true;
  }

  /** A HEADERS (a new block) or CONTINUATION frame of {@code length} bytes begins. */
  private void blockFrame(int type, int flags, long length) {
    inBlock = true;
    if (type == CONTINUATION) {
      padLengthNext = false;
      priorityLeft = 0;
      fragmentLeft = length;
      return;
    }
    fields.start();
    padLengthNext = (flags & PADDED) != 0;
    priorityLeft = (flags & PRIORITY_FLAG) != 0 ? 5 : 0;
    // the pad length, once read, comes off too
    fragmentLeft = Math.max(0, length - (padLengthNext ? 1 : 0) - priorityLeft);
  }

  private boolean count(int type, int flags) {
    inBlock = false;
    if (type == HEADERS || type == CONTINUATION) {
      blockFrame(type, flags, payloadLeft);
    }
    switch (type) {
      case SETTINGS, PING -> {
        if ((flags & ACK) != 0) {
          return true;
        }
        return ++control <= MAX_CONTROL || (newWindow() && ++control <= MAX_CONTROL);
      }
      case PRIORITY -> {
        return ++priority <= MAX_PRIORITY || (newWindow() && ++priority <= MAX_PRIORITY);
      }
      case HEADERS -> {
        int stream = ((header[5] & 0x7f) << 24) | ((header[6] & 0xff) << 16);
        stream |= ((header[7] & 0xff) << 8) | (header[8] & 0xff);
        if (stream > lastStream) {
          lastStream = stream;
          if ((maxStreams > 0 && ++streams >= maxStreams) || stream >= LAST_STREAMS) {
            exhausted = true;
          }
        }
        return true;
      }
      case WINDOW_UPDATE -> {
        return ++windowUpdates <= FREE_WINDOW_UPDATES + (sentBytes >> 10);
      }
      default -> {
        return true;
      }
    }
  }

  /** Starts a new window when the current one is over; whether it did. */
  private boolean newWindow() {
    long now = System.nanoTime();
    if (now - windowStart < WINDOW_NANOS) {
      return false;
    }
    windowStart = now;
    control = 0;
    priority = 0;
    resetsSent = 0;
    return true;
  }
}
