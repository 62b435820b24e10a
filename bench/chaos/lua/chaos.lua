-- wrk script of bench/chaos/run: steady (paced) GET load that counts every outcome.
--   CHAOS_DELAY_MS=N (environment): each connection waits N ms between requests (default 20), so
--   the load stays well below saturation and a failure is the fault's, not the CPU's.
-- Run with -t1 (the counters live in the thread; done() reads them with thread:get).
-- done() prints one line that bench/chaos/run parses:
--   CHAOS_RESULT responses=.. ok2xx=.. non2xx=.. s5xx=.. s502=.. s503=.. s504=.. connect=.. read=..
--                write=.. timeout=.. failed=..
-- failed = non-2xx responses + socket errors (connect, read, write, timeout).

local delay_ms = tonumber(os.getenv("CHAOS_DELAY_MS") or "") or 20
local threads = {}

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  ok2xx, non2xx, s5xx, s502, s503, s504 = 0, 0, 0, 0, 0, 0
end

function delay()
  return delay_ms
end

function response(status, headers, body)
  if status >= 200 and status < 300 then
    ok2xx = ok2xx + 1
  else
    non2xx = non2xx + 1
    if status >= 500 then s5xx = s5xx + 1 end
    if status == 502 then s502 = s502 + 1 end
    if status == 503 then s503 = s503 + 1 end
    if status == 504 then s504 = s504 + 1 end
  end
end

function done(summary, latency, requests)
  local t = { ok2xx = 0, non2xx = 0, s5xx = 0, s502 = 0, s503 = 0, s504 = 0 }
  for _, thread in ipairs(threads) do
    for k, _ in pairs(t) do
      t[k] = t[k] + (thread:get(k) or 0)
    end
  end
  local e = summary.errors
  local socket = e.connect + e.read + e.write + e.timeout
  io.write(string.format(
    "CHAOS_RESULT responses=%d ok2xx=%d non2xx=%d s5xx=%d s502=%d s503=%d s504=%d connect=%d " ..
    "read=%d write=%d timeout=%d failed=%d p99_us=%d max_us=%d\n",
    summary.requests, t.ok2xx, t.non2xx, t.s5xx, t.s502, t.s503, t.s504, e.connect, e.read,
    e.write, e.timeout, t.non2xx + socket, latency:percentile(99), latency.max))
end
