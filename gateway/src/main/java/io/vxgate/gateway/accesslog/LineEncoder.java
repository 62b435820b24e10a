package io.vxgate.gateway.accesslog;

import ch.qos.logback.core.encoder.EncoderBase;
import java.nio.charset.StandardCharsets;
import java.time.ZoneId;
import org.jspecify.annotations.Nullable;

/** A logback encoder of records: the line of the configured format, UTF-8, {@code \n}. */
final class LineEncoder extends EncoderBase<AccessRecord> {
  private final LineFormat format;
  private final Line line = new Line(ZoneId.systemDefault());

  LineEncoder(LineFormat format) {
    this.format = format;
  }

  /** The line of {@code r}, without its line end (the writer thread's: not thread-safe). */
  String text(AccessRecord r) {
    line.sb.setLength(0);
    format.format(r, line);
    return line.sb.toString();
  }

  @Override
  public byte[] encode(AccessRecord r) {
    line.sb.setLength(0);
    format.format(r, line);
    line.sb.append('\n');
    return line.sb.toString().getBytes(StandardCharsets.UTF_8);
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
