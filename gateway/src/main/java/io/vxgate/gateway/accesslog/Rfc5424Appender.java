package io.vxgate.gateway.accesslog;

import ch.qos.logback.core.Layout;
import ch.qos.logback.core.LayoutBase;
import ch.qos.logback.core.net.SyslogAppenderBase;
import ch.qos.logback.core.net.SyslogOutputStream;
import io.vxgate.config.HostPort;
import java.io.IOException;
import java.net.SocketException;
import java.net.UnknownHostException;
import java.nio.charset.StandardCharsets;
import java.time.ZoneOffset;
import org.jspecify.annotations.Nullable;

/**
 * Access lines to a syslog server as RFC 5424 messages over UDP, one datagram each: logback's
 * {@link SyslogAppenderBase} and {@link SyslogOutputStream} (socket, datagram size), with a layout
 * of ours, since logback's own {@code SyslogAppender} writes RFC 3164. A message is {@code <134>1
 * TIMESTAMP NODE vxgate PID access - LINE}: facility local0, severity info, the request's time in
 * UTC with milliseconds, the node id as host name, no structured data, the line in the configured
 * format (UTF-8, without a BOM, as HAProxy sends it).
 */
final class Rfc5424Appender extends SyslogAppenderBase<AccessRecord> {
  static final String APP = "vxgate";
  static final String MSGID = "access";
  private static final int SEVERITY_INFO = 6;

  private final HostPort server;
  private final String node;
  private final LineEncoder lines;

  /** Null until logback's start opens it. */
  private @Nullable SyslogOutputStream out;

  Rfc5424Appender(HostPort server, String node, LineEncoder lines) {
    this.server = server;
    this.node = node;
    this.lines = lines;
    setSyslogHost(server.host());
    setPort(server.port());
    setFacility("LOCAL0");
    setCharset(StandardCharsets.UTF_8);
  }

  /** The syslog server. */
  HostPort server() {
    return server;
  }

  @Override
  public SyslogOutputStream createOutputStream() throws UnknownHostException, SocketException {
    out = new SyslogOutputStream(server.host(), server.port());
    return out;
  }

  @Override
  public Layout<AccessRecord> buildLayout() {
    int pri = facilityStringToint(getFacility()) + SEVERITY_INFO;
    String fixed =
        " " + node + " " + APP + " " + ProcessHandle.current().pid() + " " + MSGID + " - ";
    Line time = new Line(ZoneOffset.UTC);
    return new LayoutBase<>() {
      @Override
      public String doLayout(AccessRecord r) {
        time.reset().append('<').append(pri).append(">1 ").rfc3339(r.startMillis).append(fixed);
        lines.format(r, time);
        return time.toString();
      }
    };
  }

  @Override
  public int getSeverityForEvent(Object e) {
    return SEVERITY_INFO;
  }

  /** Sends the message of {@code r}; returns why it could not be sent, or null. */
  @Nullable String send(AccessRecord r) {
    SyslogOutputStream out = this.out;
    if (!isStarted() || out == null) {
      return "the syslog appender did not start";
    }
    String msg = getLayout().doLayout(r);
    byte[] bytes = msg.getBytes(StandardCharsets.UTF_8);
    int max = getMaxMessageSize();
    try {
      out.write(bytes, 0, max > 0 ? Math.min(bytes.length, max) : bytes.length);
      out.flush();
      return null;
    } catch (IOException e) {
      return "cannot send to " + server + ": " + e;
    }
  }
}
