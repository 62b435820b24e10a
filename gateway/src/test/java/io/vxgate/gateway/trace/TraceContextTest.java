package io.vxgate.gateway.trace;

import static org.assertj.core.api.Assertions.assertThat;

import io.vxgate.config.TracingConfig;
import io.vxgate.gateway.accesslog.AccessRecord;
import io.vxgate.gateway.http1.HeaderFields;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

/** Which traceparent values are continued, and what the origin gets. */
class TraceContextTest {
  private static final String TRACE = "0af7651916cd43dd8448eb211c80319c";
  private static final String PARENT = "b7ad6b7169203331";
  private final TraceContext traces = new TraceContext(TracingConfig.DEFAULT);

  private static AccessRecord record() {
    return new AccessRecord(0, 0, "web", null, null);
  }

  private AccessRecord begin(String... traceparents) {
    HeaderFields f = new HeaderFields();
    for (String t : traceparents) {
      f.add("traceparent", t);
    }
    AccessRecord r = record();
    traces.begin(f, r);
    return r;
  }

  @Test
  void aValidTraceparentKeepsItsTraceAndFlagsUnderTheGatewaysSpan() {
    AccessRecord r = begin("00-" + TRACE + "-" + PARENT + "-01");
    assertThat(r.continuesTrace()).isTrue();
    assertThat(r.sampled()).isTrue();
    String out = r.traceparent();
    assertThat(out).matches("00-" + TRACE + "-[0-9a-f]{16}-01");
    assertThat(out.substring(36, 52)).isNotEqualTo(PARENT).isNotEqualTo("0000000000000000");
    assertThat(begin("00-" + TRACE + "-" + PARENT + "-00").traceparent()).endsWith("-00");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "01-" + TRACE + "-" + PARENT + "-01",
        "01-" + TRACE + "-" + PARENT + "-01-what-comes-later",
        "cc-" + TRACE + "-" + PARENT + "-09"
      })
  void laterVersionsAreReadAsVersion00(String header) {
    AccessRecord r = begin(header);
    assertThat(r.continuesTrace()).isTrue();
    assertThat(r.traceparent()).startsWith("00-" + TRACE + "-");
  }

  @ParameterizedTest
  @ValueSource(
      strings = {
        "",
        "00-" + TRACE + "-" + PARENT + "-01-extra",
        "00-" + TRACE + "-" + PARENT,
        "ff-" + TRACE + "-" + PARENT + "-01",
        "01-" + TRACE + "-" + PARENT + "-01x",
        "00-0AF7651916CD43DD8448EB211C80319C-" + PARENT + "-01",
        "00-00000000000000000000000000000000-" + PARENT + "-01",
        "00-" + TRACE + "-0000000000000000-01",
        "00-" + TRACE + "-" + PARENT + "-0g",
        "00_" + TRACE + "-" + PARENT + "-01",
        "0-" + TRACE + "-" + PARENT + "-01x"
      })
  void anInvalidTraceparentStartsANewTrace(String header) {
    AccessRecord r = begin(header);
    assertThat(r.continuesTrace()).isFalse();
    assertThat(r.traceparent()).matches("00-[0-9a-f]{32}-[0-9a-f]{16}-00");
    assertThat(r.traceparent()).doesNotContain(TRACE);
  }

  @Test
  void twoTraceparentsAreInvalid() {
    String v = "00-" + TRACE + "-" + PARENT + "-01";
    assertThat(begin(v, v).continuesTrace()).isFalse();
  }

  @Test
  void newTracesAreSampledOnlyWhenSpansAreExported() {
    TraceContext all = new TraceContext(new TracingConfig("http://127.0.0.1:4318/v1/traces", 1));
    TraceContext none = new TraceContext(new TracingConfig("http://127.0.0.1:4318/v1/traces", 0));
    TraceContext half = new TraceContext(new TracingConfig("http://127.0.0.1:4318/v1/traces", 0.5));
    int sampled = 0;
    for (int i = 0; i < 1000; i++) {
      AccessRecord a = record();
      all.begin(new HeaderFields(), a);
      assertThat(a.sampled()).isTrue();
      AccessRecord n = record();
      none.begin(new HeaderFields(), n);
      assertThat(n.sampled()).isFalse();
      AccessRecord h = record();
      half.begin(new HeaderFields(), h);
      sampled += h.sampled() ? 1 : 0;
      AccessRecord off = record();
      traces.begin(new HeaderFields(), off);
      assertThat(off.sampled()).isFalse();
    }
    assertThat(sampled).isBetween(400, 600);
  }
}
