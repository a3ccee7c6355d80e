-- wrk script: each request uses the next bearer token (distinct people), optional JSON body.
-- env: TOKENS (file, one token per line), METHOD, BODY (may contain {qr}), QR
local counter = 0
local threads = {}

function setup(thread)
  thread:set("id", counter)
  counter = counter + 1
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do tokens[#tokens + 1] = line end
  step = tonumber(os.getenv("THREADS") or "1")
  index = id + 1
  method = os.getenv("METHOD") or "GET"
  body = (os.getenv("BODY") or ""):gsub("{qr}", os.getenv("QR") or "")
end

function request()
  local token = tokens[index]
  index = index + step
  if index > #tokens then index = id + 1 end
  local headers = {["Authorization"] = "Bearer " .. token, ["Content-Type"] = "application/json"}
  return wrk.format(method, nil, headers, method == "GET" and nil or body)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format('RESULT {"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "requests": %d, "non2xx": %d, "errors": %d}\n',
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
