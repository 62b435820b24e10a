-- wrk script used by bench/run for every run.
--   BENCH_BODY_BYTES=N (environment): send POST requests with an N-byte body instead of GET.
-- done() prints one machine-readable line that bench/run parses:
--   BENCH_RESULT requests=.. duration_us=.. rps=.. p50_us=.. p99_us=.. p999_us=.. errors=.. ...
-- errors = responses with status >= 400 (wrk's "status" count) + socket errors
-- (connect, read, write, timeout).

local body_bytes = tonumber(os.getenv("BENCH_BODY_BYTES") or "")
if body_bytes and body_bytes > 0 then
  wrk.method = "POST"
  wrk.body = string.rep("x", body_bytes)
  wrk.headers["Content-Type"] = "application/octet-stream"
end

function done(summary, latency, requests)
  local e = summary.errors
  local socket_errors = e.connect + e.read + e.write + e.timeout
  local seconds = summary.duration / 1e6
  io.write(string.format(
    "BENCH_RESULT requests=%d duration_us=%d bytes=%d rps=%.1f p50_us=%d p99_us=%d p999_us=%d " ..
    "max_us=%d errors=%d status_errors=%d socket_errors=%d connect=%d read=%d write=%d timeout=%d\n",
    summary.requests, summary.duration, summary.bytes, summary.requests / seconds,
    latency:percentile(50), latency:percentile(99), latency:percentile(99.9), latency.max,
    e.status + socket_errors, e.status, socket_errors, e.connect, e.read, e.write, e.timeout))
end
