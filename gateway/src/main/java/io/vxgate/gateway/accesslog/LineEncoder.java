package io.vxgate.gateway.accesslog;

import ch.qos.logback.core.encoder.EncoderBase;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/**
 * A logback encoder of records: the line of the configured format, UTF-8, {@code \n}. Each line is
 * built in one reused {@link Line}; the only allocation per line is the array logback writes.
 */
final class LineEncoder extends EncoderBase<AccessRecord> {
  private final LineFormat format;
  private final Line line = new Line(ZoneId.systemDefault());

  LineEncoder(LineFormat format) {
    this.format = format;
  }

  /** Appends the line of {@code r}, without its line end, to {@code out}. */
  void format(AccessRecord r, Line out) {
    format.format(r, out);
  }

  @Override
  public byte[] encode(AccessRecord r) {
    format.format(r, line.reset());
    return line.append('\n').bytes();
  }

  @Override
  public byte @Nullable [] headerBytes() {
    return null;
  }

  @Override
  public byte @Nullable [] footerBytes() {
    return null;
  }
}
