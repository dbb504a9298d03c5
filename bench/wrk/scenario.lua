-- One wrk scenario, described by environment variables (set by bench/suite.py):
--   BENCH_METHOD, BENCH_PATH       the request line
--   BENCH_HEADERS                  "Name: value" pairs separated by "\n"
--   BENCH_BODY                     a fixed body, or
--   BENCH_BODIES, BENCH_ANSWERS    a file of bodies, one per line, each sent at most once (codes
--                                  and refresh tokens are single-use); the run stops after
--                                  BENCH_ANSWERS answers (a few less than the bodies: wrk also
--                                  calls request() once for a request it never sends),
--                                  timed from the first request to the last answer, and then
--                                  touches BENCH_DONE so that the suite ends wrk with SIGINT
-- done() prints one JSON line: requests, seconds, p50/p99 (ms) and the non-2xx count.

local ffi = require("ffi")
ffi.cdef [[
  typedef struct { long tv_sec; long tv_nsec; } bench_timespec;
  int clock_gettime(int clock, bench_timespec *now);
]]
local clock = ffi.new("bench_timespec")

local function now()
  ffi.C.clock_gettime(1, clock) -- CLOCK_MONOTONIC
  return tonumber(clock.tv_sec) + tonumber(clock.tv_nsec) / 1e9
end

local bodies, count, sent, wanted = {}, 0, 0, 0
local threads = {}
-- Globals, so that done() can read them through thread:get().
answered, failed, first_at, last_at = 0, 0, 0, 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  wrk.method = os.getenv("BENCH_METHOD") or "GET"
  wrk.path = os.getenv("BENCH_PATH") or "/"
  for line in string.gmatch(os.getenv("BENCH_HEADERS") or "", "[^\n]+") do
    local name, value = string.match(line, "^([^:]+):%s*(.*)$")
    wrk.headers[name] = value
  end
  wrk.body = os.getenv("BENCH_BODY")
  wanted = tonumber(os.getenv("BENCH_ANSWERS") or "0")
  local file = os.getenv("BENCH_BODIES")
  if file and file ~= "" then
    for line in io.lines(file) do
      count = count + 1
      bodies[count] = line
    end
  end
end

function request()
  if count == 0 then
    return wrk.format()
  end
  sent = sent + 1
  if sent == 1 then
    first_at = now()
  end
  -- Past the end (answers still in flight): repeat the last body; the run stops before those
  -- answers are counted.
  return wrk.format(nil, nil, nil, bodies[math.min(sent, count)])
end

function response(status, headers, body)
  answered = answered + 1
  if status < 200 or status > 299 then
    failed = failed + 1
  end
  if wanted > 0 and answered == wanted then
    last_at = now()
    local marker = io.open(os.getenv("BENCH_DONE"), "w")
    marker:close()
    wrk.thread:stop()
  end
end

function done(summary, latency, requests)
  local failures, requests, seconds = 0, summary.requests, summary.duration / 1e6
  for _, thread in ipairs(threads) do
    failures = failures + thread:get("failed")
    if thread:get("last_at") > 0 then
      requests = thread:get("answered")
      seconds = thread:get("last_at") - thread:get("first_at")
    end
  end
  io.write(string.format(
    '{"requests": %d, "seconds": %.6f, "p50_ms": %.3f, "p99_ms": %.3f, "failures": %d, ' ..
    '"socket_errors": %d}\n',
    requests, seconds, latency:percentile(50) / 1000,
    latency:percentile(99) / 1000, failures,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
