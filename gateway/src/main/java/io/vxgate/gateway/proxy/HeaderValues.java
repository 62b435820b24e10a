package io.vxgate.gateway.proxy;

import io.netty.handler.codec.DefaultHeaders.ValueValidator;
import io.netty.handler.codec.http.DefaultHttpHeadersFactory;
import io.netty.handler.codec.http.HttpHeadersFactory;

/**
 * The header value rule of client requests: no control character but HTAB, no DEL (so no NUL, no
 * bare CR or LF reaches an origin), as RFC 9110 section 5.5 asks; names must be tokens (Netty's
 * default). Unlike Netty's default, a value may start with whitespace: the decoder replaces an
 * obs-fold by a space (RFC 9112 section 5.2), which leaves one in front of a value folded from an
 * empty first line; readers trim it.
 */
final class HeaderValues {
  private HeaderValues() {}

  private static final ValueValidator<CharSequence> VALUES =
      value -> {
        for (int i = 0, n = value.length(); i < n; i++) {
          char c = value.charAt(i);
          if (c < 0x20 && c != '\t' || c == 0x7f) {
            throw new IllegalArgumentException(
                "a header value has a forbidden character at index " + i);
          }
        }
      };

  /** Headers of decoded requests. */
  static final HttpHeadersFactory HEADERS =
      DefaultHttpHeadersFactory.headersFactory().withValueValidator(VALUES);

  /** Trailers of decoded chunked requests. */
  static final HttpHeadersFactory TRAILERS =
      DefaultHttpHeadersFactory.trailersFactory().withValueValidator(VALUES);
}
