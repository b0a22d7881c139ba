-- wrk script of run-load.sh: POSTs the JSON bodies of $BODIES (one per line) in turn to $REQ_PATH with the
-- bearer key $API_KEY, and prints one JSON line of results (latencies in ms) when done.
-- UNIQUE=1: every request is made distinct, so no request repeats an earlier one (a cache of detection
-- results must not be measured on repeats the workload does not have): in a body that holds {{PASS}} (the
-- multi-turn bodies of LoadTool), {{PASS}} becomes the number of the current pass over the file, so within a
-- pass a conversation's history repeats turn after turn as clients send it, and every pass is new
-- conversations; any other body gets the request's number put at the start of its last user message.
local bodies = {}
local path = os.getenv("REQ_PATH") or "/v1/chat/completions"
local headers = { ["Content-Type"] = "application/json" }
local key = os.getenv("API_KEY")
if key and key ~= "" then headers["Authorization"] = "Bearer " .. key end

for line in io.lines(os.getenv("BODIES")) do
  if #line > 0 then bodies[#bodies + 1] = line end
end

local unique = os.getenv("UNIQUE") == "1"
-- wrk runs one Lua state per thread: each gets a number, so its requests differ from other threads' too
local threads = 0
setup = function(thread)
  threads = threads + 1
  thread:set("tid", threads)
end
tid = 0
local i = 0
local sent = 0
request = function()
  i = i % #bodies + 1
  local body = bodies[i]
  if unique then
    local pass = math.floor(sent / #bodies)
    sent = sent + 1
    if body:find("{{PASS}}", 1, true) then
      body = body:gsub("{{PASS}}", "p" .. tid .. "." .. pass)
    else
      local at = body:match('.*()"role":"user","content":"')
      if at then
        local open = at + #'"role":"user","content":"'
        body = body:sub(1, open - 1) .. "#" .. tid .. "." .. sent .. " " .. body:sub(open)
      end
    end
  end
  return wrk.format("POST", path, headers, body)
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
