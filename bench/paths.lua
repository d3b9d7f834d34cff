-- wrk script for bench/http_pages.py: each connection cycles through the request paths listed in a file (one per
-- line), sends the given Cookie header, and comes from its own client address (X-Forwarded-For, as behind the
-- province's load balancer) so that per-address limits count each simulated citizen apart.
-- Arguments (after --): paths file, cookie header (may be empty), one more header "Name: value" (may be
-- empty: an API key), the method (GET when empty), the form body of a POST (may be empty), the number of
-- wrk threads, and a seed for the client addresses (each run its own: LuaJIT's generator starts from the
-- same seed in every run, and the same addresses would reach the lookup's per-address limit after a few
-- runs). A POST path is used once: thread n of t sends paths n+1, n+1+t, n+1+2t, … (filing a draft twice
-- would only be answered "already filed"); a GET thread starts anywhere in the list. Prints one JSON line
-- at the end.
local paths = {}
local cookie = ""
local extra_name, extra_value = nil, nil
local method, body = "GET", nil
local index, step = 0, 1
local threads_made = 0

function setup(thread)
  thread:set("thread_number", threads_made)
  threads_made = threads_made + 1
end

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  cookie = args[2] or ""
  if args[3] and #args[3] > 0 then
    extra_name, extra_value = args[3]:match("^([^:]+):%s*(.*)$")
  end
  if args[4] and #args[4] > 0 then method = args[4] end
  if args[5] and #args[5] > 0 then body = args[5] end
  math.randomseed((tonumber(args[7]) or 0) + thread_number)
  if method == "POST" then
    step = tonumber(args[6]) or 1
    index = thread_number + 1 - step
  else
    index = math.random(#paths)
  end
end

function request()
  if method == "POST" then
    index = index + step
  else
    index = index % #paths + 1
  end
  local headers = {
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254)),
  }
  if cookie ~= "" then headers["Cookie"] = cookie end
  if extra_name then headers[extra_name] = extra_value end
  if body then headers["Content-Type"] = "application/x-www-form-urlencoded" end
  -- Past the end of a POST list the path repeats; http_pages.py counts what was filed and stops on a shortfall.
  return wrk.format(method, paths[(index - 1) % #paths + 1], headers, body)
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
