-- wrk script of run-load.sh: POSTs the JSON bodies of $BODIES (one per line) in turn to $REQ_PATH with the
-- bearer key $API_KEY, and prints one JSON line of results (latencies in ms) when done.
local bodies = {}
local path = os.getenv("REQ_PATH") or "/v1/chat/completions"
local headers = { ["Content-Type"] = "application/json" }
local key = os.getenv("API_KEY")
if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end

for line in io.lines(os.getenv("BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end

local i = 0
request = function()
  i = i % #bodies + 1
  return wrk.format("POST", path, headers, bodies[i])
end

done = function(summary, latency, requests)
  local e = summary.errors
  io.write(string.format(
    'RESULT {"requests":%d,"duration_s":%.3f,"rps":%.1f,"p50_ms":%.3f,"p90_ms":%.3f,"p99_ms":%.3f,"max_ms":%.3f,' ..
    '"non2xx":%d,"socket_errors":%d}\n',
    summary.requests, summary.duration / 1e6, summary.requests / (summary.duration / 1e6),
    latency:percentile(50) / 1000, latency:percentile(90) / 1000, latency:percentile(99) / 1000,
    latency.max / 1000, e.status, e.connect + e.read + e.write + e.timeout))
end
