-- wrk script: each request uses the next bearer token (distinct people), optional JSON body.
-- env: TOKENS (file, one token per line), METHOD, BODY (may contain {qr}, and {n}: a number of
-- 8 digits, different for every request), QR; NOAUTH=1 sends no token (a public form) and
-- XFF=1 an X-Forwarded-For of its own for every request (each resident from their own address);
-- PATHS (file, one path per line) gives every request the next path (each approves its own record)
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
  index = (id % #tokens) + 1
  method = os.getenv("METHOD") or "GET"
  body = (os.getenv("BODY") or ""):gsub("{qr}", os.getenv("QR") or "")
  noauth = os.getenv("NOAUTH") == "1"
  xff = os.getenv("XFF") == "1"
  sent = 0
  paths = nil
  if (os.getenv("PATHS") or "") ~= "" then
    paths = {}
    for line in io.lines(os.getenv("PATHS")) do paths[#paths + 1] = line end
    pindex = id + 1
  end
end

function request()
  local token = tokens[index]
  index = index + step
  if index > #tokens then index = (id % #tokens) + 1 end
  local headers = {["Content-Type"] = "application/json"}
  if not noauth then headers["Authorization"] = "Bearer " .. token end
  sent = sent + 1
  local n = id * 10000000 + sent
  if xff then
    headers["X-Forwarded-For"] = string.format("10.%d.%d.%d", math.floor(n / 65536) % 256, math.floor(n / 256) % 256, n % 256)
  end
  local payload = body:gsub("{n}", string.format("%08d", n % 100000000))
  local path = nil
  if paths then
    path = paths[pindex]
    pindex = pindex + step
    if pindex > #paths then pindex = id + 1 end
  end
  return wrk.format(method, path, headers, method == "GET" and nil or payload)
end

function done(summary, latency, requests)
  local seconds = summary.duration / 1e6
  io.write(string.format('RESULT {"rps": %.1f, "p50": %.2f, "p95": %.2f, "p99": %.2f, "requests": %d, "non2xx": %d, "errors": %d}\n',
    summary.requests / seconds, latency:percentile(50) / 1000, latency:percentile(95) / 1000,
    latency:percentile(99) / 1000, summary.requests, summary.errors.status,
    summary.errors.connect + summary.errors.read + summary.errors.write + summary.errors.timeout))
end
