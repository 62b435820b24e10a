package io.vxgate.config;

import org.jspecify.annotations.Nullable;

/**
 * W3C Trace Context (node-local): the gateway always continues or starts a trace and passes it to
 * origins; with {@link #otlp} it also exports one span per sampled request (docs/operations.md,
 * "Tracing").
 *
 * @param otlp the OTLP/HTTP traces endpoint ({@code http://collector:4318/v1/traces}); no export
 *     when null
 * @param sample the share of new traces (those without a valid incoming {@code traceparent}) that
 *     are sampled, 0..1; a trace that arrives keeps its caller's decision
 */
public record TracingConfig(@Nullable String otlp, double sample) {
  /** The default {@link #sample}. */
  public static final double DEFAULT_SAMPLE = 1.0;

  /** No export. */
  public static final TracingConfig DEFAULT = new TracingConfig(null, DEFAULT_SAMPLE);

  public TracingConfig {
    if (!(sample >= 0 && sample <= 1)) {
      throw new IllegalArgumentException("sample: " + sample);
    }
  }
}
