package io.vxgate.admin.importer;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.AccessLogConfig;
import io.vxgate.config.AccessLogConfig.Format;
import io.vxgate.config.GatewayConfig;
import io.vxgate.config.HostPort;
import java.nio.file.Path;
import java.util.List;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

/**
 * nginx's {@code access_log}/{@code log_format} and HAProxy's {@code log}/{@code log-format} come
 * out as the {@code access-log} section vxgate's loader reads: the format (a custom template field
 * by field), and the destination.
 */
class AccessLogImportTest {
  @TempDir static Path nginx;
  @TempDir static Path haproxy;

  @BeforeAll
  static void corpus() {
    ImportCorpus.copy("nginx", nginx);
    ImportCorpus.copy("haproxy", haproxy);
  }

  private static AccessLogConfig imported(String format, Path dir, String name) throws Exception {
    GatewayConfig c =
        ImportCorpus.load(ImportCommand.translate(format, dir.resolve(name), name).yaml());
    return c.accessLog();
  }

  @Test
  void nginxMainFormatIsCombinedToTheHttpLevelFile() throws Exception {
    assertThat(imported("nginx", nginx, "logging-main.conf"))
        .isEqualTo(
            new AccessLogConfig(
                Format.COMBINED, new AccessLogConfig.File("/var/log/nginx/access.log")));
    assertThat(imported("nginx", nginx, "gunicorn-docs.conf"))
        .isEqualTo(
            new AccessLogConfig(
                Format.COMBINED, new AccessLogConfig.File("/var/log/nginx/access.log")));
  }

  @Test
  void nginxOwnFormatIsACustomTemplateToSyslog() throws Exception {
    assertThat(imported("nginx", nginx, "logging-syslog.conf"))
        .isEqualTo(
            new AccessLogConfig(
                Format.CUSTOM,
                "$client $host \"$method $path $protocol\" $status $bytes_out"
                    + " rt=${duration_ms}s $server $upstream_status \"$user_agent\" $tls -",
                new AccessLogConfig.Syslog(new HostPort("10.1.0.5", 5514)),
                AccessLogConfig.DEFAULT_QUEUE));
  }

  @Test
  void nginxWithoutAnAccessLogGetsNone() throws Exception {
    // access_log off in a location, none elsewhere
    assertThat(imported("nginx", nginx, "api-gateway.conf")).isNull();
  }

  @Test
  void haproxyLogFormatIsACustomTemplateToStdout() throws Exception {
    assertThat(imported("haproxy", haproxy, "logging-format.cfg"))
        .isEqualTo(
            new AccessLogConfig(
                Format.CUSTOM,
                "$client:- [$time] $listener $upstream/$server"
                    + " -/-/$upstream_connect_ms/$upstream_response_ms/$duration_ms $status"
                    + " $bytes_out $termination $request_id \"$method $path $protocol\"",
                new AccessLogConfig.Stdout(),
                AccessLogConfig.DEFAULT_QUEUE));
  }

  @Test
  void haproxyHttplogIsTheHaproxyFormatToTheFirstTargetThatTakesRequests() throws Exception {
    assertThat(imported("haproxy", haproxy, "logging-syslog.cfg"))
        .isEqualTo(
            new AccessLogConfig(
                Format.HAPROXY, new AccessLogConfig.Syslog(new HostPort("10.1.0.5", 514))));
    // a unix socket (the local syslog daemon): standard output, which systemd sends to the journal
    assertThat(imported("haproxy", haproxy, "basic.cfg"))
        .isEqualTo(new AccessLogConfig(Format.HAPROXY, new AccessLogConfig.Stdout()));
  }

  @Test
  void nginxVariablesBecomeFieldsAndTheRestDashes() {
    LogFormat f =
        NginxLogFormat.translate(
            "default", "$remote_addr $$ ${status}xx $request_time $pipe $msec_total text$");
    assertThat(f.template()).isEqualTo("$client $$$$ ${status}xx $duration_ms - - text$$");
    assertThat(f.differences())
        .containsExactly(
            "$request_time: $duration_ms, in milliseconds (nginx: seconds)",
            "$pipe, $msec_total: - (no such field in vxgate)");
    assertThat(NginxLogFormat.translate("json", "{\"a\":\"$status\"}").format())
        .isEqualTo(Format.JSON);
    assertThat(NginxLogFormat.translate("default", NginxLogFormat.COMBINED).differences())
        .isEmpty();
  }

  @Test
  void haproxyAliasesBecomeFieldsQuotedAsHaproxyQuotes() {
    LogFormat f = HaproxyLogFormat.translate("%{+Q}o%ci %ST %[src] %{-Q}b %HM 100%%");
    assertThat(f.template()).isEqualTo("\"$client\" $status \"-\" $upstream \"$method\" 100%");
    assertThat(f.differences()).containsExactly("%[src]: - (no such field in vxgate)");
    assertThat(HaproxyLogFormat.translate(HaproxyLogFormat.HTTPLOG).format())
        .isEqualTo(Format.HAPROXY);
    assertThat(HaproxyLogFormat.option("httplog", true).format()).isEqualTo(Format.COMBINED);
  }

  @Test
  void syslogAddressesAsHaproxyAndNginxWriteThem() {
    assertThat(LogDestination.syslogAddress("10.0.0.1")).isEqualTo("10.0.0.1:514");
    assertThat(LogDestination.syslogAddress("logs.example:1514")).isEqualTo("logs.example:1514");
    assertThat(LogDestination.syslogAddress("[::1]:5514")).isEqualTo("[::1]:5514");
    assertThat(LogDestination.syslogAddress("[::1]")).isEqualTo("[::1]:514");
    for (String bad : List.of("", "host:0", "host:70000", "[::1", "a b", "[::1]x")) {
      assertThat(LogDestination.syslogAddress(bad)).as(bad).isNull();
    }
  }
}
