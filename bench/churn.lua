-- wrk script for the churn phase: rotate over the paths in a file (as rotate.lua) and
-- count cache hits and misses (X-Page-Cache, or Varnish's X-Cache) across every thread.
-- The second argument is each connection's pause between requests in milliseconds:
-- readers at a steady rate, not as fast as the machine can answer.
local paths = {}
local pause = 0
local counter = 0
local threads = {}
hits = 0
misses = 0

function setup(thread)
  table.insert(threads, thread)
end

function init(args)
  pause = tonumber(args[2] or "0")
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  math.randomseed(os.time() + tonumber(tostring({}):sub(8), 16) % 100000)
  counter = math.random(#paths)
end

function request()
  counter = counter + 1
  return wrk.format("GET", paths[(counter % #paths) + 1])
end

function delay()
  return pause
end

function response(status, headers, body)
  local state = headers["X-Page-Cache"] or headers["X-Cache"]  -- the embedded cache, Varnish
  if state == "hit" then hits = hits + 1 elseif state == "miss" then misses = misses + 1 end
end

function done(summary, latency, requests)
  local h, m = 0, 0
  for _, thread in ipairs(threads) do
    h = h + thread:get("hits")
    m = m + thread:get("misses")
  end
  local e = summary.errors
  io.write(string.format(
    'BENCH {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, ' ..
    '"connect": %d, "read": %d, "write": %d, "status": %d, "timeout": %d, ' ..
    '"hits": %d, "misses": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.connect, e.read, e.write, e.status, e.timeout, h, m))
end
