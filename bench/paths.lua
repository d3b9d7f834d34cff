-- wrk script for bench/http_pages.py: each connection cycles through the request paths listed in a file (one per
-- line), sends the given Cookie header, and comes from its own client address (X-Forwarded-For, as behind the
-- province's load balancer) so that per-address limits count each simulated citizen apart.
-- Arguments (after --): paths file, cookie header (may be empty), one more header "Name: value" (may be
-- empty: an API key). Prints one JSON line at the end.
local paths = {}
local cookie = ""
local extra_name, extra_value = nil, nil
local index = 0

function init(args)
  for line in io.lines(args[1]) do
    if #line > 0 then paths[#paths + 1] = line end
  end
  cookie = args[2] or ""
  if args[3] and #args[3] > 0 then
    extra_name, extra_value = args[3]:match("^([^:]+):%s*(.*)$")
  end
  index = math.random(#paths)
end

function request()
  index = index % #paths + 1
  local headers = {
    ["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.random(0, 255), math.random(0, 255), math.random(1, 254)),
  }
  if cookie ~= "" then headers["Cookie"] = cookie end
  if extra_name then headers[extra_name] = extra_value end
  return wrk.format("GET", paths[index], headers)
end

function done(summary, latency, requests)
  io.write(string.format(
    'RESULT {"requests": %d, "duration_us": %d, "status_errors": %d, "socket_errors": %d, ' ..
    '"p50_us": %d, "p95_us": %d, "p99_us": %d, "max_us": %d}\n',
    summary.requests, summary.duration, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout,
    latency:percentile(50), latency:percentile(95), latency:percentile(99), latency.max))
end
