-- wrk script for bench_http: POST the request bodies of a file (one JSON body a line) in turn,
-- each thread starting at a different one, and print the figures as one JSON line at the end.
local bodies, next_body = {}, 0

init = function(args)
  for line in io.lines(args[1]) do bodies[#bodies + 1] = line end
  next_body = math.random(#bodies) - 1
end

request = function()
  next_body = next_body % #bodies + 1
  return wrk.format("POST", "/alexa", {["Content-Type"] = "application/json"}, bodies[next_body])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'WRK {"requests": %d, "duration_us": %d, "p50_us": %d, "p99_us": %d, "non_2xx": %d, '
      .. '"failures": %d}\n',
    summary.requests, summary.duration, latency:percentile(50), latency:percentile(99),
    e.status, e.connect + e.read + e.write + e.timeout))
end
