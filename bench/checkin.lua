-- wrk script: POST check-ins of distinct ticket tokens read from $TOKENS, spread over threads.
local threads = {}
local counter = 0

function setup(thread)
  thread:set("id", #threads)
  table.insert(threads, thread)
end

function init(args)
  tokens = {}
  for line in io.lines(os.getenv("TOKENS")) do
    tokens[#tokens + 1] = line
  end
  -- LIMIT: scan only the first LIMIT tokens, over and over (repeat scans).
  limit = tonumber(os.getenv("LIMIT") or "") or #tokens
  step = tonumber(os.getenv("THREADS") or "2")
  run = os.getenv("RUN") or tostring(os.time())
  counter = id - step -- the first request of thread k scans token k + 1
  path = "/api/v1/events/" .. os.getenv("SLUG") .. "/checkins"
  headers = { ["content-type"] = "application/json", ["authorization"] = "Bearer " .. os.getenv("BEARER") }
end

function request()
  counter = counter + step
  local token = tokens[(counter % limit) + 1]
  -- A nonce, as the desk's script sends with every scan; unique within the run and across runs.
  local nonce = run .. "-" .. id .. "-" .. counter
  return wrk.format("POST", path, headers, '{"token":"' .. token .. '","nonce":"' .. nonce .. '"}')
end

function response(status, headers, body)
  if status ~= 200 then
    errors = (errors or 0) + 1
  end
end
